"""The public motions: the filtered list, each motion's page and its document."""

from django.db.models import Prefetch, Q, QuerySet
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render

from kinderpardon.dates import DatePrecision
from kinderpardon.lists import paginate
from kinderpardon.page_cache import public_page
from kinderpardon.uploads import download

from .filters import MotionFilter
from .models import FactionVote, Motion, Sponsorship


@public_page
def detail(request: HttpRequest, pk: int) -> HttpResponse:
    motion = get_object_or_404(
        Motion.objects.public()
        .for_list()
        .prefetch_related(
            Prefetch(
                "sponsorships",
                queryset=Sponsorship.objects.select_related("faction__party", "party"),
            ),
            Prefetch(
                "faction_votes", queryset=FactionVote.objects.select_related("faction__party")
            ),
            "events",
            "sources",
        ),
        pk=pk,
    )
    return render(
        request, "motions/detail.html", {"motion": motion, "related": related_motions(motion)}
    )


def related_motions(motion: Motion, limit: int = 5) -> QuerySet[Motion]:
    """Other motions of the same council (or of the Tweede Kamer), or decided
    in the same month; never a month guessed from a date known only as a year."""
    if motion.municipality_id:
        related = Q(municipality_id=motion.municipality_id)
    else:
        related = Q(level=Motion.Level.NATIONAL)
    if motion.decided_on and motion.decided_precision != DatePrecision.YEAR:
        related |= Q(
            decided_on__year=motion.decided_on.year, decided_on__month=motion.decided_on.month
        ) & ~Q(decided_precision=DatePrecision.YEAR)
    return (
        Motion.objects.public().for_list().filter(related).exclude(pk=motion.pk).newest_first()
    )[:limit]


@public_page
def motion_list(request: HttpRequest) -> HttpResponse:
    motions = Motion.objects.public().for_list().newest_first()
    filterset = MotionFilter(request.GET, queryset=motions)
    listing = paginate(request, filterset.qs)
    return render(request, "motions/list.html", {"filter": filterset, "listing": listing})


def document(request: HttpRequest, pk: int) -> FileResponse:
    """A public motion's attached document, served by the app itself (so it
    works without DEBUG and from object storage)."""
    motion = get_object_or_404(Motion.objects.public(), pk=pk)
    if not motion.document:
        raise Http404
    return download(motion.document, f"motie-{motion.pk}", private=False)
