"""What the home page shows: where the councils stand, how many motions are
known, and what happened last; three queries, whatever the numbers."""

from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Q, QuerySet
from django.db.models.functions import Coalesce

from motions.models import Council, Motion, MunicipalityStatus

LATEST_OUTCOMES = 8


@dataclass
class Overview:
    """The home page's figures; its fields are the names the template reads."""

    total: int  # active municipalities
    counters: list[dict[str, Any]]  # per public status: its count and share
    counts: list[tuple[MunicipalityStatus, int]]  # per public status, for the map's legend
    motions: dict[str, int]  # public motions per level: municipal, national
    latest: QuerySet[Motion]  # the latest decided or submitted motions


def overview() -> Overview:
    # 1: active municipalities grouped by derived status
    by_status = dict(
        Council.objects.active()
        .with_status()
        .values_list("status")
        .annotate(n=Count("pk"))
        .values_list("status", "n")
    )
    # 2: motions per level
    motions = Motion.objects.public().aggregate(
        municipal=Count("pk", filter=Q(level=Motion.Level.MUNICIPAL)),
        national=Count("pk", filter=Q(level=Motion.Level.NATIONAL)),
    )
    # 3 (when the page reads it): the latest decided or submitted motions, with their municipality
    latest = (
        Motion.objects.public()
        .for_list()
        .annotate(happened_on=Coalesce("decided_on", "submitted_on"))
        .filter(happened_on__isnull=False)
        .order_by("-happened_on", "-pk")[:LATEST_OUTCOMES]
    )
    return Overview(**standing(by_status), motions=motions, latest=latest)


def standing(by_status: dict[str, int]) -> dict[str, Any]:
    """Where the councils stand, for the counters and the map's legend: the
    total, and per public status its count (``counts``) and share (``counters``)."""
    total = sum(by_status.values())
    counts = [(status, by_status.get(status.value, 0)) for status in MunicipalityStatus.public()]
    counters = [
        {"status": status, "count": count, "percent": percent(count, total)}
        for status, count in counts
    ]
    return {"total": total, "counters": counters, "counts": counts}


def percent(part: int, whole: int) -> float:
    """A share in percent, to one decimal, so that 2.04 shows as "2" and 0.29 as "0,3"."""
    return round(100 * part / whole, 1) if whole else 0.0
