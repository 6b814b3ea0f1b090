"""Values as volunteers type them in Dutch Excel, read into model values
(dates as dd-mm-jjjj or at a month's or year's precision, choices by value or
label, counts, yes and no), and written back the same way. A cell that says
"-" or "leeg" clears a stored value; an empty one leaves it."""

import datetime
import functools
import re

from django.db import models
from django.utils import translation
from django.utils.translation import gettext as _

from kinderpardon.dates import DatePrecision, parse_partial
from kinderpardon.text import fold

Cell = str | datetime.date  # a cell as read: stripped text, or a date from an Excel date cell
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


def comparable(value: object) -> object:
    """Equal cells compare equal, whatever line endings or trailing spaces Excel left."""
    if value is None:
        return ""
    if isinstance(value, str):
        return "\n".join(line.rstrip() for line in value.strip().splitlines())
    return value
