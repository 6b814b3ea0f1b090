"""What councils and the Tweede Kamer decided: a motion and its parts (who
submitted it, how each faction voted, its timeline)."""

from typing import TYPE_CHECKING, ClassVar, Self

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from kinderpardon.concurrency import Versioned
from kinderpardon.dates import clean_partial, format_partial, partial_date_fields, truncate
from kinderpardon.history import ChangesetRecord
from kinderpardon.indexes import OrderingIndex
from municipalities.models import Faction, Municipality, Party

from .sources import Source
from .status import MunicipalityStatus
from .validation import DOCUMENT_EXTENSIONS, impossible_date

if TYPE_CHECKING:
    from django.contrib.auth.base_user import AbstractBaseUser
    from django_stubs_ext import StrOrPromise

DECISION_NEEDS_DATE = _(
    "Een aangenomen of verworpen motie heeft een besluitdatum (een maand is genoeg)."
)

# What is logged has happened; what is planned belongs on the timeline (MotionEvent).
FUTURE_MESSAGES = {
    "submitted": _(
        "%(date)s ligt in de toekomst: leg de indiening vast als de motie is ingediend. "
        "Een geplande datum hoort in de tijdlijn."
    ),
    "decided": _(
        "%(date)s ligt in de toekomst: leg het besluit vast als erover is gestemd. "
        "Een geplande stemming hoort in de tijdlijn."
    ),
}

# When a motion happened: its decision, else its submission (the latest outcomes).
HAPPENED_ON = Coalesce("decided_on", "submitted_on")
# The lists' order: the latest decision first, then the latest submission.
NEWEST_FIRST = (
    F("decided_on").desc(nulls_last=True),
    F("submitted_on").desc(nulls_last=True),
    F("id").desc(),
)


class MotionQuerySet(models.QuerySet):
    def public(self) -> Self:
        """What anyone may see: everything but the volunteers' drafts."""
        return self.exclude(status=Motion.Status.DRAFT)

    def municipal(self) -> Self:
        return self.filter(level=Motion.Level.MUNICIPAL)

    def national(self) -> Self:
        return self.filter(level=Motion.Level.NATIONAL)

    def for_municipality(self, municipality: Municipality) -> Self:
        return self.filter(municipality=municipality)

    def adopted(self) -> Self:
        return self.filter(status=Motion.Status.ADOPTED)

    def newest_first(self) -> Self:
        return self.order_by(*NEWEST_FIRST)

    def for_list(self) -> Self:
        return self.select_related("municipality__province")


