"""The public map: the page, its embeddable version, its GeoJSON data and a
shareable image. All four are public pages (``kinderpardon/page_cache.py``):
served from memory, gzipped where it helps, with validators so that a repeat
visit costs no query and a ``304``; the builds themselves: ``render.py``."""

from typing import Any

from django.conf import settings
from django.db.models import Exists, OuterRef
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.clickjacking import xframe_options_exempt
from django.views.decorators.http import require_safe

from kinderpardon.page_cache import public_page
from kinderpardon.site import absolute_url
from municipalities.models import Boundary

from .render import (
    IMAGE_SIZE,
    build_geojson,
    build_image,
    cached_build,
    legend,
    public_municipalities,
)


def _map_settings() -> dict[str, Any]:
    return {
        "tile_url": settings.MAP_TILE_URL,
        "tile_attribution": settings.MAP_TILE_ATTRIBUTION,
        "image_size": IMAGE_SIZE,
    }


@public_page
@require_safe
def map_page(request: HttpRequest) -> HttpResponse:
    # 1: active municipalities with status, province and whether they have a boundary
    municipalities = list(
        public_municipalities().annotate(
            has_boundary=Exists(Boundary.objects.filter(municipality=OuterRef("pk")))
        )
    )
    provinces = sorted({m.province.name for m in municipalities})
    return render(
        request,
        "motions/maps/map.html",
        {
            **_map_settings(),
            "municipalities": municipalities,
            "counts": legend(m.status for m in municipalities),
            "provinces": provinces,
            "without_boundary": [m for m in municipalities if not m.has_boundary],
            "og_image_url": absolute_url(reverse("motions:map_image")),
            "embed_url": absolute_url(reverse("motions:map_embed")),
        },
    )


@public_page
@require_safe
@xframe_options_exempt
def map_embed(request: HttpRequest) -> HttpResponse:
    """The map alone, for partner sites' iframes (exempt from X-Frame-Options)."""
    # 1: the status of every active municipality, for the legend
    statuses = public_municipalities().values_list("status", flat=True)
    return render(
        request,
        "motions/maps/embed.html",
        {
            **_map_settings(),
            "counts": legend(statuses),
            "site_url": absolute_url(reverse("motions:map")),
        },
    )


@public_page
@require_safe
def map_data(request: HttpRequest) -> HttpResponse:
    build = cached_build("geojson", build_geojson, "application/geo+json")
    return HttpResponse(build.body, content_type=build.content_type)


@public_page
@require_safe
def map_image(request: HttpRequest) -> HttpResponse:
    build = cached_build("png", build_image, "image/png")
    return HttpResponse(build.body, content_type=build.content_type)
