"""What councils are asked to decide: the example motion, versioned."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from kinderpardon.history import ChangesetRecord
from municipalities.models import Municipality


class ModelMotion(models.Model):
    """An example motion text, versioned, with placeholders for the municipality.

    Placeholders: ``{gemeente}`` (the municipality's name) and ``{provincie}``.
    """

    PLACEHOLDERS = ("{gemeente}", "{provincie}")

    class Status(models.TextChoices):
        DRAFT = "draft", _("concept")
        PUBLISHED = "published", _("gepubliceerd")
        ARCHIVED = "archived", _("vervangen")

    slug = models.SlugField(_("slug"), max_length=100)
    version = models.PositiveSmallIntegerField(_("versie"), default=1)
    title = models.CharField(_("titel"), max_length=300)
    status = models.CharField(_("status"), max_length=10, choices=Status, default=Status.DRAFT)
    introduction = models.TextField(_("toelichting voor raadsleden"), blank=True)
    text = models.TextField(
        _("tekst"), help_text=_("Gebruik {gemeente} en {provincie} waar de naam moet komen.")
    )
    created_at = models.DateTimeField(_("aangemaakt op"), auto_now_add=True)
    updated_at = models.DateTimeField(_("gewijzigd op"), auto_now=True)

    history = HistoricalRecords(bases=[ChangesetRecord])

    class Meta:
        ordering = ["slug", "-version"]
        verbose_name = _("voorbeeldmotie")
        verbose_name_plural = _("voorbeeldmoties")
        constraints = [
            models.UniqueConstraint(
                fields=["slug", "version"],
                name="model_motion_unique_version",
                violation_error_message=_("Deze versie van deze voorbeeldmotie bestaat al."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.title} (versie {self.version})"

    def render(self, municipality: Municipality | None = None) -> str:
        """The text with the municipality filled in (placeholders kept if none)."""
        if municipality is None:
            return self.text
        return self.text.replace("{gemeente}", municipality.name).replace(
            "{provincie}", municipality.province.name
        )
