"""Import and export of motions and contact moments as CSV and XLSX.

Volunteers keep their lists in Dutch Excel, so the import reads what Excel
writes (semicolons, Windows-1252 or UTF-8 with a BOM, dates as dd-mm-jjjj,
municipalities by name or CBS code) and the export writes the same columns
back: a file exported and imported again changes nothing.

An import is two steps. The upload is read and kept in the shared cache under
a random token (several processes serve the site, so never in memory or in a
local file); the preview then validates every row against the database with
the models' own rules without writing anything, and the apply step does the
same inside one transaction and saves only when no row is refused and nothing
the preview showed has changed since (a digest of the preview travels with the
form, see ``Plan.digest``).

An import never erases by accident: in an update an empty cell leaves the
stored value as it is; only "-" or "leeg" clears it, and the preview marks
every value that would be cleared.
"""

import copy
import csv
import datetime
import functools
import hashlib
import io
import json
import re
import secrets
import zipfile
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field

import openpyxl
from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db import connection, models, transaction
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone, translation
from django.utils.text import Truncator, get_text_list
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

from kinderpardon.dates import DatePrecision, parse_partial
from kinderpardon.text import fold
from kinderpardon.uploads import shorten_middle
from motions.models import Motion
from municipalities.models import ContactMoment, Faction, Municipality
from municipalities.resolver import CBS_CODE, Register, Resolution, names_of, reusing

from ..roles import requires

IMPORT_PERMISSION = "motions.import_spreadsheets"
MAX_ROWS = 5000
MAX_SCANNED_ROWS = 100_000  # empty rows included: a guard against inflated workbooks
CACHE_SECONDS = 60 * 60
CACHE_PREFIX = "spreadsheet-import:"

CREATE, UPDATE, UNCHANGED, REFUSED = "create", "update", "unchanged", "refused"
ACTION_LABELS = {
    CREATE: gettext_lazy("nieuw"),
    UPDATE: gettext_lazy("bijgewerkt"),
    UNCHANGED: gettext_lazy("ongewijzigd"),
    REFUSED: gettext_lazy("geweigerd"),
}

Cell = str | datetime.date  # a cell as read: stripped text, or a date from an Excel date cell
# Two imports applied at the same moment wait for each other (PostgreSQL advisory lock).
IMPORT_LOCK = 0x6D6F746965  # "motie"


class SpreadsheetError(Exception):
    """A file that cannot be imported at all; the message is for the volunteer."""


def max_upload_bytes() -> int:
    return settings.MAX_UPLOAD_MB * 1024 * 1024


# --- values as volunteers type them ---------------------------------------------------

TRUE_WORDS = {"ja", "j", "yes", "y", "waar", "true", "1", "x"}
FALSE_WORDS = {"nee", "n", "no", "onwaar", "false", "0", ""}
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
CLEAR_WORDS = frozenset({"-", "leeg"})


class Clear(str):
    """A cell that says "empty the stored value": "-" or "leeg" as typed, not quoted.

    Read apart from an ordinary cell, because an empty cell in an update means
    "leave it as it is"; text, so that reading the file treats it like any cell."""


def is_clear_word(text: str) -> bool:
    return text.strip().casefold() in CLEAR_WORDS


def loose(text: str) -> str:
    """Letters and digits only, folded: "E-mail " -> "email", "Stemmen voor" -> "stemmenvoor"."""
    return re.sub(r"[^a-z0-9]", "", fold(text))


def as_text(value: Cell | int | None) -> str:
    """A cell as text, dates written the Dutch way."""
    if value is None:
        return ""
    if isinstance(value, datetime.date):
        return value.strftime("%d-%m-%Y")
    return str(value)


def parse_partial_date(value: Cell) -> tuple[datetime.date | None, str]:
    """A date with its precision (see ``kinderpardon.dates.parse_partial``), or an
    Excel date cell; an empty cell is no date."""
    if isinstance(value, datetime.date):
        return value, DatePrecision.DAY
    parsed = parse_partial(value)
    return (parsed.date, parsed.precision) if parsed else (None, DatePrecision.DAY)


