"""Sorting and paging of the public lists: both read their whole state from
the query string, so a link can be shared, and both answer a value they do not
understand with a message instead of an error."""

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import django_filters
from django.core.paginator import Page, Paginator
from django.db.models import F, QuerySet
from django.db.models.expressions import OrderBy
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

PER_PAGE = 50

OrderingTerm = str | OrderBy


class SortFilter(django_filters.ChoiceFilter):
    """A ``sort`` choice, each value naming a full ordering (nulls last).

    ``orderings`` maps a value to ``(label, ordering terms)``; the first is the
    list's default and is what the view's own ``order_by`` already gives.
    """

    def __init__(
        self, orderings: "dict[str, tuple[StrOrPromise, Sequence[OrderingTerm]]]", **kwargs: Any
    ) -> None:
        self.orderings = {value: terms for value, (_label, terms) in orderings.items()}
        choices = [(value, label) for value, (label, _terms) in orderings.items()]
        kwargs.setdefault("label", _("Sorteren"))
        kwargs.setdefault("empty_label", None)
        super().__init__(choices=choices, method=self.sort, **kwargs)

    def sort(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        return queryset.order_by(*self.orderings[value])


def desc(field: str) -> OrderBy:
    return F(field).desc(nulls_last=True)


def asc(field: str) -> OrderBy:
    return F(field).asc(nulls_last=True)


@dataclass
class ListPage:
    """One page of a list, the page numbers to link to, and what went wrong."""

    page: Page
    page_range: list[int | str]  # numbers, and Paginator.ELLIPSIS where some are left out
    notice: str = ""


def paginate(request: HttpRequest, queryset: QuerySet) -> ListPage:
    """The requested page; a bad or too high number shows the nearest real page."""
    paginator = Paginator(queryset, PER_PAGE)
    asked = request.GET.get("page", "")
    page = paginator.get_page(asked)
    notice = ""
    if asked and asked != str(page.number):
        notice = _("Pagina %(asked)s bestaat niet; u ziet pagina %(shown)s van %(total)s.") % {
            "asked": asked,
            "shown": page.number,
            "total": paginator.num_pages,
        }
    page_range = list(paginator.get_elided_page_range(page.number, on_each_side=2, on_ends=1))
    return ListPage(page=page, page_range=page_range, notice=notice)
