"""The two kinds of sheet, motions and contact moments: their columns, how
each row maps onto one model (and back, for the export), and what the rows of
one file are matched against (councils, factions, users), each loaded once."""

import datetime
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from django.contrib.auth import get_user_model
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Count, Max, QuerySet
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from kinderpardon.text import fold
from motions.models import Motion
from municipalities.models import ContactMoment, Faction, Municipality
from municipalities.resolver import CBS_CODE, Register, Resolution, names_of

from .cells import (
    Cell,
    Clear,
    as_text,
    comparable,
    dutch_labels,
    parse_bool,
    parse_choice,
    parse_count,
    parse_date,
    parse_partial_date,
    parse_required_date,
    partial_cell,
)

# --- the two kinds of sheet -------------------------------------------------------------


M = TypeVar("M", bound=models.Model)
T = TypeVar("T")


@dataclass(frozen=True)
class Column:
    name: str
    example: str
    help: str | Promise
    required: bool = False


class Row:
    """One data row while it is read: its cells by column name, and the errors found.

    A cell marked "-" or "leeg" reads as an empty cell; ``blank`` holds the columns
    left empty, which an update leaves as they are. An error in a blank cell
    (a required value missing) is ``deferred``: it counts only for a new record."""

    def __init__(self, number: int, cells: dict[str, Cell]) -> None:
        self.number = number
        self.errors: list[str] = []
        self.deferred: list[str] = []
        self.notes: list[str] = []
        self.blank = {column for column, cell in cells.items() if not as_text(cell).strip()}
        self.cells = {
            column: "" if isinstance(cell, Clear) else cell for column, cell in cells.items()
        }

    def has(self, column: str) -> bool:
        return column in self.cells

    def text(self, column: str) -> str:
        return as_text(self.cells.get(column, "")).strip()

    def read(self, column: str, parse: Callable[..., T], *args: Any) -> T | None:
        """The parsed cell, or None with the error noted under the column's name."""
        try:
            return parse(self.cells.get(column, ""), *args)
        except ValueError as error:
            errors = self.deferred if column in self.blank else self.errors
            errors.append(f"{column}: {error}")
            return None


class Sheet(Generic[M]):
    """What one kind of spreadsheet holds, and how its rows map onto one model."""

    kind = ""
    title: str | Promise = ""
    model: type[M]
    columns: tuple[Column, ...] = ()
    label_columns: tuple[str, ...] = ()  # what names a row in the preview
    looked_up: tuple[str, ...] = ()  # foreign keys set from records just loaded
    field_columns: dict[str, str] = {}  # model field -> column, for validation messages
    # The versions (kinderpardon/concurrency.py) of the records whose values the export writes.
    versions: tuple[str, ...] = ("version",)

    def __init__(self, present: Iterable[str] = ()) -> None:
        self.present = set(present)

    def queryset(self) -> QuerySet[M]:
        raise NotImplementedError

    def data_version(self) -> str:
        """What the export's ETag is made of, in one query: the number of rows and
        the highest version of each kind of record they show. Every save raises a
        version to at least its moment, so a save or an import raises a maximum;
        a delete lowers the count. A renamed party or username raises no version
        (neither carries one): the ETag adds the public data version, which a party
        renews, and the day."""
        aggregates = {"rows": Count("pk")} | {
            f"version_{number}": Max(field) for number, field in enumerate(self.versions)
        }
        found = self.queryset().order_by().aggregate(**aggregates)
        return "-".join(str(found[name] or 0) for name in aggregates)

    def cells(self, instance: M) -> dict[str, Cell | int | None]:
        """The row that the export writes for ``instance``."""
        raise NotImplementedError

    def read(self, row: Row, context: "Context") -> dict[str, Any]:
        """The model fields this row sets: only those of the columns in the file."""
        raise NotImplementedError

    def apply(self, instance: M, values: dict[str, Any]) -> M:
        for name, value in values.items():
            setattr(instance, name, value)
        return instance

    def key_of(self, instance: M) -> tuple[Any, ...]:
        """What a row and a record must share to be the same motion or contact."""
        raise NotImplementedError

    def describe(self, row: Row) -> str:
        return " · ".join(text for column in self.label_columns if (text := row.text(column)))

    @classmethod
    def required_columns(cls) -> list[str]:
        return [column.name for column in cls.columns if column.required]

    @classmethod
    def column_names(cls) -> list[str]:
        return [column.name for column in cls.columns]


