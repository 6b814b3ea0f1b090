"""Filtering, sorting and paging of the public municipality list.

``SortFilter`` and ``paginate`` also serve the motion list: both lists read
their whole state from the query string, so a link can be shared, and both
answer a value they do not understand with a message instead of an error.
"""

from collections.abc import Sequence
from dataclasses import dataclass

import django_filters
from django import forms
from django.core.paginator import Page, Paginator
from django.db.models import Exists, F, OuterRef, QuerySet
from django.db.models.expressions import OrderBy
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from motions.models import Motion

from .models import MunicipalityStatus, Province

PER_PAGE = 50

OrderingTerm = str | OrderBy


class SortFilter(django_filters.ChoiceFilter):
    """A ``sort`` choice, each value naming a full ordering (nulls last).

    ``orderings`` maps a value to ``(label, ordering terms)``; the first is the
    list's default and is what the view's own ``order_by`` already gives.
    """

    def __init__(self, orderings: dict[str, tuple[str, Sequence[OrderingTerm]]], **kwargs):
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


def province_filter(field_name: str = "province") -> django_filters.ModelChoiceFilter:
    """The province select every list offers, by slug so a link reads /?province=utrecht."""
    return django_filters.ModelChoiceFilter(
        label=_("Provincie"),
        field_name=field_name,
        queryset=Province.objects.all(),
        to_field_name="slug",
        empty_label=_("Alle provincies"),
    )


class MunicipalityFilter(django_filters.FilterSet):
    """Filters of ``/gemeenten/``; expects a queryset annotated by ``with_status()``."""

    q = django_filters.CharFilter(
        label=_("Naam"),
        method="search",
        widget=forms.SearchInput(attrs={"placeholder": _("bijvoorbeeld Den Haag")}),
    )
    province = province_filter()
    status = django_filters.ChoiceFilter(
        label=_("Status"),
        choices=[(s.value, s.label) for s in MunicipalityStatus.public()],
        empty_label=_("Alle statussen"),
    )
    has_motion = django_filters.ChoiceFilter(
        label=_("Motie"),
        choices=[("yes", _("met een motie")), ("no", _("zonder motie"))],
        empty_label=_("Met en zonder motie"),
        method="filter_has_motion",
    )
    dissolved = django_filters.ChoiceFilter(
        label=_("Opgeheven gemeenten"),
        choices=[("1", _("ook tonen"))],
        empty_label=_("niet tonen"),
        method="keep_dissolved",
    )
    sort = SortFilter(
        {
            "name": (_("naam (A-Z)"), ["name", "pk"]),
            "-name": (_("naam (Z-A)"), ["-name", "-pk"]),
            "province": (_("provincie (A-Z)"), ["province__name", "name", "pk"]),
            "-province": (_("provincie (Z-A)"), ["-province__name", "name", "pk"]),
            "-date": (_("laatste motie (nieuwste eerst)"), [desc("latest_motion_on"), "name"]),
            "date": (_("laatste motie (oudste eerst)"), [asc("latest_motion_on"), "name"]),
        }
    )

    def search(self, queryset, name, value):
        return queryset.search(value)

    def filter_has_motion(self, queryset, name, value):
        public = Exists(Motion.objects.public().filter(municipality=OuterRef("pk")))
        return queryset.filter(public if value == "yes" else ~public)

    def keep_dissolved(self, queryset, name, value):
        return queryset  # filter_queryset leaves them out unless this is set

    def filter_queryset(self, queryset):
        if not self.form.cleaned_data.get("dissolved"):
            queryset = queryset.active()
        return super().filter_queryset(queryset)


@dataclass
class ListPage:
    """One page of a list, the page numbers to link to, and what went wrong."""

    page: Page
    page_range: list
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
