"""What the motions app tells the apps above it, without knowing them."""

from django.dispatch import Signal

# Sent after a report from the public form is stored (its own transaction has
# committed), with ``report`` and ``request``: the workspace tells its volunteers.
report_received = Signal()
