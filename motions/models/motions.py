"""What councils and the Tweede Kamer decided, what they were asked to decide
(the example motion), what councils report back, and the sources cited."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.storage import storages
from django.core.validators import FileExtensionValidator
from django.db import models
from django.db.models import Case, Exists, F, IntegerField, OuterRef, Q, Subquery, Value, When
from django.db.models.functions import Coalesce, Greatest
from django.urls import reverse
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from kinderpardon.concurrency import Versioned
from kinderpardon.dates import (
    IN_THE_FUTURE,
    clean_partial,
    format_partial,
    format_when,
    is_future,
    partial_date_fields,
    period,
    truncate,
)
from kinderpardon.history import ChangesetRecord
from municipalities.models import (
    ContactMoment,
    Faction,
    Municipality,
    MunicipalityQuerySet,
    Party,
)
from municipalities.resolver import ended_problem, not_begun_problem

DECISION_NEEDS_DATE = _(
    "Een aangenomen of verworpen motie heeft een besluitdatum (een maand is genoeg)."
)


def private_storage():
    """Where reporters' documents go: never under MEDIA_URL (settings.STORAGES)."""
    return storages["private"]


DOCUMENT_EXTENSIONS = FileExtensionValidator(["pdf", "doc", "docx", "odt"])

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


def impossible_date(
    instance: models.Model,
    name: str,
    council: Municipality | None,
    *,
    future_message: str,
    before_beginning: bool = True,
) -> str:
    """Why the partial date ``<name>_on`` cannot be true, or "": it lies in the
    future, or the council had ended or (with ``before_beginning``) not yet
    begun. Compared at the date's precision: "oktober 2025" is in the future
    only when all of October is; "maart 2022" may be Weesp's, which ended on 24
    March 2022, "april 2022" not. These rules span tables and depend on today,
    so no database constraint can hold them."""
    value = getattr(instance, f"{name}_on")
    if value is None:
        return ""
    precision = getattr(instance, f"{name}_precision")
    if is_future(value, precision):
        return capfirst(future_message % {"date": format_partial(value, precision)})
    if council is None:
        return ""
    first, last = period(value, precision)
    when = format_when(value, precision)
    problem = ended_problem(council, first, when)
    if not problem and before_beginning:
        problem = not_begun_problem(council, last, when)
    return problem


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

    def clean(self):
        clean_partial(self, "published")


class MotionQuerySet(models.QuerySet):
    def public(self):
        """What anyone may see: everything but the volunteers' drafts."""
        return self.exclude(status=Motion.Status.DRAFT)

    def municipal(self):
        return self.filter(level=Motion.Level.MUNICIPAL)

    def national(self):
        return self.filter(level=Motion.Level.NATIONAL)

    def for_municipality(self, municipality: Municipality):
        return self.filter(municipality=municipality)

    def adopted(self):
        return self.filter(status=Motion.Status.ADOPTED)

    def newest_first(self):
        return self.order_by(
            F("decided_on").desc(nulls_last=True), F("submitted_on").desc(nulls_last=True), "-pk"
        )

    def for_list(self):
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

    # What each motion status means for its municipality's status.
    MUNICIPALITY_STATUS = {
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
            models.Index(fields=["level", "status"], name="motion_level_status"),
            models.Index(fields=["municipality", "status"], name="motion_municipality_status"),
            models.Index(fields=["decided_on"], name="motion_decided_on"),
            models.Index(fields=["submitted_on"], name="motion_submitted_on"),
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
    def status_rank_expression(cls) -> Case:
        """SQL for the rank of a motion's status among MunicipalityStatus."""
        return Case(
            *(
                When(status=motion_status, then=Value(MunicipalityStatus.rank(municipality_status)))
                for motion_status, municipality_status in cls.MUNICIPALITY_STATUS.items()
            ),
            default=Value(0),
        )

    def clean(self):
        clean_partial(self, "submitted")
        clean_partial(self, "decided")
        errors = {}
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


def with_status(municipalities: models.QuerySet, *, include_contacted: bool = False):
    """Annotate ``status`` (a MunicipalityStatus value) and ``status_rank`` on
    any queryset of municipalities (the admin's too, which saves them).

    One correlated subquery, so a list costs the same number of queries
    whatever its length.
    """
    motions = Motion.objects.public().filter(municipality=OuterRef("pk"))
    best_rank = Subquery(
        motions.annotate(rank=Motion.status_rank_expression()).order_by("-rank").values("rank")[:1],
        output_field=IntegerField(),
    )
    rank = Coalesce(best_rank, Value(0))
    if include_contacted:
        contacted = Case(
            When(
                Exists(ContactMoment.objects.filter(municipality=OuterRef("pk"))),
                then=Value(MunicipalityStatus.rank(MunicipalityStatus.CONTACTED)),
            ),
            default=Value(0),
        )
        rank = Greatest(rank, contacted)
    status = Case(
        *(
            When(status_rank=MunicipalityStatus.rank(s), then=Value(s.value))
            for s in MunicipalityStatus
        ),
        output_field=models.CharField(),
    )
    return municipalities.annotate(status_rank=rank).annotate(status=status)


class CouncilQuerySet(MunicipalityQuerySet):
    """Municipalities with where their councils stand, derived from the motions."""

    def with_status(self, *, include_contacted: bool = False):
        """See ``with_status``."""
        return with_status(self, include_contacted=include_contacted)

    def with_latest_motion(self):
        """Annotate ``latest_motion_on`` and ``latest_motion_precision``: the date of
        the newest public motion (decided, else submitted) and how exactly it is
        known, both from the same motion; see ``Council.latest_motion_display``."""
        latest = (
            Motion.objects.public()
            .filter(municipality=OuterRef("pk"))
            .annotate(
                on=Coalesce("decided_on", "submitted_on"),
                precision=Case(
                    When(decided_on__isnull=False, then="decided_precision"),
                    default="submitted_precision",
                ),
            )
            .filter(on__isnull=False)
            .order_by("-on", "-pk")
        )
        return self.annotate(
            latest_motion_on=Subquery(latest.values("on")[:1], output_field=models.DateField()),
            latest_motion_precision=Subquery(latest.values("precision")[:1]),
        )


class Council(Municipality):
    """A municipality seen through its motions: where its council stands. The
    same rows as ``Municipality`` (a proxy), for reading lists, pages and the map
    with the annotations of ``CouncilQuerySet``; records are saved as
    ``Municipality``, whose history and signals belong to that class."""

    objects = CouncilQuerySet.as_manager()

    class Meta:
        proxy = True
        verbose_name = _("gemeenteraad")
        verbose_name_plural = _("gemeenteraden")

    @property
    def status_label(self) -> str:
        """Label of the ``status`` annotation that ``with_status()`` adds."""
        return MunicipalityStatus(self.status).label

    @property
    def latest_motion_display(self) -> str:
        """The annotation of ``with_latest_motion()``, at its precision: "april 2025"."""
        return format_partial(self.latest_motion_on, self.latest_motion_precision)


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

    def clean(self):
        clean_partial(self, "happened")


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
        indexes = [models.Index(fields=["outcome", "-created_at"], name="report_outcome_created")]

    def __str__(self) -> str:
        return f"{self.municipality}: {self.get_action_display()} ({self.created_at:%d-%m-%Y})"

    @property
    def happened_display(self) -> str:
        return format_partial(self.happened_on, self.happened_precision)

    def clean(self):
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
