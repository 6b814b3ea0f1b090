from django.http import Http404
from django.shortcuts import get_object_or_404, render

from .models import Motion


def detail(request, pk: int):
    motion = get_object_or_404(Motion.objects.public().for_list(), pk=pk)
    return render(request, "motions/detail.html", {"motion": motion})


def motion_list(request):
    raise Http404


def model_motion(request):
    raise Http404


def model_motion_download(request, slug: str):
    raise Http404
