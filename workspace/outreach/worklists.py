"""What the dashboard lists for volunteers to do: follow-ups that are due,
councils never contacted or that never answered, reports to triage.

The models belong to other apps; these queries are the workspace's own view of them.
"""

import datetime
from dataclasses import dataclass
from typing import Generic, TypeVar

from django.conf import settings
from django.contrib.auth.models import User
from django.db.models import Exists, Model, OuterRef, QuerySet, Subquery
from django.utils.formats import number_format
from django.utils.translation import gettext as _

from motions.models import ActionReport
from municipalities.models import ContactMoment, Municipality

# The dashboard shows the first rows of a list that grows with the campaign,
# with the count and a link to the whole list, so it stays as fast at any size.
DASHBOARD_ROWS = 10
# Counting stops here: beyond it the dashboard says "meer dan 1.000".
COUNT_LIMIT = 1_000
Row = TypeVar("Row", bound=Model)


@dataclass
class FirstRows(Generic[Row]):
    """The first rows of a worklist, and how many it has in all, counted up
    to just past ``COUNT_LIMIT``."""

    rows: list[Row]
    count: int

    @property
    def beyond_limit(self) -> bool:
        return self.count > COUNT_LIMIT

    @property
    def shown_count(self) -> str:
        """The count as the page says it: "12", "1.000" or "meer dan 1.000"."""
        if self.beyond_limit:
            return _("meer dan %(limit)s") % {
                "limit": number_format(COUNT_LIMIT, force_grouping=True)
            }
        return number_format(self.count, force_grouping=True)

    @property
    def more(self) -> int:
        return self.count - len(self.rows)


def first_rows(queryset: QuerySet[Row]) -> FirstRows[Row]:
    """The first rows, and a count that reads at most ``COUNT_LIMIT`` + 1 rows."""
    return FirstRows(
        rows=list(queryset[:DASHBOARD_ROWS]), count=queryset[: COUNT_LIMIT + 1].count()
    )


def follow_up_weeks() -> int:
    """After how many weeks without an answer a council is asked again."""
    return settings.FOLLOW_UP_WEEKS


def due_follow_ups(user: User, today: datetime.date) -> QuerySet[ContactMoment]:
    """The user's follow-ups planned for today or earlier and not yet done."""
    return (
        ContactMoment.objects.filter(volunteer=user, follow_up_done=False, follow_up_on__lte=today)
        .select_related("municipality", "faction__party")
        .order_by("follow_up_on", "municipality__name", "pk")
    )


def never_contacted() -> QuerySet[Municipality]:
    """Active municipalities without any contact moment, by province and name."""
    contacted = ContactMoment.objects.filter(municipality=OuterRef("pk"))
    return (
        Municipality.objects.active()
        .filter(~Exists(contacted))
        .select_related("province")
        .only("name", "slug", "province__name")
        .order_by("province__name", "name")
    )


def awaiting_answer(before: datetime.date) -> QuerySet[Municipality]:
    """Active municipalities whose latest contact is one we sent before ``before``:
    nothing came back since."""
    latest = ContactMoment.objects.filter(municipality=OuterRef("pk")).order_by(
        "-date", "-created_at", "-pk"
    )
    return (
        Municipality.objects.active()
        .annotate(
            last_direction=Subquery(latest.values("direction")[:1]),
            last_contact_on=Subquery(latest.values("date")[:1]),
        )
        .filter(last_direction=ContactMoment.Direction.SENT, last_contact_on__lt=before)
        .select_related("province")
        .only("name", "slug", "province__name")
        .order_by("last_contact_on", "name")
    )


def reports_to_triage() -> QuerySet[ActionReport]:
    """Reports from the public form that nobody handled yet, oldest first."""
    return (
        ActionReport.objects.filter(outcome=ActionReport.Outcome.NEW)
        .select_related("municipality")
        .only(
            "municipality__name",
            "municipality__slug",
            "action",
            "happened_on",
            "happened_precision",
            "created_at",
        )
        .order_by("created_at", "pk")
    )