def read_municipality(row: Row, context: "Context", *, today: bool) -> Municipality | None:
    """The council a row is about; with ``today``, a former name leads to the
    municipality it is part of now, and the row's notes say so."""
    resolution = row.read("gemeente", context.municipality, row.text("cbs_code"))
    if resolution is None:
        return None
    if not today:
        return resolution.named
    try:
        municipality = resolution.municipality
    except ValidationError as error:
        row.errors.append(f"gemeente: {' '.join(error.messages)}")
        return None
    if resolution.note:
        row.notes.append(resolution.note)
    return municipality


def read_partial_date(row: Row, column: str, field: str, values: dict[str, Any]) -> None:
    if row.has(column):
        day, precision = row.read(column, parse_partial_date) or (None, None)
        values[f"{field}_on"] = day
        if day is not None:
            values[f"{field}_precision"] = precision


PARTIAL_DATE_HELP = gettext_lazy("dd-mm-jjjj, een maand (04-2025, april 2025) of een jaar (2025)")


def council_columns(name: str, code: str) -> tuple[Column, Column]:
    """The municipality, by name or code; with both, the code decides and the name must fit."""
    return (
        Column("gemeente", name, gettext_lazy("naam of CBS-code"), True),
        Column("cbs_code", code, gettext_lazy("mag leeg; gaat voor als beide gevuld zijn")),
    )


class MotionSheet(Sheet[Motion]):
    kind = "moties"
    title = gettext_lazy("Moties")
    model = Motion
    columns = (
        *council_columns("Súdwest-Fryslân", "GM1900"),
        Column(
            "titel",
            "Motie gewortelde kinderen",
            gettext_lazy("bestaat de titel al in deze gemeente, dan wordt die motie bijgewerkt"),
            True,
        ),
        Column(
            "soort",
            "motie",
            gettext_lazy(
                "motie, amendement of initiatiefvoorstel; leeg is motie bij een nieuwe motie"
            ),
        ),
        Column(
            "status",
            "aangenomen",
            gettext_lazy(
                "concept, ingediend, aangehouden, aangenomen, verworpen of ingetrokken; "
                "leeg laat de status van een bestaande motie staan"
            ),
            True,
        ),
        Column("ingediend", "12-03-2025", PARTIAL_DATE_HELP),
        Column("besloten", "april 2025", PARTIAL_DATE_HELP),
        Column("stemmen_voor", "21", gettext_lazy("aantal, mag leeg")),
        Column("stemmen_tegen", "8", gettext_lazy("aantal, mag leeg")),
        Column("samenvatting", "Oproep aan het college …", gettext_lazy("mag leeg")),
        Column("bron", "https://gemeente.raadsinformatie.nl/…", gettext_lazy("link, mag leeg")),
    )
    label_columns = ("gemeente", "titel")
    looked_up = ("municipality",)
    versions = ("version", "municipality__version")
    field_columns = {
        "municipality": "gemeente",
        "title": "titel",
        "kind": "soort",
        "status": "status",
        "submitted_on": "ingediend",
        "submitted_precision": "ingediend",
        "decided_on": "besloten",
        "decided_precision": "besloten",
        "votes_for": "stemmen_voor",
        "votes_against": "stemmen_tegen",
        "summary": "samenvatting",
        "source_url": "bron",
    }

    def queryset(self) -> QuerySet[Motion]:
        return (
            Motion.objects.municipal()
            .select_related("municipality")
            .order_by("municipality__name", "title", "pk")
        )

    def cells(self, motion: Motion) -> dict[str, Cell | int | None]:
        return {
            "gemeente": motion.municipality.name if motion.municipality else "",
            "cbs_code": motion.municipality.code if motion.municipality else "",
            "titel": motion.title,
            "soort": dutch_labels(Motion.Kind).get(motion.kind, motion.kind),
            "status": dutch_labels(Motion.Status).get(motion.status, motion.status),
            "ingediend": partial_cell(motion.submitted_on, motion.submitted_precision),
            "besloten": partial_cell(motion.decided_on, motion.decided_precision),
            "stemmen_voor": motion.votes_for,
            "stemmen_tegen": motion.votes_against,
            "samenvatting": motion.summary,
            "bron": motion.source_url,
        }

    def key_of(self, motion: Motion) -> tuple[Any, ...]:
        return (motion.municipality_id, fold(motion.title))

    def read(self, row: Row, context: "Context") -> dict[str, Any]:
        municipality = read_municipality(row, context, today=False)
        title = row.text("titel")
        if not title:
            row.errors.append(_("titel: vul de titel van de motie in"))
        values: dict[str, Any] = {
            "municipality": municipality,
            "title": title,
            "level": Motion.Level.MUNICIPAL,
        }
        if row.has("soort"):
            values["kind"] = row.read("soort", parse_choice, Motion.Kind, Motion.Kind.MOTION)
        values["status"] = row.read("status", parse_choice, Motion.Status)
        read_partial_date(row, "ingediend", "submitted", values)
        read_partial_date(row, "besloten", "decided", values)
        for column, name in [("stemmen_voor", "votes_for"), ("stemmen_tegen", "votes_against")]:
            if row.has(column):
                values[name] = row.read(column, parse_count)
        for column, name in [("samenvatting", "summary"), ("bron", "source_url")]:
            if row.has(column):
                values[name] = row.text(column)
        return values


