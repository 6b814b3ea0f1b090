from django.http import Http404
from django.shortcuts import get_object_or_404, render

from motions.models import Motion

from .models import Municipality


def detail(request, slug: str):
    municipality = get_object_or_404(
        Municipality.objects.with_status().select_related("province", "successor"), slug=slug
    )
    motions = Motion.objects.public().for_municipality(municipality).newest_first()
    return render(
        request,
        "municipalities/detail.html",
        {"municipality": municipality, "motions": motions},
    )


def municipality_list(request):
    raise Http404
