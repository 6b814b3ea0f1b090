from django.db.models import Prefetch, Q
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils.http import content_disposition_header

from kinderpardon.dates import DatePrecision
from kinderpardon.lists import paginate
from kinderpardon.uploads import download

from .documents import FilledModelMotion, shown_model_motions
from .filters import MotionFilter
from .forms import DownloadForm, MunicipalityForm
from .models import FactionVote, Motion, Sponsorship


def detail(request, pk: int):
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


def related_motions(motion: Motion, limit: int = 5):
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


def motion_list(request):
    motions = Motion.objects.public().for_list().newest_first()
    filterset = MotionFilter(request.GET, queryset=motions)
    listing = paginate(request, filterset.qs)
    return render(request, "motions/list.html", {"filter": filterset, "listing": listing})


def model_motion(request):
    """The example motion(s) to read, filled in for a chosen municipality, with
    downloads and the adopted motions a council member can cite."""
    form = MunicipalityForm(request.GET if "gemeente" in request.GET else None)
    municipality = form.cleaned_data["gemeente"] if form.is_valid() else None
    adopted = Motion.objects.public().municipal().adopted().for_list().newest_first()
    return render(
        request,
        "motions/model_motion.html",
        {
            "form": form,
            "municipality": municipality,
            "model_motions": [FilledModelMotion(m, municipality) for m in shown_model_motions()],
            "adopted_motions": adopted,
        },
    )


def model_motion_download(request, slug: str):
    """One example motion as .txt or .docx, filled in when ``gemeente`` is given."""
    model_motion = {m.slug: m for m in shown_model_motions()}.get(slug)
    form = DownloadForm(request.GET)
    if model_motion is None or not form.is_valid():
        raise Http404
    document = FilledModelMotion(model_motion, form.cleaned_data["gemeente"]).download(
        form.cleaned_data["formaat"]
    )
    return HttpResponse(
        document.content,
        content_type=document.content_type,
        headers={"Content-Disposition": content_disposition_header(True, document.filename)},
    )


def document(request, pk: int):
    """A public motion's attached document, served by the app itself (so it
    works without DEBUG and from object storage)."""
    motion = get_object_or_404(Motion.objects.public(), pk=pk)
    if not motion.document:
        raise Http404
    return download(motion.document, f"motie-{motion.pk}", private=False)
