"""Rules that no database constraint can hold, shared by motions and reports:
a date that cannot be true of a council's record (they span tables and depend
on today), and the kinds of document either may carry."""

from typing import TYPE_CHECKING

from django.core.validators import FileExtensionValidator
from django.db import models
from django.utils.text import capfirst

from kinderpardon.dates import format_partial, format_when, is_future, period
from municipalities.models import Municipality
from municipalities.resolver import ended_problem, not_begun_problem

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

DOCUMENT_EXTENSIONS = FileExtensionValidator(["pdf", "doc", "docx", "odt"])


def impossible_date(
    instance: models.Model,
    name: str,
    council: Municipality | None,
    *,
    future_message: "StrOrPromise",
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
