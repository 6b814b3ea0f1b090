"""Where the councils are: provinces, municipalities (with mergers), their
boundaries, the parties and factions in each council, and the outreach log."""

import datetime
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, Self

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, OuterRef, Q, Subquery
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from kinderpardon.concurrency import Versioned
from kinderpardon.history import ChangesetRecord
from kinderpardon.text import fold

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

SEARCH_TEXT_LENGTH = 400  # the folded name and aliases, " | " between them


class Province(models.Model):
    code = models.CharField(_("CBS-code"), max_length=4, unique=True, help_text="PV20 .. PV31")
    name = models.CharField(_("naam"), max_length=100)
    slug = models.SlugField(_("slug"), max_length=100, unique=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("provincie")
        verbose_name_plural = _("provincies")

    def __str__(self) -> str:
        return self.name


def active_on(on: datetime.date | None = None, prefix: str = "") -> Q:
    """The condition "had begun and not yet ended on ``on`` (today)", for a
    municipality reached through ``prefix`` ("municipality__") or itself."""
    on = on or timezone.localdate()
    return (Q(**{f"{prefix}began_on__isnull": True}) | Q(**{f"{prefix}began_on__lte": on})) & (
        Q(**{f"{prefix}dissolved_on__isnull": True}) | Q(**{f"{prefix}dissolved_on__gt": on})
    )


class MunicipalityQuerySet(models.QuerySet):
    def active(self, on: datetime.date | None = None) -> Self:
        """Municipalities that had begun and not yet ended on ``on`` (today)."""
        return self.filter(active_on(on))

    def dissolved(self, on: datetime.date | None = None) -> Self:
        """Municipalities that had ended by ``on`` (today)."""
        return self.filter(dissolved_on__lte=on or timezone.localdate())

    def search(self, text: str) -> Self:
        """Name or alias, ignoring accents and case ("sudwest", "den bosch")."""
        return self.filter(search_text__contains=fold(text)) if text.strip() else self

    def for_list(self) -> Self:
        return self.select_related("province")


class Municipality(Versioned):
    code = models.CharField(
        _("CBS-code"), max_length=6, unique=True, help_text=_("Bijvoorbeeld GM0363.")
    )
    name = models.CharField(_("naam"), max_length=100, db_index=True)
    slug = models.SlugField(_("slug"), max_length=100, unique=True)
    province = models.ForeignKey(
        Province,
        on_delete=models.PROTECT,
        related_name="municipalities",
        verbose_name=_("provincie"),
    )
    aliases = models.CharField(
        _("andere namen"),
        max_length=255,
        blank=True,
        help_text=_("Gangbare namen, gescheiden door komma's, zoals 'Den Haag'."),
    )
    search_text = models.CharField(max_length=SEARCH_TEXT_LENGTH, editable=False, db_index=True)
    website = models.URLField(_("website"), blank=True)
    griffie_email = models.EmailField(
        _("e-mailadres griffie"), blank=True, help_text=_("Privé: nooit openbaar getoond.")
    )
    began_on = models.DateField(
        _("ontstaan op"),
        null=True,
        blank=True,
        help_text=_("Volgens het CBS-register; leeg als onbekend."),
    )
    dissolved_on = models.DateField(
        _("opgeheven op"),
        null=True,
        blank=True,
        help_text=_("Bij een herindeling: de eerste dag waarop de gemeente niet meer bestond."),
    )
    successors: "models.ManyToManyField[Municipality, Succession]" = models.ManyToManyField(
        "self",
        through="Succession",
        through_fields=("predecessor", "successor"),
        symmetrical=False,
        related_name="predecessors",
        blank=True,
        verbose_name=_("opvolgers"),
    )

    objects = MunicipalityQuerySet.as_manager()

    history = HistoricalRecords(excluded_fields=["version"], bases=[ChangesetRecord])

    # Its page belongs to the app above the register (settings.ABSOLUTE_URL_OVERRIDES).
    get_absolute_url: Callable[[], str]
    # No field: the resolver's Register names an ended namesake this way ("Sluis (tot 1995)").
    label: str | None = None

    class Meta:
        ordering = ["name"]
        verbose_name = _("gemeente")
        verbose_name_plural = _("gemeenten")
        constraints = [
            models.CheckConstraint(
                condition=Q(began_on__isnull=True)
                | Q(dissolved_on__isnull=True)
                | Q(dissolved_on__gt=F("began_on")),
                name="municipality_ends_after_it_begins",
                violation_error_message=_(
                    "Een gemeente kan niet opgeheven zijn vóór of op de dag dat ze ontstond."
                ),
            ),
        ]
        indexes = [models.Index(fields=["province", "name"], name="municipality_province_name")]

    def __str__(self) -> str:
        return self.name

    def save(self, *args: Any, **kwargs: Any) -> None:
        # Cut as a last guard for saves that skip clean(): the tail of a very long
        # list of aliases is then not searchable, but the save never fails.
        self.search_text = self.build_search_text()[:SEARCH_TEXT_LENGTH]
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and {"name", "aliases"} & set(update_fields):
            kwargs["update_fields"] = {*update_fields, "search_text"}
        super().save(*args, **kwargs)

    @property
    def is_active(self) -> bool:
        return self.exists_on(timezone.localdate())

    def exists_on(self, day: datetime.date) -> bool:
        """Whether the municipality had begun and not yet ended on ``day``."""
        begun = self.began_on is None or self.began_on <= day
        return begun and (self.dissolved_on is None or self.dissolved_on > day)

    @property
    def alias_list(self) -> list[str]:
        return [a.strip() for a in self.aliases.split(",") if a.strip()]

    def build_search_text(self) -> str:
        return " | ".join(fold(n) for n in [self.name, *self.alias_list])

    def clean(self) -> None:
        """Aliases that fit and name no other municipality; dates that keep the
        merger history true (rules across rows, so no constraint can hold them)."""
        errors: dict[str, list[StrOrPromise]] = {}
        # Many short aliases fold into a longer search text (each separator grows
        # from "," to " | "): refuse what would not fit instead of failing on save.
        if len(self.build_search_text()) > SEARCH_TEXT_LENGTH:
            errors["aliases"] = [_("Deze andere namen zijn samen te lang; laat er een paar weg.")]
        if self.alias_list:
            others = (
                Municipality.objects.active().exclude(pk=self.pk).values_list("name", flat=True)
            )
            names = {fold(name): name for name in others}
            for alias in self.alias_list:
                if fold(alias) in names:
                    errors.setdefault("aliases", []).append(
                        _("%(name)s is de naam van een andere gemeente.")
                        % {"name": names[fold(alias)]}
                    )
        if self.pk:
            for origin in self.origins.select_related("predecessor"):
                if problem := succession_problem(origin.predecessor, self):
                    errors.setdefault("began_on", []).append(problem)
            for succession in self.successions.select_related("successor"):
                if problem := succession_problem(self, succession.successor):
                    errors.setdefault("dissolved_on", []).append(problem)
        if errors:
            raise ValidationError(errors)


class Succession(models.Model):
    """What became of a municipality that ended: one row per successor, several
    when it was split. From the verified ``herindelingen.csv`` or added by a
    coordinator, always with its source; never guessed."""

    class Kind(models.TextChoices):
        MERGER = "samenvoeging", _("samenvoeging")
        SPLIT = "opsplitsing", _("opsplitsing")
        RENAME = "naamswijziging", _("naamswijziging")

    class Share(models.TextChoices):
        WHOLE = "geheel", _("geheel")
        PART = "gedeeltelijk", _("gedeeltelijk")

    predecessor = models.ForeignKey(
        Municipality,
        on_delete=models.CASCADE,
        related_name="successions",
        verbose_name=_("opgeheven gemeente"),
    )
    successor = models.ForeignKey(
        Municipality,
        on_delete=models.PROTECT,
        related_name="origins",
        verbose_name=_("opvolger"),
    )
    kind = models.CharField(_("soort"), max_length=20, choices=Kind, default=Kind.MERGER)
    share = models.CharField(_("deel"), max_length=20, choices=Share, default=Share.WHOLE)
    position = models.PositiveSmallIntegerField(
        _("volgorde"), default=1, help_text=_("1 is de hoofdopvolger.")
    )
    source = models.CharField(
        _("bron"), max_length=1000, help_text=_("Waar deze opvolging is nagegaan.")
    )

    history = HistoricalRecords(bases=[ChangesetRecord])

    # Read by simple_history when this instance is deleted (the register import sets it).
    _change_reason: str

    class Meta:
        ordering = ["predecessor", "position", "pk"]
        verbose_name = _("opvolging")
        verbose_name_plural = _("opvolgingen")
        constraints = [
            models.CheckConstraint(
                condition=~Q(successor=F("predecessor")),
                name="municipality_not_own_successor",
                violation_error_message=_("Een gemeente kan niet in zichzelf opgaan."),
            ),
            models.UniqueConstraint(
                fields=["predecessor", "successor"],
                name="succession_once_per_successor",
                violation_error_message=_("Deze opvolger staat al bij deze gemeente."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.predecessor} → {self.successor}"

    def clean(self) -> None:
        """Rules that span rows, so no database constraint can hold them."""
        if not (self.predecessor_id and self.successor_id) or self.predecessor == self.successor:
            return  # the constraints say what is missing or wrong
        problem = succession_problem(self.predecessor, self.successor)
        if problem:
            raise ValidationError({"successor": problem})


def succession_problem(predecessor: Municipality, successor: Municipality) -> str:
    """Why ``successor`` cannot have succeeded ``predecessor``, or "": only a
    municipality that ended has a successor, and that successor existed on the
    day it ended. The register import and model validation both ask this."""
    ended = predecessor.dissolved_on
    if ended is None:
        return _("%(name)s is niet opgeheven en heeft dus geen opvolger.") % {
            "name": predecessor.name
        }
    if not successor.exists_on(ended):
        return _("%(successor)s bestond niet op %(date)s, de dag dat %(name)s ophield.") % {
            "successor": successor.name,
            "date": date_format(ended, "j F Y"),
            "name": predecessor.name,
        }
    return ""


def council_absent(municipality: Municipality, day: datetime.date) -> str:
    """Why the council of ``municipality`` could not be dealt with on ``day``, or
    "" when it could."""
    if municipality.dissolved_on is not None and municipality.dissolved_on <= day:
        return _("%(name)s is opgeheven per %(date)s; kies de gemeente waar het nu bij hoort.") % {
            "name": municipality.name,
            "date": date_format(municipality.dissolved_on, "j F Y"),
        }
    if municipality.began_on is not None and municipality.began_on > day:
        return _("%(name)s bestond op %(date)s nog niet; de gemeente ontstond op %(began)s.") % {
            "name": municipality.name,
            "date": date_format(day, "j F Y"),
            "began": date_format(municipality.began_on, "j F Y"),
        }
    return ""


class Boundary(models.Model):
    """A municipality's outline for one year, simplified, as a GeoJSON geometry
    in WGS84. Kept apart so that lists of municipalities stay light."""

    municipality = models.ForeignKey(
        Municipality,
        on_delete=models.CASCADE,
        related_name="boundaries",
        verbose_name=_("gemeente"),
    )
    year = models.PositiveSmallIntegerField(_("jaar"))
    geometry = models.JSONField(_("geometrie (GeoJSON, WGS84)"))

    class Meta:
        ordering = ["municipality__name", "-year"]
        verbose_name = _("grens")
        verbose_name_plural = _("grenzen")
        constraints = [
            models.UniqueConstraint(
                fields=["municipality", "year"],
                name="boundary_one_per_municipality_per_year",
                violation_error_message=_("Deze gemeente heeft al een grens voor dit jaar."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.municipality} ({self.year})"


class Party(models.Model):
    class Scope(models.TextChoices):
        NATIONAL = "national", _("landelijk")
        LOCAL = "local", _("lokaal")

    name = models.CharField(_("naam"), max_length=150)
    abbreviation = models.CharField(_("afkorting"), max_length=30, blank=True)
    scope = models.CharField(_("soort"), max_length=10, choices=Scope, default=Scope.NATIONAL)
    municipality = models.ForeignKey(
        Municipality,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="local_parties",
        verbose_name=_("gemeente (lokale partij)"),
    )

    class Meta:
        ordering = ["name"]
        verbose_name = _("partij")
        verbose_name_plural = _("partijen")
        constraints = [
            models.CheckConstraint(
                condition=Q(scope="national", municipality__isnull=True)
                | Q(scope="local", municipality__isnull=False),
                name="party_local_has_municipality",
                violation_error_message=_(
                    "Een lokale partij hoort bij een gemeente; een landelijke partij niet."
                ),
            ),
            models.UniqueConstraint(
                fields=["name"],
                condition=Q(municipality__isnull=True),
                name="party_unique_national_name",
                violation_error_message=_("Er bestaat al een landelijke partij met deze naam."),
            ),
            models.UniqueConstraint(
                fields=["municipality", "name"],
                condition=Q(municipality__isnull=False),
                name="party_unique_local_name",
                violation_error_message=_("Deze gemeente heeft al een partij met deze naam."),
            ),
        ]

    def __str__(self) -> str:
        return self.abbreviation or self.name


class FactionQuerySet(models.QuerySet):
    def current(self) -> Self:
        """Factions of each council's latest known term."""
        latest = (
            Faction.objects.filter(municipality=OuterRef("municipality"))
            .order_by("-election_year")
            .values("election_year")[:1]
        )
        return self.filter(election_year=Subquery(latest))

    def of_council(self, municipality: "Municipality") -> Self:
        """The current factions of one council, largest first, with their parties."""
        return (
            self.current()
            .filter(municipality=municipality)
            .select_related("party")
            .order_by(F("seats").desc(nulls_last=True), "party__name")
        )


class Faction(Versioned):
    """A party's group in one council for one term (named by its election year)."""

    municipality = models.ForeignKey(
        Municipality, on_delete=models.CASCADE, related_name="factions", verbose_name=_("gemeente")
    )
    party = models.ForeignKey(
        Party, on_delete=models.PROTECT, related_name="factions", verbose_name=_("partij")
    )
    election_year = models.PositiveSmallIntegerField(
        _("verkiezingsjaar"), help_text=_("Begin van de raadsperiode, bijvoorbeeld 2026.")
    )
    seats = models.PositiveSmallIntegerField(_("zetels"), null=True, blank=True)
    chair_name = models.CharField(
        _("fractievoorzitter"), max_length=150, blank=True, help_text=_("Privé.")
    )
    chair_email = models.EmailField(
        _("e-mail fractievoorzitter"), blank=True, help_text=_("Privé.")
    )
    chair_phone = models.CharField(
        _("telefoon fractievoorzitter"), max_length=30, blank=True, help_text=_("Privé.")
    )

    objects = FactionQuerySet.as_manager()

    history = HistoricalRecords(excluded_fields=["version"], bases=[ChangesetRecord])

    class Meta:
        ordering = ["municipality__name", "-election_year", "party__name"]
        verbose_name = _("fractie")
        verbose_name_plural = _("fracties")
        constraints = [
            models.UniqueConstraint(
                fields=["municipality", "party", "election_year"],
                name="faction_unique_per_term",
                violation_error_message=_(
                    "Deze partij heeft al een fractie in deze raad voor deze periode."
                ),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.party} ({self.municipality}, {self.election_year})"

    def clean(self) -> None:
        """A term that has begun, of a council that existed then."""
        if self.election_year is None or not self.municipality_id:
            return
        if self.election_year > timezone.localdate().year:
            raise ValidationError(
                {
                    "election_year": _("De raadsperiode van %(year)s is nog niet begonnen.")
                    % {"year": self.election_year}
                }
            )
        first_day = datetime.date(self.election_year, 1, 1)
        council = self.municipality
        begun = council.began_on is None or council.began_on.year <= self.election_year
        if not begun or (council.dissolved_on is not None and council.dissolved_on <= first_day):
            raise ValidationError({"election_year": council_absent(council, first_day)})


# A contact happened (or is planned within weeks); a follow-up is planned within
# a year. Anything further away is a typo such as 2205 for 2025.
CONTACT_DAYS_AHEAD = 31
FOLLOW_UP_DAYS_AHEAD = 366
EARLIEST_CONTACT = datetime.date(2000, 1, 1)
FOLLOW_UP_BEFORE_CONTACT = _(
    "De opvolgdatum ligt vóór de datum van het contact. Kies een latere dag."
)


class ContactMoment(Versioned):
    """One entry of the outreach log. Entirely private."""

    class Channel(models.TextChoices):
        EMAIL = "email", _("e-mail")
        PHONE = "phone", _("telefoon")
        LETTER = "letter", _("brief")
        MEETING = "meeting", _("gesprek")

    class Direction(models.TextChoices):
        SENT = "sent", _("verstuurd")
        RECEIVED = "received", _("ontvangen")

    municipality = models.ForeignKey(
        Municipality,
        on_delete=models.PROTECT,
        related_name="contact_moments",
        verbose_name=_("gemeente"),
    )
    faction = models.ForeignKey(
        Faction,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="contact_moments",
        verbose_name=_("fractie"),
    )
    date = models.DateField(_("datum"))
    channel = models.CharField(_("kanaal"), max_length=10, choices=Channel)
    direction = models.CharField(_("richting"), max_length=10, choices=Direction)
    contact_name = models.CharField(_("contactpersoon"), max_length=150, blank=True)
    contact_email = models.EmailField(_("e-mail contactpersoon"), blank=True)
    summary = models.TextField(_("samenvatting"))
    follow_up_on = models.DateField(_("opvolgen op"), null=True, blank=True)
    follow_up_done = models.BooleanField(_("opgevolgd"), default=False)
    volunteer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="contact_moments",
        verbose_name=_("vrijwilliger"),
    )
    created_at = models.DateTimeField(_("vastgelegd op"), auto_now_add=True)

    history = HistoricalRecords(excluded_fields=["version"], bases=[ChangesetRecord])

    class Meta:
        ordering = ["-date", "-created_at"]
        verbose_name = _("contactmoment")
        verbose_name_plural = _("contactmomenten")
        constraints = [
            models.CheckConstraint(
                condition=Q(follow_up_on__isnull=True) | Q(follow_up_on__gte=F("date")),
                name="contact_follow_up_not_before_contact",
                violation_error_message=FOLLOW_UP_BEFORE_CONTACT,
            )
        ]
        indexes = [
            models.Index(fields=["municipality", "-date"], name="contact_municipality_date"),
            # The contact list, newest first, a page at a time.
            models.Index(fields=["-date", "-created_at", "-id"], name="contact_newest_first"),
            models.Index(fields=["follow_up_done", "follow_up_on"], name="contact_follow_up"),
        ]

    def __str__(self) -> str:
        return f"{self.municipality}, {self.date:%d-%m-%Y} ({self.get_channel_display()})"

    def clean(self) -> None:
        """Dates that are typos (2205 for 2025), whether typed or imported."""
        errors: dict[str, StrOrPromise] = {}
        today = timezone.localdate()
        if self.date and self.date > today + datetime.timedelta(days=CONTACT_DAYS_AHEAD):
            errors["date"] = _(
                "Deze datum ligt te ver in de toekomst; vul de dag van het contact in."
            )
        elif self.date and self.date < EARLIEST_CONTACT:
            errors["date"] = _("Deze datum ligt te ver in het verleden.")
        elif self.date and self.municipality_id and not self.municipality.exists_on(self.date):
            errors["date"] = council_absent(self.municipality, self.date)
        if self.follow_up_on:
            if self.follow_up_on > today + datetime.timedelta(days=FOLLOW_UP_DAYS_AHEAD):
                errors["follow_up_on"] = _(
                    "Plan een opvolging binnen een jaar; deze datum ligt te ver weg."
                )
            elif self.date and self.follow_up_on < self.date:
                errors["follow_up_on"] = FOLLOW_UP_BEFORE_CONTACT
        if errors:
            raise ValidationError(errors)
