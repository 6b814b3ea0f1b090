"""Filters of the public municipality list ``/gemeenten/``: by name (also a
former name, through the resolver), province, where the council stands and
whether it has a motion."""

from collections.abc import Iterable, Sequence

import django_filters
from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils.translation import gettext_lazy as _

from kinderpardon.lists import SortFilter, asc, desc
from kinderpardon.text import fold, name_slug
from motions.models import Council, Motion, MunicipalityStatus
from municipalities.filters import province_filter
from municipalities.models import active_on
from municipalities.resolver import CBS_CODE, Register, Resolution


class MunicipalityFilter(django_filters.FilterSet):
    """Filters of ``/gemeenten/``; expects a queryset annotated by ``with_status()``."""

    # Set by filter_queryset for a search: the register, and the former municipalities found.
    register: Register | None = None
    former: Sequence[Resolution] = ()

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

    def search(self, queryset: QuerySet[Council], name: str, value: str) -> QuerySet[Council]:
        """Today's municipalities by name, alias or CBS code; and by a former
        name, the municipality that ended (shown only when searched for) with
        where it lives on today (see ``explain``)."""
        match = Q(search_text__contains=fold(value))
        if slug := name_slug(value):  # "s gravenhage" for 's-Gravenhage
            match |= Q(slug__contains=slug)
        if code := CBS_CODE.fullmatch(fold(value)):
            match |= Q(code=f"GM{int(code[1]):04d}")
        for former in self.former:
            match |= Q(pk=former.named.pk) | Q(pk__in=[m.pk for m in former.current])
        return queryset.filter(match)

    def filter_has_motion(
        self, queryset: QuerySet[Council], name: str, value: str
    ) -> QuerySet[Council]:
        public = Exists(Motion.objects.public().filter(municipality=OuterRef("pk")))
        return queryset.filter(public if value == "yes" else ~public)

    def filter_queryset(self, queryset: QuerySet[Council]) -> QuerySet[Council]:
        text = self.form.cleaned_data.get("q") or ""
        self.register = Register() if text.strip() else None
        self.former = self.register.search(text) if self.register else []
        shown = [former.named.pk for former in self.former]
        return super().filter_queryset(queryset.filter(active_on() | Q(pk__in=shown)))

    def suggestion(self) -> str:
        """For a search that found nothing: the names it probably meant."""
        if self.register is None:
            return ""
        try:
            self.register.resolve(self.form.cleaned_data.get("q") or "")
        except ValidationError as error:
            if "choices" in (error.params or {}):  # "Bedoelt u Schinnen (nu Beekdaelen)?"
                return " ".join(error.messages)
        return ""

    def explain(self, municipalities: Iterable[Council]) -> None:
        """Give the rows found through a former name its ``note`` ("Schinnen
        hoort sinds 1 januari 2019 bij Beekdaelen"), and a row of a municipality
        that ended ``now``: today's municipalities it is part of, with their
        status (one query, only when a former name was searched for)."""
        former = self.former
        if not former:
            return
        current_pks = {m.pk for f in former for m in f.current}
        statuses = {m.pk: m for m in Council.objects.with_status().filter(pk__in=current_pks)}
        notes = {m.pk: f.note for f in former for m in f.current}
        by_named = {f.named.pk: f for f in former}
        typed = fold(self.form.cleaned_data.get("q") or "")
        for municipality in municipalities:
            if municipality.pk in by_named:
                found = by_named[municipality.pk]
                municipality.note = found.note
                municipality.now = [statuses[m.pk] for m in found.current]
            elif municipality.pk in notes and typed not in municipality.search_text:
                municipality.note = notes[municipality.pk]  # found only through a former name
