"""What the register tells the apps above it, without knowing them."""

from django.dispatch import Signal

# Sent after an import wrote municipalities or boundaries in bulk (bulk writes
# send no post_save): whatever is built from the register starts afresh.
register_imported = Signal()
