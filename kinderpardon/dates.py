"""Dates known only as a month or a year ("maart 2025", "2024").

Such a date is stored as its first day plus a precision, and always shown at
that precision: never a made-up day.
"""

import calendar
import datetime
import re
from typing import TYPE_CHECKING, Any, NamedTuple

from django import forms
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from kinderpardon.text import fold

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

    # The two model fields of a partial date: its first day (or none) and its precision.
    PartialDateFields = tuple[
        models.DateField[datetime.date | None, datetime.date | None], models.CharField[str, str]
    ]


class DatePrecision(models.TextChoices):
    DAY = "day", _("dag")
    MONTH = "month", _("maand")
    YEAR = "year", _("jaar")


def truncate(value: datetime.date, precision: str) -> datetime.date:
    """The first day of the month or year that ``value`` stands for."""
    if precision == DatePrecision.YEAR:
        return value.replace(month=1, day=1)
    if precision == DatePrecision.MONTH:
        return value.replace(day=1)
    return value


def period(value: datetime.date, precision: str) -> tuple[datetime.date, datetime.date]:
    """The first and the last day of the day, month or year that ``value`` stands for."""
    first = truncate(value, precision)
    if precision == DatePrecision.YEAR:
        return first, first.replace(month=12, day=31)
    if precision == DatePrecision.MONTH:
        return first, first.replace(day=calendar.monthrange(first.year, first.month)[1])
    return first, first


def is_future(value: datetime.date, precision: str) -> bool:
    """Whether the whole period lies after today: "oktober 2025" is not in the
    future during October 2025, because the day meant may have passed."""
    return truncate(value, precision) > timezone.localdate()


def format_partial(value: datetime.date | None, precision: str) -> str:
    """ "2 oktober 2025", "maart 2025" or "2024", in the active language."""
    if value is None:
        return ""
    if precision == DatePrecision.YEAR:
        return str(value.year)
    if precision == DatePrecision.MONTH:
        return date_format(value, "F Y")
    return date_format(value, "j F Y")


def format_when(value: datetime.date, precision: str) -> str:
    """ "op 2 oktober 2025", "in maart 2025" or "in 2024": a partial date in a sentence."""
    if precision == DatePrecision.DAY:
        return _("op %(date)s") % {"date": format_partial(value, precision)}
    return _("in %(date)s") % {"date": format_partial(value, precision)}


def partial_date_fields(
    label: "StrOrPromise", *, help_text: "StrOrPromise" = ""
) -> "PartialDateFields":
    """A (date, precision) pair of model fields for one partial date."""
    return (
        models.DateField(label, null=True, blank=True, help_text=help_text),
        models.CharField(
            _("nauwkeurigheid"), max_length=5, choices=DatePrecision, default=DatePrecision.DAY
        ),
    )


def clean_partial(instance: models.Model, field: str) -> None:
    """Store a partial date as the first day of its month or year."""
    value = getattr(instance, f"{field}_on")
    if value is not None:
        setattr(instance, f"{field}_on", truncate(value, getattr(instance, f"{field}_precision")))


# --- reading a partial date as people type it ---------------------------------------

# Month names, Dutch and English, full and abbreviated.
MONTHS = {
    name: number
    for number, names in enumerate(
        [
            ("januari", "january", "jan"),
            ("februari", "february", "feb"),
            ("maart", "march", "mrt", "maa", "mar"),
            ("april", "apr"),
            ("mei", "may"),
            ("juni", "june", "jun"),
            ("juli", "july", "jul"),
            ("augustus", "august", "aug"),
            ("september", "sept", "sep"),
            ("oktober", "october", "okt", "oct"),
            ("november", "nov"),
            ("december", "dec"),
        ],
        start=1,
    )
    for name in names
}
_SEP = r"[-/. ]"
# (pattern, precision): named groups day, month or month_name, year.
_PATTERNS = [
    (rf"(?P<day>\d{{1,2}}){_SEP}(?P<month>\d{{1,2}}){_SEP}(?P<year>\d{{4}})", DatePrecision.DAY),
    (
        r"(?P<year>\d{4})-(?P<month>\d{1,2})-(?P<day>\d{1,2})(?:[ t]\d{1,2}:\d{2}(?::\d{2})?)?",
        DatePrecision.DAY,
    ),
    (
        r"(?P<day>\d{1,2})[\s-]+(?P<month_name>[a-z]+)\.?[\s-]+(?P<year>\d{4}|\d{2})",
        DatePrecision.DAY,
    ),
    (rf"(?P<month>\d{{1,2}}){_SEP}(?P<year>\d{{4}})", DatePrecision.MONTH),
    (r"(?P<year>\d{4})-(?P<month>\d{1,2})", DatePrecision.MONTH),  # also <input type=month>
    (r"(?P<month_name>[a-z]+)\.?[\s-]+(?P<year>\d{4}|\d{2})", DatePrecision.MONTH),  # apr-25
    (r"(?P<year>\d{4})", DatePrecision.YEAR),
]
_COMPILED = [(re.compile(pattern), precision) for pattern, precision in _PATTERNS]
IN_THE_FUTURE = _("Deze datum ligt in de toekomst.")
DATE_INPUT_HELP = _(
    "Bijvoorbeeld 3-4-2025, of 4-2025 of april 2025 als alleen de maand bekend is, of 2025."
)