def parse_date(value: Cell) -> datetime.date | None:
    """A whole date (contact moments have no partial dates)."""
    try:
        day, precision = parse_partial_date(value)
    except ValueError:
        day, precision = None, ""
    if precision != DatePrecision.DAY:
        raise ValueError(
            _('"%(value)s" is geen volledige datum; schrijf dd-mm-jjjj, zoals 23-11-2026')
            % {"value": as_text(value)}
        )
    return day


def parse_required_date(value: Cell) -> datetime.date:
    day = parse_date(value)
    if day is None:
        raise ValueError(_("vul de datum in"))
    return day


def parse_count(value: Cell) -> int | None:
    text = as_text(value).strip()
    if not text:
        return None
    if not text.isdigit():
        raise ValueError(
            _('"%(value)s" is geen aantal (een heel getal, 0 of meer)') % {"value": text}
        )
    return int(text)


def parse_bool(value: Cell) -> bool:
    word = loose(as_text(value))
    if word in TRUE_WORDS:
        return True
    if word in FALSE_WORDS:
        return False
    raise ValueError(_('"%(value)s" is geen ja of nee') % {"value": as_text(value)})


@functools.cache
def dutch_labels(choices: type[models.TextChoices]) -> dict[str, str]:
    """value -> Dutch label; the columns and their values are Dutch whatever the UI language."""
    with translation.override("nl"):
        return {choice.value: str(choice.label) for choice in choices}


@functools.cache
def accepted_choices(choices: type[models.TextChoices], language: str) -> dict[str, str]:
    """What may be typed for a choice: its value, Dutch label or label in the UI language."""
    accepted = {}
    for choice in choices:
        for name in (choice.value, dutch_labels(choices)[choice.value], str(choice.label)):
            accepted[loose(name)] = choice.value
    return accepted


def parse_choice(value: Cell, choices: type[models.TextChoices], default: str = "") -> str:
    """The internal value or the label ("aangenomen", "E-mail"), case and accents ignored."""
    text = as_text(value)
    if not text.strip() and default:
        return default
    accepted = accepted_choices(choices, translation.get_language())
    if loose(text) in accepted:
        return accepted[loose(text)]
    allowed = ", ".join(dutch_labels(choices).values())
    if not text.strip():
        raise ValueError(_("vul dit in; kies uit: %(allowed)s") % {"allowed": allowed})
    raise ValueError(
        _('"%(value)s" kan niet; kies uit: %(allowed)s') % {"value": text, "allowed": allowed}
    )


def partial_cell(value: datetime.date | None, precision: str) -> Cell:
    """How the export writes a partial date: a date, "04-2025" or "2025"."""
    if value is None:
        return ""
    if precision == DatePrecision.YEAR:
        return str(value.year)
    if precision == DatePrecision.MONTH:
        return value.strftime("%m-%Y")
    return value


def comparable(value) -> object:
    """Equal cells compare equal, whatever line endings or trailing spaces Excel left."""
    if value is None:
        return ""
    if isinstance(value, str):
        return "\n".join(line.rstrip() for line in value.strip().splitlines())
    return value


# --- the two kinds of sheet -------------------------------------------------------------


@dataclass(frozen=True)
class Column:
    name: str
    example: str
    help: str
    required: bool = False


class Row:
    """One data row while it is read: its cells by column name, and the errors found.

    A cell marked "-" or "leeg" reads as an empty cell; ``blank`` holds the columns
    left empty, which an update leaves as they are. An error in a blank cell
    (a required value missing) is ``deferred``: it counts only for a new record."""

    def __init__(self, number: int, cells: dict[str, Cell]):
        self.number, self.errors, self.deferred, self.notes = number, [], [], []
        self.blank = {column for column, cell in cells.items() if not as_text(cell).strip()}
        self.cells = {
            column: "" if isinstance(cell, Clear) else cell for column, cell in cells.items()
        }

    def has(self, column: str) -> bool:
        return column in self.cells

    def text(self, column: str) -> str:
        return as_text(self.cells.get(column, "")).strip()

    def read(self, column: str, parse, *args):
        """The parsed cell, or None with the error noted under the column's name."""
        try:
            return parse(self.cells.get(column, ""), *args)
        except ValueError as error:
            errors = self.deferred if column in self.blank else self.errors
            errors.append(f"{column}: {error}")
            return None


