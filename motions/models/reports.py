"""What councils report back through the public form, private until a
volunteer has judged it."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.storage import Storage, storages
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from kinderpardon.dates import IN_THE_FUTURE, clean_partial, format_partial, partial_date_fields
from kinderpardon.indexes import OrderingIndex
from municipalities.models import Municipality

from .motions import Motion
from .validation import DOCUMENT_EXTENSIONS, impossible_date


def private_storage() -> Storage:
    """Where reporters' documents go: never under MEDIA_URL (settings.STORAGES)."""
    return storages["private"]


class ActionReport(models.Model):
    """What a council member or griffier reports through the public form.

    Private until a volunteer accepts it; never deleted by triage, only given
    an outcome. The reporter's personal data is erased after the retention period.
    """

    class Role(models.TextChoices):
        COUNCILLOR = "raadslid", _("raadslid")
        FACTION_CHAIR = "fractievoorzitter", _("fractievoorzitter")
        CLERK = "griffier", _("griffier")
        OTHER = "other", _("anders")

    class Action(models.TextChoices):
        SUBMITTED = "submitted", _("motie ingediend")
        ADOPTED = "adopted", _("motie aangenomen")
        REJECTED = "rejected", _("motie verworpen")
        WITHDRAWN = "withdrawn", _("motie ingetrokken")
        HELD = "held", _("motie aangehouden")
        OTHER = "other", _("andere actie")

    class Outcome(models.TextChoices):
        NEW = "new", _("nieuw")
        ACCEPTED = "accepted", _("verwerkt")
        REJECTED = "rejected", _("afgewezen")
        DUPLICATE = "duplicate", _("dubbel")

    reporter_name = models.CharField(_("naam"), max_length=150, blank=True)
    reporter_role = models.CharField(_("rol"), max_length=20, choices=Role, default=Role.OTHER)
    reporter_email = models.EmailField(_("e-mailadres"), blank=True)
    municipality = models.ForeignKey(
        Municipality, on_delete=models.PROTECT, related_name="reports", verbose_name=_("gemeente")
    )
    action = models.CharField(_("wat er gebeurde"), max_length=10, choices=Action)
    happened_on, happened_precision = partial_date_fields(_("wanneer"))
    factions = models.CharField(_("fractie(s)"), max_length=300, blank=True)
    link = models.URLField(_("link naar raadsinformatie"), max_length=500, blank=True)
    document = models.FileField(
        _("document"),
        upload_to="reports/%Y/",
        blank=True,
        validators=[DOCUMENT_EXTENSIONS],
        storage=private_storage,
    )
    message = models.TextField(_("toelichting"), max_length=5000, blank=True)
    consent = models.BooleanField(_("toestemming om contactgegevens te bewaren"), default=False)
    outcome = models.CharField(
        _("afhandeling"), max_length=10, choices=Outcome, default=Outcome.NEW
    )
    outcome_reason = models.TextField(_("reden"), blank=True)
    duplicate_of = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="duplicates",
        verbose_name=_("dubbel van"),
    )
    motion = models.ForeignKey(
        Motion,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="reports",
        verbose_name=_("verwerkt in motie"),
    )
    handled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="handled_reports",
        verbose_name=_("afgehandeld door"),
    )
    handled_at = models.DateTimeField(_("afgehandeld op"), null=True, blank=True)
    personal_data_erased_at = models.DateTimeField(
        _("persoonsgegevens gewist op"), null=True, blank=True
    )
    created_at = models.DateTimeField(_("ontvangen op"), auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("melding")
        verbose_name_plural = _("meldingen")
        constraints = [
            models.CheckConstraint(
                condition=~Q(outcome="duplicate") | Q(duplicate_of__isnull=False),
                name="report_duplicate_names_original",
                violation_error_message=_("Geef aan van welke melding dit een dubbel is."),
            ),
            models.CheckConstraint(
                condition=~Q(duplicate_of=F("pk")),
                name="report_not_duplicate_of_itself",
                violation_error_message=_("Een melding kan geen dubbel van zichzelf zijn."),
            ),
        ]
        indexes = [
            models.Index(fields=["outcome", "-created_at"], name="report_outcome_created"),
            # The triage queue of one outcome (new, by default), a page at a time.
            OrderingIndex(
                "outcome",
                F("handled_at").desc(nulls_last=True),
                "created_at",
                "id",
                name="report_queue",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.municipality}: {self.get_action_display()} ({self.created_at:%d-%m-%Y})"

    @property
    def happened_display(self) -> str:
        return format_partial(self.happened_on, self.happened_precision)

    def clean(self) -> None:
        """A report tells what happened: not in the future, nor after the council
        ended. It names today's municipality, also for an older decision of a
        council that merged into it since, so a date before it began is no error
        here; the volunteer who accepts the report chooses the former council."""
        clean_partial(self, "happened")
        council = self.municipality if self.municipality_id else None
        problem = impossible_date(
            self, "happened", council, future_message=IN_THE_FUTURE, before_beginning=False
        )
        if problem:
            raise ValidationError({"happened_on": problem})