class ContactSheet(Sheet[ContactMoment]):
    kind = "contacten"
    title = gettext_lazy("Contacten")
    model = ContactMoment
    columns = (
        *council_columns("'s-Hertogenbosch", "GM0796"),
        Column("datum", "23-11-2026", gettext_lazy("dd-mm-jjjj"), True),
        Column("kanaal", "e-mail", gettext_lazy("e-mail, telefoon, brief of gesprek"), True),
        Column("richting", "verstuurd", gettext_lazy("verstuurd of ontvangen"), True),
        Column(
            "fractie",
            "GL-PvdA",
            gettext_lazy("afkorting of naam van de partij in deze raad; mag leeg"),
        ),
        Column("contactpersoon", "J. de Vries", gettext_lazy("mag leeg")),
        Column("email", "fractie@example.org", gettext_lazy("mag leeg")),
        Column("samenvatting", "Voorbeeldmotie gestuurd", gettext_lazy("wat er gebeurde"), True),
        Column("opvolgen_op", "07-12-2026", gettext_lazy("dd-mm-jjjj, mag leeg")),
        Column("opgevolgd", "nee", gettext_lazy("ja of nee; leeg is nee bij een nieuw contact")),
        Column("vrijwilliger", "anna", gettext_lazy("gebruikersnaam, mag leeg")),
    )
    label_columns = ("gemeente", "datum", "kanaal")
    looked_up = ("municipality", "faction", "volunteer")
    versions = ("version", "municipality__version", "faction__version")
    field_columns = {
        "municipality": "gemeente",
        "faction": "fractie",
        "date": "datum",
        "channel": "kanaal",
        "direction": "richting",
        "contact_name": "contactpersoon",
        "contact_email": "email",
        "summary": "samenvatting",
        "follow_up_on": "opvolgen_op",
        "follow_up_done": "opgevolgd",
        "volunteer": "vrijwilliger",
    }

    def queryset(self) -> QuerySet[ContactMoment]:
        return ContactMoment.objects.select_related(
            "municipality", "faction__party", "volunteer"
        ).order_by("municipality__name", "date", "pk")

    def cells(self, contact: ContactMoment) -> dict[str, Cell | int | None]:
        return {
            "gemeente": contact.municipality.name,
            "cbs_code": contact.municipality.code,
            "datum": contact.date,
            "kanaal": dutch_labels(ContactMoment.Channel).get(contact.channel, contact.channel),
            "richting": dutch_labels(ContactMoment.Direction).get(
                contact.direction, contact.direction
            ),
            "fractie": str(contact.faction.party) if contact.faction else "",
            "contactpersoon": contact.contact_name,
            "email": contact.contact_email,
            "samenvatting": contact.summary,
            "opvolgen_op": contact.follow_up_on,
            "opgevolgd": "ja" if contact.follow_up_done else "nee",
            "vrijwilliger": contact.volunteer.get_username() if contact.volunteer else "",
        }

    def key_of(self, contact: ContactMoment) -> tuple[Any, ...]:
        """The same contact: same council, day, channel, direction and summary, and
        (when the file has the column) the same party."""
        party = contact.faction.party_id if contact.faction else None
        return (
            contact.municipality_id,
            contact.date,
            contact.channel,
            contact.direction,
            party if "fractie" in self.present else "",
            comparable(contact.summary),
        )

    def read(self, row: Row, context: "Context") -> dict[str, Any]:
        municipality = read_municipality(row, context, today=True)
        values: dict[str, Any] = {
            "municipality": municipality,
            "date": row.read("datum", parse_required_date),
            "channel": row.read("kanaal", parse_choice, ContactMoment.Channel),
            "direction": row.read("richting", parse_choice, ContactMoment.Direction),
            "summary": row.text("samenvatting"),
        }
        if row.has("fractie"):
            values["faction"] = row.read("fractie", context.faction, municipality, values["date"])
        for column, name in [("contactpersoon", "contact_name"), ("email", "contact_email")]:
            if row.has(column):
                values[name] = row.text(column)
        if row.has("opvolgen_op"):
            values["follow_up_on"] = row.read("opvolgen_op", parse_date)
        if row.has("opgevolgd"):
            values["follow_up_done"] = row.read("opgevolgd", parse_bool)
        if row.has("vrijwilliger"):
            values["volunteer"] = row.read("vrijwilliger", context.volunteer)
        return values

    def apply(self, contact: ContactMoment, values: dict[str, Any]) -> ContactMoment:
        faction = values.get("faction")
        if faction and contact.faction and contact.faction.party_id == faction.party_id:
            values = {**values, "faction": contact.faction}  # keep the term it was logged with
        return super().apply(contact, values)


