"""The filter of the report queue, ``/werk/meldingen/``."""

from typing import Any

import django_filters
from django.db.models import QuerySet
from django.http import QueryDict
from django.utils.translation import gettext_lazy

from motions.models import ActionReport

Outcome = ActionReport.Outcome
ALL = "alle"


class ReportFilter(django_filters.FilterSet):
    """The queue shows new reports unless another outcome, or all, is chosen."""

    afhandeling = django_filters.ChoiceFilter(
        label=gettext_lazy("Toon"),
        choices=[*Outcome.choices, (ALL, gettext_lazy("alle meldingen"))],
        empty_label=None,
        method="by_outcome",
    )

    def __init__(self, data: QueryDict | None = None, *args: Any, **kwargs: Any) -> None:
        data = (data or QueryDict()).copy()
        data.setdefault("afhandeling", Outcome.NEW)
        super().__init__(data, *args, **kwargs)

    def by_outcome(
        self, queryset: QuerySet[ActionReport], name: str, value: str
    ) -> QuerySet[ActionReport]:
        return queryset if value == ALL else queryset.filter(outcome=value)