class Sheet:
    """What one kind of spreadsheet holds, and how its rows map onto one model."""

    kind = ""
    title = ""
    model: type[models.Model]
    columns: tuple[Column, ...] = ()
    label_columns: tuple[str, ...] = ()  # what names a row in the preview
    looked_up: tuple[str, ...] = ()  # foreign keys set from records just loaded
    field_columns: dict[str, str] = {}  # model field -> column, for validation messages

    def __init__(self, present: Iterable[str] = ()):
        self.present = set(present)

    def queryset(self) -> models.QuerySet:
        raise NotImplementedError

    def cells(self, instance) -> dict[str, Cell | int | None]:
        """The row that the export writes for ``instance``."""
        raise NotImplementedError

    def read(self, row: Row, context: "Context") -> dict:
        """The model fields this row sets: only those of the columns in the file."""
        raise NotImplementedError

    def apply(self, instance, values: dict):
        for name, value in values.items():
            setattr(instance, name, value)
        return instance

    def key_of(self, instance) -> tuple:
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


def read_partial_date(row: Row, column: str, field: str, values: dict) -> None:
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


class MotionSheet(Sheet):
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

    def queryset(self):
        return (
            Motion.objects.municipal()
            .select_related("municipality")
            .order_by("municipality__name", "title", "pk")
        )

    def cells(self, motion):
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

    def key_of(self, motion):
        return (motion.municipality_id, fold(motion.title))

    def read(self, row, context):
        municipality = read_municipality(row, context, today=False)
        title = row.text("titel")
        if not title:
            row.errors.append(_("titel: vul de titel van de motie in"))
        values = {"municipality": municipality, "title": title, "level": Motion.Level.MUNICIPAL}
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


class ContactSheet(Sheet):
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

    def queryset(self):
        return ContactMoment.objects.select_related(
            "municipality", "faction__party", "volunteer"
        ).order_by("municipality__name", "date", "pk")

    def cells(self, contact):
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

    def key_of(self, contact):
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

    def read(self, row, context):
        municipality = read_municipality(row, context, today=True)
        values = {
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

    def apply(self, contact, values):
        faction = values.get("faction")
        if faction and contact.faction and contact.faction.party_id == faction.party_id:
            values = {**values, "faction": contact.faction}  # keep the term it was logged with
        return super().apply(contact, values)


SHEETS: dict[str, type[Sheet]] = {sheet.kind: sheet for sheet in (MotionSheet, ContactSheet)}


class Context:
    """What the rows of one file are matched against, each loaded in one query."""

    def __init__(self):
        self.register = Register()
        self._factions: dict[int, list[Faction]] | None = None
        self._users: dict[str, object] | None = None

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

    def faction(self, value: Cell, municipality: Municipality | None, day) -> Faction | None:
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

    def volunteer(self, value: Cell):
        name = as_text(value).strip()
        if not name:
            return None
        if self._users is None:
            User = get_user_model()
            self._users = {user.get_username().casefold(): user for user in User.objects.all()}
        if name.casefold() not in self._users:
            raise ValueError(_('geen gebruiker "%(name)s"') % {"name": name})
        return self._users[name.casefold()]


# --- reading files ------------------------------------------------------------------------

NOT_TEXT = gettext_lazy(
    "Dit bestand is geen tekst en dus geen CSV. Sla het in Excel op als "
    '"CSV (gescheiden door lijstscheidingsteken)" of als Excel-werkmap (.xlsx).'
)
NOT_XLSX = gettext_lazy(
    "Dit bestand is geen Excel-werkmap (.xlsx). Sla het in Excel opnieuw op als .xlsx of als CSV."
)
CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def read_csv(data: bytes) -> list[list[Cell]]:
    """Rows of a CSV file as Excel saves it: UTF-8 (with or without BOM) or
    Windows-1252, separated by semicolons, commas or tabs (whichever the header has most)."""
    if data.startswith(b"PK\x03\x04"):
        raise SpreadsheetError(_("Dit is een Excel-werkmap, geen CSV: geef het de extensie .xlsx."))
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        try:
            text = data.decode("cp1252")
        except UnicodeDecodeError:
            raise SpreadsheetError(str(NOT_TEXT)) from None
    if CONTROL_CHARACTERS.search(text):
        raise SpreadsheetError(str(NOT_TEXT))
    header = next((line for line in text.splitlines() if line.strip()), "")
    delimiter = max(";,\t", key=header.count)
    try:
        rows = list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter))
    except csv.Error as error:
        raise SpreadsheetError(_("Het CSV-bestand kon niet gelezen worden: %s.") % error) from None
    return [[csv_cell(cell) for cell in row] for row in rows]