SHEETS: dict[str, type[Sheet[Any]]] = {sheet.kind: sheet for sheet in (MotionSheet, ContactSheet)}


class Context:
    """What the rows of one file are matched against, each loaded in one query."""

    def __init__(self) -> None:
        self.register = Register()
        self._factions: dict[int, list[Faction]] | None = None
        self._users: dict[str, User] | None = None

    def municipality(self, value: Cell, code: str) -> Resolution:
        """By CBS code (GM0363, 0363 or 363) or by name, as everywhere else
        (``municipalities.resolver``); with both, the code decides and the
        name must fit it. Raises ValueError with the reason."""
        name, code = as_text(value).strip(), code.strip()
        try:
            if code:
                if not CBS_CODE.fullmatch(fold(code)):
                    raise ValueError(_('CBS-code "%(code)s" is onbekend') % {"code": code})
                found = self.register.resolve(code)
                fits = not name or fold(name) in names_of(found.named)
                if not fits and self.register.resolve(name).named != found.named:
                    raise ValidationError(
                        _('"%(name)s" past niet bij CBS-code %(code)s (%(found)s)')
                        % {"name": name, "code": found.named.code, "found": found.named.name}
                    )
                return found
            if not name:
                raise ValueError(_("vul de gemeente in (naam of CBS-code)"))
            return self.register.resolve(name)
        except ValidationError as error:
            raise ValueError(" ".join(error.messages)) from None

    def faction(
        self, value: Cell, municipality: Municipality | None, day: datetime.date | None
    ) -> Faction | None:
        """The faction of a party (abbreviation or name) in this council, in the
        term that ``day`` falls in (or the earliest one known)."""
        name = fold(as_text(value))
        if not name or municipality is None:
            return None
        if self._factions is None:
            self._factions = {}
            for faction in Faction.objects.select_related("party").order_by("election_year"):
                self._factions.setdefault(faction.municipality_id, []).append(faction)
        matches = [
            f
            for f in self._factions.get(municipality.pk, [])
            if name in (fold(f.party.abbreviation), fold(f.party.name))
        ]
        if not matches:
            raise ValueError(
                _('geen fractie "%(name)s" bekend in %(municipality)s')
                % {"name": as_text(value), "municipality": municipality}
            )
        if len({f.party_id for f in matches}) > 1:
            raise ValueError(
                _('"%(name)s" past bij meer dan één partij') % {"name": as_text(value)}
            )
        year = day.year if day else 0
        earlier = [f for f in matches if f.election_year <= year]
        return earlier[-1] if earlier else matches[0]

    def volunteer(self, value: Cell) -> User | None:
        name = as_text(value).strip()
        if not name:
            return None
        if self._users is None:
            User = get_user_model()
            self._users = {user.get_username().casefold(): user for user in User.objects.all()}
        if name.casefold() not in self._users:
            raise ValueError(_('geen gebruiker "%(name)s"') % {"name": name})
        return self._users[name.casefold()]
