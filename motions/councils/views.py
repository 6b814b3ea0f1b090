"""The public pages of where the councils stand: the home page, the list of
municipalities and each municipality's page."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils.safestring import SafeString

from kinderpardon.lists import paginate
from kinderpardon.page_cache import public_page
from motions.maps.render import municipality_outline
from motions.models import Council, Motion, MunicipalityStatus
from municipalities.models import Faction, Municipality

from .filters import MunicipalityFilter
from .overview import overview
from .sentences import ending_sentence, origin_sentence, status_sentence

# A council's page shows its newest motions and links to the list for the rest.
MOTIONS_SHOWN = 10


@public_page
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


@public_page
def detail(request: HttpRequest, slug: str) -> HttpResponse:
    municipality = get_object_or_404(
        Council.objects.with_status().select_related("province"), slug=slug
    )
    motions = Motion.objects.public().for_municipality(municipality)
    newest = motions.newest_first().prefetch_related("events")  # events oldest first (Meta)
    return render(
        request,
        "motions/councils/detail.html",
        {
            "municipality": municipality,
            "motions": list(newest[:MOTIONS_SHOWN]),
            "motion_count": motions.count(),
            "status_sentence": status_sentence(municipality, deciding_motion(municipality)),
            "ending": ending(municipality),
            "factions": list(Faction.objects.of_council(municipality)),
            "origins": origins(municipality),
            "outline": municipality_outline(municipality),
        },
    )


def deciding_motion(municipality: Council) -> Motion | None:
    """The motion that gives the municipality its status: the newest of that rank."""
    deciding = Motion.statuses_giving(MunicipalityStatus(municipality.status))
    motions = Motion.objects.public().for_municipality(municipality).filter(status__in=deciding)
    return motions.newest_first().first()


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


@public_page
def home(request: HttpRequest) -> HttpResponse:
    """What the campaign asks, where the councils stand, and what happened last."""
    # The overview's fields are the template's names (total, counters, latest, ...).
    return render(request, "motions/councils/home.html", vars(overview()))
