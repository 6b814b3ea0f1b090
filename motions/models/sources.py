"""What motions and promises rest on: the reports, rulings and letters cited,
and what factions' election programmes commit to."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from kinderpardon.dates import clean_partial, format_partial, partial_date_fields
from municipalities.models import Faction


class Source(models.Model):
    """A report, court ruling or letter that motions and the campaign cite."""

    class Kind(models.TextChoices):
        REPORT = "report", _("rapport")
        RULING = "ruling", _("uitspraak")
        LETTER = "letter", _("brief")
        ARTICLE = "article", _("artikel")
        OTHER = "other", _("anders")

    title = models.CharField(_("titel"), max_length=400)
    publisher = models.CharField(_("uitgever"), max_length=300, blank=True)
    kind = models.CharField(_("soort"), max_length=10, choices=Kind, default=Kind.REPORT)
    published_on, published_precision = partial_date_fields(_("datum"))
    reference = models.CharField(
        _("kenmerk"), max_length=100, blank=True, help_text=_("Bijvoorbeeld een ECLI-nummer.")
    )
    url = models.URLField(_("link"), max_length=500, blank=True)

    class Meta:
        ordering = ["-published_on", "title"]
        verbose_name = _("bron")
        verbose_name_plural = _("bronnen")

    def __str__(self) -> str:
        return self.title

    @property
    def published_display(self) -> str:
        return format_partial(self.published_on, self.published_precision)

    def clean(self) -> None:
        clean_partial(self, "published")


class ElectionCommitment(models.Model):
    """Whether a faction's election programme commits to children's rights."""

    class Commitment(models.TextChoices):
        YES = "yes", _("ja")
        PARTLY = "partly", _("gedeeltelijk")
        NO = "no", _("nee")
        UNKNOWN = "unknown", _("onbekend")

    faction = models.ForeignKey(
        Faction, on_delete=models.CASCADE, related_name="commitments", verbose_name=_("fractie")
    )
    election_date = models.DateField(_("verkiezingsdatum"), help_text=_("Bijvoorbeeld 18-03-2026."))
    commitment = models.CharField(
        _("belofte"), max_length=10, choices=Commitment, default=Commitment.UNKNOWN
    )
    quote = models.TextField(_("citaat uit het programma"), blank=True)
    source_url = models.URLField(_("bron"), max_length=500, blank=True)
    checked_on = models.DateField(_("gecontroleerd op"), null=True, blank=True)

    class Meta:
        ordering = ["-election_date", "faction__municipality__name"]
        verbose_name = _("verkiezingsbelofte")
        verbose_name_plural = _("verkiezingsbeloften")
        constraints = [
            models.UniqueConstraint(
                fields=["faction", "election_date"],
                name="commitment_once_per_election",
                violation_error_message=_("Voor deze fractie en verkiezing is dit al vastgelegd."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.faction}: {self.get_commitment_display()}"
