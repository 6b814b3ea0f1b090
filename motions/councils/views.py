"""The public pages of where the councils stand: the home page, the list of
municipalities and each municipality's page."""

from typing import Any

from django.db.models import Count, Q
from django.db.models.functions import Coalesce
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils.safestring import SafeString

from kinderpardon.lists import paginate
from motions.maps.render import municipality_outline
from motions.models import Council, Motion, MunicipalityStatus
from municipalities.models import Faction, Municipality

from .filters import MunicipalityFilter
from .sentences import ending_sentence, origin_sentence, status_sentence

LATEST_OUTCOMES = 8


def municipality_list(request: HttpRequest) -> HttpResponse:
    municipalities = (
        Council.objects.with_status().with_latest_motion().for_list().order_by("name", "pk")
    )
    filterset = MunicipalityFilter(request.GET, queryset=municipalities)
    listing = paginate(request, filterset.qs)
    filterset.explain(listing.page.object_list)
    suggestion = "" if listing.page.paginator.count else filterset.suggestion()
    return render(
        request,
        "motions/councils/list.html",
        {"filter": filterset, "listing": listing, "suggestion": suggestion},
    )


def detail(request: HttpRequest, slug: str) -> HttpResponse:
    municipality = get_object_or_404(
        Council.objects.with_status().select_related("province"), slug=slug
    )
    motions = list(
        Motion.objects.public()
        .for_municipality(municipality)
        .newest_first()
        .prefetch_related("events")  # in their Meta order: oldest first
    )
    deciding = deciding_motion(municipality, motions)
    return render(
        request,
        "motions/councils/detail.html",
        {
            "municipality": municipality,
            "motions": motions,
            "status_sentence": status_sentence(municipality, deciding),
            "ending": ending(municipality),
            "factions": list(Faction.objects.of_council(municipality)),
            "origins": origins(municipality),
            "outline": municipality_outline(municipality),
        },
    )


def deciding_motion(municipality: Council, motions: list[Motion]) -> Motion | None:
    """The motion that gives the municipality its status: the newest of that rank."""
    return next(
        (m for m in motions if Motion.MUNICIPALITY_STATUS.get(m.status) == municipality.status),
        None,
    )


def ending(municipality: Council) -> str:
    """What became of a municipality that has ended, in a sentence; "" otherwise."""
    if municipality.is_active or not municipality.dissolved_on:
        return ""
    return ending_sentence(municipality, list(municipality.successions.select_related("successor")))


def origins(municipality: Council) -> list[SafeString]:
    """The municipality's ended predecessors, the latest ending first, a sentence each."""
    predecessors = (
        municipality.origins.filter(predecessor__in=Municipality.objects.dissolved())
        .select_related("predecessor", "successor")
        .order_by("-predecessor__dissolved_on", "predecessor__name")
    )
    return [origin_sentence(origin) for origin in predecessors]


def home(request: HttpRequest) -> HttpResponse:
    """What the campaign asks, where the councils stand, and what happened last."""
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
    # 3: the latest decided or submitted motions, with their municipality
    latest = (
        Motion.objects.public()
        .for_list()
        .annotate(happened_on=Coalesce("decided_on", "submitted_on"))
        .filter(happened_on__isnull=False)
        .order_by("-happened_on", "-pk")[:LATEST_OUTCOMES]
    )
    context = {**standing(by_status), "motions": motions, "latest": latest}
    return render(request, "motions/councils/home.html", context)


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
