from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils.http import content_disposition_header

from .documents import FilledModelMotion, shown_model_motions
from .forms import DownloadForm, MunicipalityForm
from .models import Motion


def detail(request, pk: int):
    motion = get_object_or_404(Motion.objects.public().for_list(), pk=pk)
    return render(request, "motions/detail.html", {"motion": motion})


def motion_list(request):
    raise Http404


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
