"""Filters of the list of all contact moments, ``/werk/contacten/``.

The whole filter state lives in the query string. A value the form does not
accept is left out of the filtering and shown as a message, never an error page.
"""

import django_filters
from django.contrib.auth import get_user_model
from django.contrib.auth.models import User
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils.translation import gettext_lazy as _
from django_filters.fields import ModelChoiceField

from municipalities.filters import province_filter
from municipalities.models import ContactMoment, Municipality

from .forms import DateInput


class VolunteerField(ModelChoiceField):
    def label_from_instance(self, obj: User) -> str:
        return obj.first_name or obj.get_username()


class VolunteerFilter(django_filters.ModelChoiceFilter):
    field_class = VolunteerField


def volunteers() -> QuerySet[User]:
    """The users who logged at least one contact, by name."""
    logged = ContactMoment.objects.filter(volunteer=OuterRef("pk"))
    return get_user_model().objects.filter(Exists(logged)).order_by("first_name", "username")


class ContactMomentFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("Gemeente"), method="search_municipality")
    province = province_filter("municipality__province")
    volunteer = VolunteerFilter(
        label=_("Vrijwilliger"), queryset=volunteers(), empty_label=_("Iedereen")
    )
    channel = django_filters.ChoiceFilter(
        label=_("Kanaal"), choices=ContactMoment.Channel.choices, empty_label=_("Alle kanalen")
    )
    direction = django_filters.ChoiceFilter(
        label=_("Richting"),
        choices=ContactMoment.Direction.choices,
        empty_label=_("Verstuurd en ontvangen"),
    )
    date_from = django_filters.DateFilter(
        label=_("Vanaf"), field_name="date", lookup_expr="gte", widget=DateInput
    )
    date_to = django_filters.DateFilter(
        label=_("Tot en met"), field_name="date", lookup_expr="lte", widget=DateInput
    )
    follow_up = django_filters.ChoiceFilter(
        label=_("Opvolging"),
        choices=[("open", _("nog op te volgen")), ("none", _("niets op te volgen"))],
        empty_label=_("Alle"),
        method="filter_follow_up",
    )

    def search_municipality(
        self, queryset: QuerySet[ContactMoment], name: str, value: str
    ) -> QuerySet[ContactMoment]:
        return queryset.filter(municipality__in=Municipality.objects.search(value))

    def filter_follow_up(
        self, queryset: QuerySet[ContactMoment], name: str, value: str
    ) -> QuerySet[ContactMoment]:
        open_follow_up = Q(follow_up_on__isnull=False, follow_up_done=False)
        return queryset.filter(open_follow_up if value == "open" else ~open_follow_up)