class Motion(Versioned):
    class Level(models.TextChoices):
        MUNICIPAL = "municipal", _("gemeenteraad")
        NATIONAL = "national", _("Tweede Kamer")

    class Kind(models.TextChoices):
        MOTION = "motie", _("motie")
        AMENDMENT = "amendement", _("amendement")
        INITIATIVE = "initiatiefvoorstel", _("initiatiefvoorstel")

    class Status(models.TextChoices):
        DRAFT = "draft", _("concept")
        SUBMITTED = "submitted", _("ingediend")
        HELD = "held", _("aangehouden")
        ADOPTED = "adopted", _("aangenomen")
        REJECTED = "rejected", _("verworpen")
        WITHDRAWN = "withdrawn", _("ingetrokken")

    # What each motion status means for its municipality's status (keyed by value, too).
    MUNICIPALITY_STATUS: ClassVar[dict[str, MunicipalityStatus]] = {
        Status.SUBMITTED: MunicipalityStatus.PENDING,
        Status.HELD: MunicipalityStatus.PENDING,
        Status.ADOPTED: MunicipalityStatus.ADOPTED,
        Status.REJECTED: MunicipalityStatus.REJECTED,
        Status.WITHDRAWN: MunicipalityStatus.REJECTED,
    }
    DECIDED = (Status.ADOPTED, Status.REJECTED)

    level = models.CharField(_("niveau"), max_length=10, choices=Level, default=Level.MUNICIPAL)
    municipality = models.ForeignKey(
        Municipality,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="motions",
        verbose_name=_("gemeente"),
    )
    title = models.CharField(_("titel"), max_length=300)
    kind = models.CharField(_("soort"), max_length=20, choices=Kind, default=Kind.MOTION)
    status = models.CharField(_("status"), max_length=10, choices=Status, default=Status.SUBMITTED)
    submitted_on, submitted_precision = partial_date_fields(_("ingediend op"))
    decided_on, decided_precision = partial_date_fields(
        _("besloten op"), help_text=_("Datum van de stemming.")
    )
    votes_for = models.PositiveSmallIntegerField(_("stemmen voor"), null=True, blank=True)
    votes_against = models.PositiveSmallIntegerField(_("stemmen tegen"), null=True, blank=True)
    summary = models.TextField(_("samenvatting"), blank=True)
    text = models.TextField(_("volledige tekst"), blank=True)
    source_url = models.URLField(_("link naar de bron"), max_length=500, blank=True)
    document = models.FileField(
        _("document"), upload_to="motions/%Y/", blank=True, validators=[DOCUMENT_EXTENSIONS]
    )
    kamerstuk = models.CharField(
        _("Kamerstuknummer"),
        max_length=50,
        blank=True,
        help_text=_("Alleen voor moties van de Tweede Kamer, bijvoorbeeld 19637-1234."),
    )
    sources = models.ManyToManyField(
        Source, blank=True, related_name="motions", verbose_name=_("bronnen")
    )
    model_motion = models.ForeignKey(
        "ModelMotion",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="motions",
        verbose_name=_("gebaseerd op voorbeeldmotie"),
    )
    created_at = models.DateTimeField(_("aangemaakt op"), auto_now_add=True)
    updated_at = models.DateTimeField(_("gewijzigd op"), auto_now=True)

    objects = MotionQuerySet.as_manager()

    history = HistoricalRecords(excluded_fields=["version"], bases=[ChangesetRecord])
    # Who simple_history records for the next save, when it is not the request's user.
    _history_user: "AbstractBaseUser | None"

    class Meta:
        ordering = [F("decided_on").desc(nulls_last=True), "-pk"]
        verbose_name = _("motie")
        verbose_name_plural = _("moties")
        permissions = [
            ("import_spreadsheets", _("Mag spreadsheets importeren")),
            ("revert_history", _("Mag wijzigingen terugdraaien")),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(level="municipal", municipality__isnull=False)
                | Q(level="national", municipality__isnull=True),
                name="motion_municipality_matches_level",
                violation_error_message=_(
                    "Een motie van een gemeenteraad hoort bij een gemeente; "
                    "een motie van de Tweede Kamer niet."
                ),
            ),
            models.CheckConstraint(
                condition=Q(kamerstuk="") | Q(level="national"),
                name="motion_kamerstuk_only_national",
                violation_error_message=_(
                    "Alleen een motie van de Tweede Kamer heeft een Kamerstuknummer."
                ),
            ),
            # A decision known to the day is not before the submission. One known
            # only as a month or year is stored as its first day and may lie
            # "before" a submission in that period: clean() compares those at
            # the decision's precision.
            models.CheckConstraint(
                condition=Q(decided_on__isnull=True)
                | Q(submitted_on__isnull=True)
                | ~Q(decided_precision="day")
                | Q(decided_on__gte=F("submitted_on")),
                name="motion_decided_not_before_submitted",
                violation_error_message=_("De besluitdatum ligt vóór de datum van indienen."),
            ),
            models.CheckConstraint(
                condition=~Q(status__in=["adopted", "rejected"]) | Q(decided_on__isnull=False),
                name="motion_decision_has_date",
                violation_error_message=DECISION_NEEDS_DATE,
            ),
            models.CheckConstraint(
                condition=(Q(votes_for__isnull=True) | Q(votes_for__gte=0))
                & (Q(votes_against__isnull=True) | Q(votes_against__gte=0)),
                name="motion_votes_not_negative",
                violation_error_message=_("Het aantal stemmen kan niet negatief zijn."),
            ),
        ]
        indexes = [
            models.Index(fields=["municipality", "status"], name="motion_municipality_status"),
            models.Index(fields=["decided_on"], name="motion_decided_on"),
            models.Index(fields=["submitted_on"], name="motion_submitted_on"),
            # The lists newest first (newest_first()), a page at a time: all
            # motions, and those of one level and status (the adopted motions of
            # /voorbeeldmotie/).
            OrderingIndex(*NEWEST_FIRST, name="motion_newest_first"),
            OrderingIndex("level", "status", *NEWEST_FIRST, name="motion_level_status_newest"),
            # A council's motions newest first (its pages, its latest motion in the triage queue).
            OrderingIndex("municipality", *NEWEST_FIRST, name="motion_council_newest"),
            # The latest outcomes on the home page, and per council its latest motion.
            models.Index(HAPPENED_ON.desc(), F("id").desc(), name="motion_latest"),
            models.Index(
                "municipality", HAPPENED_ON.desc(), F("id").desc(), name="motion_council_latest"
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("motions:detail", kwargs={"pk": self.pk})

    @property
    def body_name(self) -> str:
        """Who decides: the municipality's council or the Tweede Kamer."""
        if self.level == self.Level.NATIONAL:
            return str(_("Tweede Kamer"))
        return str(self.municipality) if self.municipality_id else ""

    @property
    def submitted_display(self) -> str:
        return format_partial(self.submitted_on, self.submitted_precision)

    @property
    def decided_display(self) -> str:
        return format_partial(self.decided_on, self.decided_precision)

    @classmethod
    def statuses_giving(cls, municipality_status: MunicipalityStatus) -> list[str]:
        """The motion statuses that give a municipality ``municipality_status``."""
        return [
            motion_status
            for motion_status, status in cls.MUNICIPALITY_STATUS.items()
            if status == municipality_status
        ]

    def clean(self) -> None:
        clean_partial(self, "submitted")
        clean_partial(self, "decided")
        errors: dict[str, StrOrPromise] = {}
        if self.level == self.Level.MUNICIPAL and self.municipality_id is None:
            errors["municipality"] = _("Kies de gemeente van deze motie.")
        if self.level == self.Level.NATIONAL and self.municipality_id is not None:
            errors["municipality"] = _("Een motie van de Tweede Kamer hoort niet bij een gemeente.")
        if self.kamerstuk and self.level != self.Level.NATIONAL:
            errors["kamerstuk"] = _(
                "Alleen een motie van de Tweede Kamer heeft een Kamerstuknummer."
            )
        if self.status in self.DECIDED and self.decided_on is None:
            errors["decided_on"] = DECISION_NEEDS_DATE
        if (
            self.decided_on
            and self.submitted_on
            and self.decided_on < truncate(self.submitted_on, self.decided_precision)
        ):
            errors["decided_on"] = _("De besluitdatum ligt vóór de datum van indienen.")
        # The municipality comes with the form or import (no query); a query is
        # made only to name its successors in a message.
        council = self.municipality if self.municipality_id else None
        for name in ("submitted", "decided"):
            problem = impossible_date(self, name, council, future_message=FUTURE_MESSAGES[name])
            if problem:
                errors[f"{name}_on"] = problem
        if errors:
            raise ValidationError(errors)


class Sponsorship(models.Model):
    """Who submitted or co-signed a motion: a council faction, or nationally a
    party and its member of parliament."""

    class Role(models.TextChoices):
        SUBMITTER = "submitter", _("indiener")
        CO_SIGNER = "co_signer", _("mede-indiener")

    motion = models.ForeignKey(
        Motion, on_delete=models.CASCADE, related_name="sponsorships", verbose_name=_("motie")
    )
    faction = models.ForeignKey(
        Faction,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="sponsorships",
        verbose_name=_("fractie"),
    )
    party = models.ForeignKey(
        Party,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="sponsorships",
        verbose_name=_("partij"),
    )
    member_name = models.CharField(
        _("Kamerlid of raadslid"),
        max_length=150,
        blank=True,
        help_text=_("Openbaar, als indiener."),
    )
    role = models.CharField(_("rol"), max_length=10, choices=Role, default=Role.SUBMITTER)

    history = HistoricalRecords(bases=[ChangesetRecord])

    class Meta:
        ordering = ["motion", "role", "pk"]
        verbose_name = _("indiener")
        verbose_name_plural = _("indieners")
        constraints = [
            models.CheckConstraint(
                condition=Q(faction__isnull=False) | Q(party__isnull=False) | ~Q(member_name=""),
                name="sponsorship_names_someone",
                violation_error_message=_("Kies een fractie of partij, of vul een naam in."),
            ),
            models.UniqueConstraint(
                fields=["motion", "faction"],
                condition=Q(faction__isnull=False),
                name="sponsorship_faction_once_per_motion",
                violation_error_message=_("Deze fractie staat al bij deze motie."),
            ),
        ]

    def __str__(self) -> str:
        who = self.faction or self.party
        if self.member_name:
            return f"{self.member_name} ({who})" if who else self.member_name
        return str(who)


class FactionVote(models.Model):
    class Vote(models.TextChoices):
        FOR = "for", _("voor")
        AGAINST = "against", _("tegen")
        SPLIT = "split", _("verdeeld")
        ABSENT = "absent", _("afwezig")

    motion = models.ForeignKey(
        Motion, on_delete=models.CASCADE, related_name="faction_votes", verbose_name=_("motie")
    )
    faction = models.ForeignKey(
        Faction, on_delete=models.PROTECT, related_name="votes", verbose_name=_("fractie")
    )
    vote = models.CharField(_("stem"), max_length=10, choices=Vote)

    history = HistoricalRecords(bases=[ChangesetRecord])

    class Meta:
        ordering = ["motion", "faction__party__name"]
        verbose_name = _("stem van een fractie")
        verbose_name_plural = _("stemmen per fractie")
        constraints = [
            models.UniqueConstraint(
                fields=["motion", "faction"],
                name="faction_vote_once_per_motion",
                violation_error_message=_("Deze fractie heeft al een stem bij deze motie."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.faction.party}: {self.get_vote_display()}"


class MotionEvent(models.Model):
    class Kind(models.TextChoices):
        SUBMITTED = "submitted", _("ingediend")
        DEBATED = "debated", _("besproken")
        VOTED = "voted", _("gestemd")
        LETTER_SENT = "letter_sent", _("brief aan het kabinet verstuurd")
        ANSWER_RECEIVED = "answer_received", _("antwoord ontvangen")
        IMPLEMENTED = "implemented", _("uitgevoerd")
        OTHER = "other", _("anders")

    motion = models.ForeignKey(
        Motion, on_delete=models.CASCADE, related_name="events", verbose_name=_("motie")
    )
    kind = models.CharField(_("gebeurtenis"), max_length=20, choices=Kind)
    happened_on, happened_precision = partial_date_fields(_("datum"))
    note = models.TextField(_("toelichting"), blank=True)
    source_url = models.URLField(_("bron"), max_length=500, blank=True)

    history = HistoricalRecords(bases=[ChangesetRecord])

    class Meta:
        ordering = ["motion", F("happened_on").asc(nulls_last=True), "pk"]
        verbose_name = _("gebeurtenis")
        verbose_name_plural = _("tijdlijn")

    def __str__(self) -> str:
        return f"{self.get_kind_display()} ({self.happened_display})"

    @property
    def happened_display(self) -> str:
        return format_partial(self.happened_on, self.happened_precision)

    def clean(self) -> None:
        clean_partial(self, "happened")
