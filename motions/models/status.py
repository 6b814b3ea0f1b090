"""Where a council stands: the statuses a municipality has through its motions,
ranked, which both the motions and the councils' annotations use."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class MunicipalityStatus(models.TextChoices):
    """Where a council stands, derived from its motions (never stored).

    The order is the ranking: the most advanced motion wins. "Contacted" is
    the volunteers' own view; the public status never shows it.
    """

    NONE = "none", _("geen motie bekend")
    CONTACTED = "contacted", _("benaderd")
    REJECTED = "rejected", _("verworpen of ingetrokken")
    PENDING = "pending", _("ingediend of aangehouden")
    ADOPTED = "adopted", _("motie aangenomen")

    @classmethod
    def rank(cls, status: "MunicipalityStatus") -> int:
        return list(cls).index(status)

    @classmethod
    def public(cls) -> list["MunicipalityStatus"]:
        """The statuses anyone may see, most advanced first (legends, counters)."""
        return [s for s in reversed(cls) if s != cls.CONTACTED]
