"""Dates known only as a month or a year ("maart 2025", "2024").

Such a date is stored as its first day plus a precision, and always shown at
that precision: never a made-up day.
"""

import datetime

from django.db import models
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _


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


def format_partial(value: datetime.date | None, precision: str) -> str:
    """ "2 oktober 2025", "maart 2025" or "2024", in the active language."""
    if value is None:
        return ""
    if precision == DatePrecision.YEAR:
        return str(value.year)
    if precision == DatePrecision.MONTH:
        return date_format(value, "F Y")
    return date_format(value, "j F Y")


def partial_date_fields(label: str, *, help_text: str = ""):
    """A (date, precision) pair of model fields for one partial date."""
    return (
        models.DateField(label, null=True, blank=True, help_text=help_text),
        models.CharField(
            _("nauwkeurigheid"), max_length=5, choices=DatePrecision, default=DatePrecision.DAY
        ),
    )


def clean_partial(instance, field: str) -> None:
    """Store a partial date as the first day of its month or year."""
    value = getattr(instance, f"{field}_on")
    if value is not None:
        setattr(instance, f"{field}_on", truncate(value, getattr(instance, f"{field}_precision")))