def csv_cell(text: str) -> str:
    """Undo the quote the export puts before text that Excel would take for a
    formula or that reads as "clear this value" ("'-", "'leeg": meant as text)."""
    text = text.strip()
    if text.startswith("'") and (text[1:2] in FORMULA_START or is_clear_word(text[1:])):
        return text[1:]
    return Clear(text) if is_clear_word(text) else text


def xlsx_cell(value, number_format: str | None, quoted: bool = False) -> Cell:
    """A cell's value as text, or as a date; a date cell formatted as a month
    ("apr-25") or a year stands for that month or year. A text cell typed with a
    leading quote in Excel (``quoted``) is never read as "clear this value"."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "ja" if value else "nee"
    if isinstance(value, datetime.datetime):
        value = value.date()
    if isinstance(value, datetime.date):
        shown = re.sub(r'\[[^]]*]|"[^"]*"', "", (number_format or "").lower())
        if "d" not in shown and "y" in shown:
            return value.strftime("%m-%Y") if "m" in shown else str(value.year)
        return value
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    text = str(value).strip()
    return Clear(text) if is_clear_word(text) and not quoted else text


def read_xlsx(data: bytes) -> list[list[Cell]]:
    """Rows of the first sheet of an Excel workbook (values, not formulas)."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            if "xl/workbook.xml" not in archive.namelist():
                raise SpreadsheetError(str(NOT_XLSX))
        workbook = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except SpreadsheetError:
        raise
    except Exception:  # openpyxl raises many kinds of errors on a broken file
        raise SpreadsheetError(str(NOT_XLSX)) from None
    rows = []
    try:
        sheet = workbook.worksheets[0]
        sheet.reset_dimensions()  # trust the rows, not a size the writer may have got wrong
        filled = 0
        for row in sheet.iter_rows():
            rows.append([xlsx_cell(cell.value, cell.number_format, quoted(cell)) for cell in row])
            filled += any(rows[-1])
            if filled > MAX_ROWS + 1 or len(rows) > MAX_SCANNED_ROWS:
                break  # too many: read_spreadsheet() says so
    except Exception:
        raise SpreadsheetError(str(NOT_XLSX)) from None
    finally:
        workbook.close()
    return rows


def quoted(cell) -> bool:
    """Whether Excel shows this text cell as typed with a leading quote ('-)."""
    return isinstance(cell.value, str) and bool(cell.style_array.quotePrefix)


READERS = {".csv": read_csv, ".xlsx": read_xlsx}
HEADER_ALIASES = {"gemeentecode": "cbs_code", "emailadres": "email", "link": "bron"}


def header_name(sheet: type[Sheet], text: str) -> str | None:
    """The column a header stands for: case, accents, spaces and dashes don't matter."""
    key = loose(text)
    names = sheet.column_names()
    name = next((n for n in names if loose(n) == key), HEADER_ALIASES.get(key))
    return name if name in names else None