class PartialDate(NamedTuple):
    date: datetime.date
    precision: str

    def __str__(self) -> str:
        """As it is typed, so that a form shows it back and a spreadsheet round-trips."""
        return format_input(self.date, self.precision)


def format_input(value: datetime.date, precision: str) -> str:
    """ "03-04-2025", "04-2025" or "2025": what ``parse_partial`` reads back."""
    if precision == DatePrecision.YEAR:
        return f"{value:%Y}"
    if precision == DatePrecision.MONTH:
        return f"{value:%m-%Y}"
    return f"{value:%d-%m-%Y}"


def parse_partial(text: str) -> PartialDate | None:
    """A date as volunteers, reporters and spreadsheets write it; the precision
    follows from what is given: "3-4-2025", "2025-04-03", "3 apr. 2025" (day),
    "4-2025", "april 2025", "apr-25" (month), "2025" (year). None when empty;
    ValueError with a Dutch message when it is no date or no real one."""
    folded = " ".join(fold(text).replace(",", " ").split())
    if not folded:
        return None
    for pattern, precision in _COMPILED:
        if (found := pattern.fullmatch(folded)) is None:
            continue
        parts = found.groupdict()
        month = MONTHS.get(parts["month_name"]) if "month_name" in parts else parts.get("month", 1)
        if month is None:  # a word that is no month
            continue
        year = int(parts["year"])
        if len(parts["year"]) == 2:
            year += 2000
        if not 1900 <= year <= 2100:
            raise ValueError(_("het jaartal %(year)s klopt niet") % {"year": year})
        day = int(parts.get("day") or 1)
        try:
            return PartialDate(datetime.date(year, int(month), day), precision)
        except ValueError:
            raise ValueError(
                _("%(day)s-%(month)s-%(year)s bestaat niet")
                % {"day": day, "month": int(month), "year": year}
            ) from None
    raise ValueError(
        _(
            '"%(value)s" is geen datum; schrijf dd-mm-jjjj (23-11-2026), '
            "een maand (04-2025 of april 2025) of een jaar (2025)"
        )
        % {"value": text.strip()}
    )


class PartialDateField(forms.CharField):
    """A day, a month or a year, typed as text; cleans to a PartialDate or None."""

    default_error_messages = {"future": IN_THE_FUTURE}

    def __init__(self, *, allow_future: bool = True, **kwargs: Any) -> None:
        self.allow_future = allow_future
        kwargs.setdefault("max_length", 30)
        kwargs.setdefault("help_text", DATE_INPUT_HELP)
        kwargs.setdefault("widget", forms.TextInput(attrs={"autocomplete": "off"}))
        super().__init__(**kwargs)

    # A CharField for its input and its length; it cleans to a PartialDate, not a str.
    def to_python(self, value: Any) -> PartialDate | None:  # type: ignore[override]
        if isinstance(value, PartialDate):
            return value
        try:
            return parse_partial(super().to_python(value) or "")
        except ValueError as error:
            message = str(error)
            raise ValidationError(message[:1].upper() + message[1:] + ".", code="invalid") from None

    def validate(self, value: PartialDate | None) -> None:
        super().validate(value)
        if value and not self.allow_future and is_future(value.date, value.precision):
            raise ValidationError(self.error_messages["future"], code="future")

    def prepare_value(self, value: Any) -> Any:
        return str(value) if isinstance(value, PartialDate) else value
