from django.db.models import Count, Q
from django.shortcuts import render

from motions.models import Motion
from municipalities.models import Municipality, MunicipalityStatus


def home(request):
    """What the app is and where the campaign stands, in counts."""
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
    total = sum(by_status.values())
    counts = [(status, by_status.get(status.value, 0)) for status in reversed(MunicipalityStatus)]
    return render(
        request,
        "home.html",
        {
            "total": total,
            "counts": [(s, n) for s, n in counts if s != MunicipalityStatus.CONTACTED],
            "motions": motions,
        },
    )
