"""The province choice every list offers."""

import django_filters
from django.utils.translation import gettext_lazy as _

from .models import Province


def province_filter(field_name: str = "province") -> django_filters.ModelChoiceFilter:
    """The province select every list offers, by slug so a link reads /?province=utrecht."""
    return django_filters.ModelChoiceFilter(
        label=_("Provincie"),
        field_name=field_name,
        queryset=Province.objects.all(),
        to_field_name="slug",
        empty_label=_("Alle provincies"),
    )
