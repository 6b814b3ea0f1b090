"""Filters of the public motion list, ``/moties/``."""

import django_filters
from django import forms
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils.translation import gettext_lazy as _

from kinderpardon.lists import SortFilter, asc, desc
from municipalities.filters import province_filter
from municipalities.models import Municipality, Party, active_on

from .models import Motion, Sponsorship


class YearFilter(django_filters.NumberFilter):
    field_class = forms.IntegerField


class MotionFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(
        label=_("Zoeken in titel en tekst"), method="search", widget=forms.SearchInput
    )
    level = django_filters.ChoiceFilter(
        label=_("Niveau"),
        choices=Motion.Level.choices,
        empty_label=_("Beide"),
    )
    status = django_filters.ChoiceFilter(
        label=_("Status"),
        choices=[(s.value, s.label) for s in Motion.Status if s != Motion.Status.DRAFT],
        empty_label=_("Alle statussen"),
    )
    province = province_filter("municipality__province")
    municipality = django_filters.ModelChoiceFilter(
        label=_("Gemeente"),
        # Today's municipalities, and dissolved ones only where they have a motion.
        queryset=lambda request: Municipality.objects.filter(
            active_on() | Exists(Motion.objects.filter(municipality=OuterRef("pk")))
        ).only("name", "slug"),
        to_field_name="slug",
        empty_label=_("Alle gemeenten"),
    )
    year = YearFilter(
        label=_("Jaar"),
        method="filter_year",
        min_value=1900,
        max_value=2100,
        help_text=_("Van het besluit, anders van het indienen."),
    )
    party = django_filters.CharFilter(
        label=_("Partij"),
        method="filter_party",
        help_text=_("Een indiener, zoals D66 of ChristenUnie."),
    )
    kind = django_filters.ChoiceFilter(
        label=_("Soort"), choices=Motion.Kind.choices, empty_label=_("Alle soorten")
    )
    sort = SortFilter(
        {
            "new": (_("nieuwste eerst"), [desc("decided_on"), desc("submitted_on"), "-pk"]),
            "old": (_("oudste eerst"), [asc("decided_on"), asc("submitted_on"), "pk"]),
            "title": (_("titel (A-Z)"), ["title", "pk"]),
        }
    )

    def search(self, queryset: QuerySet[Motion], name: str, value: str) -> QuerySet[Motion]:
        return queryset.filter(
            Q(title__icontains=value) | Q(summary__icontains=value) | Q(text__icontains=value)
        )

    def filter_year(self, queryset: QuerySet[Motion], name: str, value: int) -> QuerySet[Motion]:
        return queryset.filter(
            Q(decided_on__year=value) | Q(decided_on__isnull=True, submitted_on__year=value)
        )

    def filter_party(self, queryset: QuerySet[Motion], name: str, value: str) -> QuerySet[Motion]:
        value = value.strip()
        party = Q(abbreviation__iexact=value) | Q(name__iexact=value)
        if value.isdecimal() and len(value) <= 9:  # an id; longer would overflow the column
            party |= Q(pk=int(value))
        parties = Party.objects.filter(party)
        sponsored = Sponsorship.objects.filter(
            Q(faction__party__in=parties) | Q(party__in=parties), motion=OuterRef("pk")
        )
        return queryset.filter(Exists(sponsored))
