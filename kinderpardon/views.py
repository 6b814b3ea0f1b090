from django.db.models import Count, Q
from django.db.models.functions import Coalesce
from django.shortcuts import render

from motions.models import Motion
from municipalities.models import Municipality, MunicipalityStatus

LATEST_OUTCOMES = 8
# The public statuses, most advanced first; "contacted" is the volunteers' own view.


def home(request):
    """What the campaign asks, where the councils stand, and what happened last."""
    # 1: active municipalities grouped by derived status
    by_status = dict(
        Municipality.objects.active()
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
    # 3: the latest decided or submitted motions, with their municipality
    latest = (
        Motion.objects.public()
        .for_list()
        .annotate(happened_on=Coalesce("decided_on", "submitted_on"))
        .filter(happened_on__isnull=False)
        .order_by("-happened_on", "-pk")[:LATEST_OUTCOMES]
    )
    total = sum(by_status.values())
    counts = [(status, by_status.get(status.value, 0)) for status in MunicipalityStatus.public()]
    counters = [
        {"status": status, "count": count, "percent": percent(count, total)}
        for status, count in counts
    ]
    return render(
        request,
        "home.html",
        {
            "total": total,
            "counters": counters,
            "counts": counts,
            "motions": motions,
            "latest": latest,
        },
    )


def percent(part: int, whole: int) -> float:
    """A share in percent, to one decimal, so that 2.04 shows as "2" and 0.29 as "0,3"."""
    return round(100 * part / whole, 1) if whole else 0.0