def check_upload(filename: str, size: int) -> str:
    """The file's extension, if it may be imported at all."""
    extension = "." + filename.rsplit(".", 1)[-1].lower() if "." in filename else ""
    if extension not in READERS:
        raise SpreadsheetError(
            _('Alleen .csv- en .xlsx-bestanden kunnen worden geïmporteerd, geen "%(name)s".')
            % {"name": filename}
        )
    if size > max_upload_bytes():
        raise SpreadsheetError(
            _("Het bestand is groter dan %(mb)s MB; splits het op.")
            % {"mb": max_upload_bytes() // (1024 * 1024)}
        )
    return extension


def read_spreadsheet(kind: str, filename: str, data: bytes) -> dict:
    """Read an uploaded file into what the preview and the apply step need:
    {"kind", "filename", "columns", "ignored", "rows": [(row number, {column: cell})]}.
    Raises SpreadsheetError when the file as a whole cannot be imported."""
    sheet = SHEETS[kind]
    table = READERS[check_upload(filename, len(data))](data)
    numbered = [(number, row) for number, row in enumerate(table, start=1) if any(row)]
    if not numbered:
        raise SpreadsheetError(_("Het bestand is leeg."))
    (_header_number, header), body = numbered[0], numbered[1:]
    if len(body) > MAX_ROWS or len(table) > MAX_SCANNED_ROWS:
        raise SpreadsheetError(
            _("Het bestand heeft meer dan %(max)s regels; splits het op in kleinere bestanden.")
            % {"max": MAX_ROWS}
        )
    positions: dict[str, int] = {}
    ignored = []
    for index, title in enumerate(header):
        title = as_text(title).strip()
        name = header_name(sheet, title)
        if name in positions:
            raise SpreadsheetError(_('De kolom "%(name)s" staat er twee keer in.') % {"name": name})
        if name:
            positions[name] = index
        elif title or any(index < len(row) and row[index] for _n, row in body):
            ignored.append(title or _("kolom %(n)s (zonder kop)") % {"n": index + 1})
    missing = [name for name in sheet.required_columns() if name not in positions]
    if missing == ["gemeente"] and "cbs_code" in positions:
        missing = []
    if missing:
        raise SpreadsheetError(
            _(
                "Verplichte kolommen ontbreken: %(missing)s. De eerste regel van het bestand "
                "moet de kolomkoppen bevatten; zie de uitleg hieronder."
            )
            % {"missing": ", ".join(missing)}
        )
    rows = [
        (number, {name: row[i] if i < len(row) else "" for name, i in positions.items()})
        for number, row in body
    ]
    return {
        "kind": kind,
        "filename": filename,
        "columns": list(positions),
        "ignored": ignored,
        "rows": rows,
    }


# --- preview and apply --------------------------------------------------------------------


@dataclass(frozen=True)
class Change:
    """One column that an update changes, as the preview shows it."""

    column: str
    before: str
    after: str
    clears: bool  # the stored value is emptied: the preview marks it

    def __str__(self) -> str:
        if self.clears:
            return _("%(column)s: %(before)s → wordt gewist") % {
                "column": self.column,
                "before": self.before,
            }
        return f"{self.column}: {self.before} → {self.after}"


@dataclass
class PlannedRow:
    number: int
    action: str
    label: str
    notes: list[str] = field(default_factory=list)
    instance: models.Model | None = None
    changes: list[Change] = field(default_factory=list)
    original: models.Model | None = None  # the record an update changes, as it is now

    @property
    def action_label(self) -> str:
        return str(ACTION_LABELS[self.action])

    @property
    def clears(self) -> bool:
        return any(change.clears for change in self.changes)


@dataclass
class Plan:
    sheet: Sheet
    filename: str
    ignored: list[str]
    rows: list[PlannedRow]

    @functools.cached_property
    def counts(self) -> dict[str, int]:
        counts = Counter(row.action for row in self.rows)
        return {action: counts[action] for action in ACTION_LABELS}

    @property
    def refused(self) -> list[PlannedRow]:
        return [row for row in self.rows if row.action == REFUSED]

    @property
    def changes(self) -> int:
        return self.counts[CREATE] + self.counts[UPDATE]

    @property
    def can_apply(self) -> bool:
        return not self.refused and self.changes > 0

    @functools.cached_property
    def cleared(self) -> int:
        """How many stored values the import would empty."""
        return sum(change.clears for row in self.rows for change in row.changes)

    @functools.cached_property
    def fingerprints(self) -> dict[int, str]:
        """Per row, a short hash of what the preview shows of it and what that rests
        on: the action, the record it updates and that record's cells as they are
        now, the cells it would write, its notes and changes."""
        return {row.number: fingerprint(self.sheet, row) for row in self.rows}

    @functools.cached_property
    def digest(self) -> str:
        """The whole preview in one hash: the preview form carries it, and the
        apply step saves only when the plan it makes again has the same one."""
        lines = "\n".join(f"{number}:{hashed}" for number, hashed in self.fingerprints.items())
        return hashlib.sha256(lines.encode()).hexdigest()


def fingerprint(sheet: Sheet, row: PlannedRow) -> str:
    def cells(instance) -> list[str] | None:
        return [as_text(value) for value in sheet.cells(instance).values()] if instance else None

    facts = [
        row.action,
        row.original.pk if row.original else None,
        cells(row.original),
        cells(row.instance),
        row.notes,
        [str(change) for change in row.changes],
    ]
    data = json.dumps(facts, ensure_ascii=False, default=str)
    return hashlib.sha256(data.encode()).hexdigest()[:16]


def validation_notes(sheet: Sheet, error: ValidationError) -> list[str]:
    """The model's messages, each once (a rule checked by clean() and by its
    constraint says the same thing twice), named by column."""
    notes, seen = [], set()
    for name, errors in error.message_dict.items():
        column = sheet.field_columns.get(name)
        for message in errors:
            if message not in seen:
                seen.add(message)
                notes.append(f"{column}: {message}" if column else message)
    return notes


def differences(before: dict, after: dict) -> list[Change]:
    """Each column that changes ("status: ingediend → aangenomen"), and whether
    its stored value is emptied."""
    return [
        Change(column, shown(before[column]), shown(after[column]), comparable(after[column]) == "")
        for column in after
        if comparable(before[column]) != comparable(after[column])
    ]


def shown(value) -> str:
    return Truncator(" ".join(as_text(value).split())).chars(60) or "—"


def plan_import(upload: dict, *, lock: bool = False) -> Plan:
    """What importing ``upload`` would do, row by row; writes nothing. With
    ``lock`` (in the apply step's transaction) the records it may update stay
    locked until that transaction ends, so nobody changes them in between."""
    sheet = SHEETS[upload["kind"]](upload["columns"])
    context = Context()
    records = sheet.queryset().order_by("pk")
    if lock:
        records = records.select_for_update(of=("self",))
    existing: dict[tuple, list] = {}
    for instance in records:
        existing.setdefault(sheet.key_of(instance), []).append(instance)
    used: set[int] = set()
    first_seen: dict[tuple, int] = {}
    planned = []
    with reusing(context.register):
        for number, cells in upload["rows"]:
            row = Row(number, cells)
            values = sheet.read(row, context)
            planned.append(plan_row(sheet, row, values, existing, used, first_seen))
    return Plan(sheet, upload["filename"], upload["ignored"], planned)


def plan_row(sheet, row, values, existing, used, first_seen) -> PlannedRow:
    label = sheet.describe(row)
    key = sheet.key_of(sheet.apply(sheet.model(), values))
    options = [candidate for candidate in existing.get(key, []) if candidate.pk not in used]
    if not row.errors and not options and key in first_seen:
        note = _("dubbele regel, gelijk aan regel %(n)s") % {"n": first_seen[key]}
        return PlannedRow(row.number, REFUSED, label, [note])
    # A required value left blank is missing only when the row makes a new record.
    errors = [*row.errors, *([] if options else row.deferred)]
    if errors:
        return PlannedRow(row.number, REFUSED, label, errors)
    first_seen.setdefault(key, row.number)
    update = kept(sheet, row, values)
    original = pick(sheet, options, update)
    if original is None:
        instance = sheet.apply(sheet.model(), values)
    else:
        instance = sheet.apply(copy.copy(original), update)
    try:
        # Without a query per row: the foreign keys come from records just loaded, and
        # each model's clean() checks its constraints' rules in Python with the same
        # Dutch messages (the database still enforces them when the import is applied).
        instance.full_clean(exclude=sheet.looked_up, validate_constraints=False)
    except ValidationError as error:
        return PlannedRow(row.number, REFUSED, label, validation_notes(sheet, error))
    if original is None:
        return PlannedRow(row.number, CREATE, label, row.notes, instance=instance)
    used.add(original.pk)
    changes = differences(sheet.cells(original), sheet.cells(instance))
    action = UPDATE if changes else UNCHANGED
    return PlannedRow(row.number, action, label, row.notes, instance, changes, original)


def kept(sheet: Sheet, row: Row, values: dict) -> dict:
    """What an update sets: a blank cell leaves the stored value as it is."""
    return {
        name: value
        for name, value in values.items()
        if sheet.field_columns.get(name) not in row.blank
    }


def pick(sheet: Sheet, options: list, values: dict):
    """Of the records this row may stand for, the one it leaves unchanged, else the oldest."""
    for option in options:
        if not differences(
            sheet.cells(option), sheet.cells(sheet.apply(copy.copy(option), values))
        ):
            return option
    return options[0] if options else None


def history_reason(model: type[models.Model], filename: str) -> str:
    """ "Import <file name>", cut in the middle to fit the history's column
    (simple-history's 100 characters, which PostgreSQL enforces)."""
    reason = _("Import %(name)s") % {"name": filename}
    limit = model.history.model._meta.get_field("history_change_reason").max_length
    return shorten_middle(reason, limit) if limit else reason


def wait_for_other_imports() -> None:
    """Imports applied at the same moment take turns (SQLite writes one at a time
    anyway), so the second plans against what the first saved and is refused when
    that touched its rows, instead of creating the same motion twice."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [IMPORT_LOCK])


def apply_import(upload: dict, digest: str) -> Plan:
    """Plan again against the database as it is now and save every new and
    changed record in one transaction, only when no row is refused and the plan
    is still the one the preview showed (``digest``); else save nothing."""
    reason = history_reason(SHEETS[upload["kind"]].model, upload["filename"])
    with transaction.atomic():
        wait_for_other_imports()
        plan = plan_import(upload, lock=True)
        if plan.refused or plan.digest != digest:
            return plan
        for row in plan.rows:
            if row.action in (CREATE, UPDATE):
                row.instance._change_reason = reason
                row.instance.save()
    return plan


MAX_NAMED_ROWS = 5


def changed_since(plan: Plan, shown_fingerprints: dict[int, str] | None) -> str:
    """The message for an apply refused because the preview is out of date,
    naming the rows that changed when the preview that was shown is known."""
    shown = shown_fingerprints or {}
    changed = [
        row for row in plan.rows if shown and shown.get(row.number) != plan.fingerprints[row.number]
    ]
    if not changed:
        return _(
            "Sinds u de voorbeeldweergave opende, is er iets veranderd. Er is niets "
            "geïmporteerd. Bekijk de nieuwe voorbeeldweergave en importeer opnieuw."
        )
    named = [
        _("regel %(n)s (%(label)s)") % {"n": row.number, "label": Truncator(row.label).chars(60)}
        for row in changed[:MAX_NAMED_ROWS]
    ]
    if len(changed) > MAX_NAMED_ROWS:
        rest = len(changed) - MAX_NAMED_ROWS
        named.append(ngettext("nog %(n)s regel", "nog %(n)s andere regels", rest) % {"n": rest})
    return _(
        "Sinds u de voorbeeldweergave opende, is er iets veranderd in %(rows)s. Er is niets "
        "geïmporteerd. Bekijk de nieuwe voorbeeldweergave en importeer opnieuw."
    ) % {"rows": get_text_list(named, _("en"))}


def store_upload(upload: dict, user) -> str:
    token = secrets.token_urlsafe(24)
    cache.set(CACHE_PREFIX + token, {**upload, "user": user.pk}, CACHE_SECONDS)
    return token


def load_upload(token: str, user) -> dict | None:
    """The stored upload, only for the user who uploaded it."""
    upload = cache.get(CACHE_PREFIX + token)
    return upload if upload and upload.get("user") == user.pk else None


def forget_upload(token: str) -> None:
    cache.delete(CACHE_PREFIX + token)


def remember_preview(token: str, plan: Plan) -> None:
    """What each row looked like in a preview shown, to name the rows that changed
    should its apply be refused (the form itself carries only the digest)."""
    cache.set(f"{CACHE_PREFIX}{token}:{plan.digest}", plan.fingerprints, CACHE_SECONDS)


def shown_preview(token: str, digest: str) -> dict[int, str] | None:
    return cache.get(f"{CACHE_PREFIX}{token}:{digest}") if digest else None


# --- export --------------------------------------------------------------------------------


def export_table(kind: str) -> tuple[list[str], list[list]]:
    sheet = SHEETS[kind]()
    cells = [sheet.cells(instance) for instance in sheet.queryset()]
    return sheet.column_names(), [list(row.values()) for row in cells]


def csv_safe(value: Cell | int | None) -> str:
    """Text that Excel would take for a formula, or that an import would read as
    "clear this value", gets a quote in front (undone on import)."""
    text = as_text(value)
    if isinstance(value, str) and (text.startswith(FORMULA_START) or is_clear_word(text)):
        return "'" + text
    return text


def write_csv(headers: list[str], rows: list[list]) -> bytes:
    """Semicolons and a BOM: what Dutch Excel opens without questions."""
    out = io.StringIO(newline="")
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    writer.writerow(headers)
    writer.writerows([csv_safe(value) for value in row] for row in rows)
    return out.getvalue().encode("utf-8-sig")


def write_xlsx(headers: list[str], rows: list[list]) -> bytes:
    workbook = openpyxl.Workbook(write_only=True)
    sheet = workbook.create_sheet()
    sheet.append(headers)
    for row in rows:
        sheet.append([xlsx_out(sheet, value) for value in row])
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def xlsx_out(sheet, value):
    cell = WriteOnlyCell(sheet)
    if isinstance(value, datetime.date):
        cell.value = value
        cell.number_format = "DD-MM-YYYY"
    elif isinstance(value, str):
        cell.value = ILLEGAL_CHARACTERS_RE.sub("", value)
        cell.data_type = "s"  # text, even when it starts with "="
        if is_clear_word(value):
            cell.quotePrefix = True  # a stored "-" is text, not "clear this value"
    else:
        cell.value = value
    return cell


WRITERS = {
    "csv": (write_csv, "text/csv; charset=utf-8"),
    "xlsx": (write_xlsx, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
}


# --- views ---------------------------------------------------------------------------------


class UploadForm(forms.Form):
    kind = forms.ChoiceField(
        label=gettext_lazy("Wat staat er in het bestand?"),
        choices=[(kind, sheet.title) for kind, sheet in SHEETS.items()],
        initial=MotionSheet.kind,
        widget=forms.RadioSelect,
    )
    file = forms.FileField(
        label=gettext_lazy("Bestand (.csv of .xlsx)"),
        widget=forms.FileInput(attrs={"accept": ".csv,.xlsx"}),
    )

    def clean(self):
        data = super().clean()
        upload = data.get("file")
        if upload and data.get("kind"):
            try:
                check_upload(upload.name, upload.size)  # before reading it into memory
                data["upload"] = read_spreadsheet(data["kind"], upload.name, upload.read())
            except SpreadsheetError as error:
                self.add_error("file", str(error))
        return data


@requires(IMPORT_PERMISSION)
def upload(request):
    form = UploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        token = store_upload(form.cleaned_data["upload"], request.user)
        return redirect("workspace:import_preview", token=token)
    context = {
        "form": form,
        "sheets": SHEETS.values(),
        "max_mb": max_upload_bytes() // (1024 * 1024),
        "max_rows": MAX_ROWS,
    }
    return render(request, "workspace/import.html", context)


@requires(IMPORT_PERMISSION)
def preview(request, token: str):
    stored = load_upload(token, request.user)
    if stored is None:
        messages.error(
            request, _("Deze import is verlopen of onbekend. Upload het bestand opnieuw.")
        )
        return redirect("workspace:import")
    if request.method != "POST":
        plan = plan_import(stored)
        remember_preview(token, plan)
        return render(request, "workspace/import_preview.html", {"plan": plan, "token": token})
    shown = request.POST.get("digest", "")
    plan = apply_import(stored, shown)
    if plan.digest != shown:
        messages.error(request, changed_since(plan, shown_preview(token, shown)))
        return redirect("workspace:import_preview", token=token)
    if plan.refused:
        messages.error(request, _("Er is niets geïmporteerd: er zijn geweigerde regels."))
        return redirect("workspace:import_preview", token=token)
    forget_upload(token)
    messages.success(
        request,
        _(
            "%(file)s geïmporteerd: %(create)s nieuw, %(update)s bijgewerkt, "
            "%(unchanged)s ongewijzigd."
        )
        % {"file": plan.filename, **plan.counts},
    )
    return redirect("workspace:import")


@requires()
def export(request, kind: str, fmt: str):
    if kind not in SHEETS or fmt not in WRITERS:
        raise Http404
    write, content_type = WRITERS[fmt]
    response = HttpResponse(write(*export_table(kind)), content_type=content_type)
    filename = f"motietracker-{kind}-{timezone.localdate():%Y-%m-%d}.{fmt}"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
