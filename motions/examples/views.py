"""The example motion's page, filled in for a chosen municipality, and its downloads."""

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.http import content_disposition_header

from kinderpardon.lists import paginate
from kinderpardon.page_cache import public_page
from motions.models import Motion

from .documents import FilledModelMotion, shown_model_motions
from .forms import DownloadForm, MunicipalityForm


@public_page
def model_motion(request: HttpRequest) -> HttpResponse:
    """The example motion(s) to read, filled in for a chosen municipality, with
    downloads and the adopted motions a council member can cite (a page at a
    time, so the page stays as fast with a thousand of them)."""
    form = MunicipalityForm(request.GET if "gemeente" in request.GET else None)
    municipality = form.cleaned_data["gemeente"] if form.is_valid() else None
    adopted = Motion.objects.public().municipal().adopted().for_list().newest_first()
    return render(
        request,
        "motions/examples/model_motion.html",
        {
            "form": form,
            "municipality": municipality,
            "model_motions": [FilledModelMotion(m, municipality) for m in shown_model_motions()],
            "adopted": paginate(request, adopted),
        },
    )


@public_page
def model_motion_download(request: HttpRequest, slug: str) -> HttpResponse:
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
