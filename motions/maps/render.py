"""The map's data and pictures: the GeoJSON of every municipality with its
status, the shareable PNG, a municipality's outline, and the legend.

Builds are cached in Django's cache under the public data's version
(``kinderpardon.public_data``), which every change the public can see renews,
so no process serves an outdated build.
"""

import dataclasses
import io
import json
import math
import re
from collections import Counter
from collections.abc import Callable, Iterable
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.contrib.staticfiles import finders
from django.core.cache import cache as shared_cache
from django.core.exceptions import ImproperlyConfigured
from django.db.models import (
    JSONField,
    OuterRef,
    QuerySet,
    Subquery,
)
from django.utils import formats, timezone, translation
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from PIL import Image, ImageDraw, ImageFont

from kinderpardon import public_data
from motions.models import Council, MunicipalityStatus
from motions.models.councils import StatusAnnotations
from municipalities.models import Boundary, Municipality

if TYPE_CHECKING:
    from django_stubs_ext import WithAnnotations


class MapAnnotations(StatusAnnotations):
    """A municipality on the map: its status and its latest boundary (GeoJSON), if any."""

    geometry: dict[str, Any] | None


# How long a build stays in the cache; a change renews the version sooner.
BUILD_SECONDS = 60 * 60

IMAGE_SIZE = (1200, 630)  # the social-media card size (og:image)
SUPERSAMPLE = 2  # draw at twice the size and scale down: smooth edges
# An equirectangular projection: a degree of longitude is cos(52°) as long as
# a degree of latitude in the middle of the Netherlands.
LONGITUDE_SCALE = math.cos(math.radians(52))


# Data ------------------------------------------------------------------------


def public_municipalities() -> "QuerySet[WithAnnotations[Council, StatusAnnotations]]":
    """Active municipalities with their public ``status`` and province."""
    return Council.objects.active().with_status().for_list()


def municipalities_with_geometry() -> "list[WithAnnotations[Council, MapAnnotations]]":
    """Every active municipality with ``geometry``: its latest boundary, or None. One query."""
    latest = Boundary.objects.filter(municipality=OuterRef("pk")).order_by("-year")
    return list(
        public_municipalities()
        .annotate(geometry=Subquery(latest.values("geometry")[:1], output_field=JSONField()))
        .order_by("code")
    )


def legend(statuses: Iterable[str]) -> list[tuple[MunicipalityStatus, int]]:
    """(status, number of municipalities) for every public status, in legend order."""
    counts = Counter(statuses)
    return [(status, counts[status.value]) for status in MunicipalityStatus.public()]


# The GeoJSON ---------------------------------------------------------------


def _feature(municipality: "WithAnnotations[Council, MapAnnotations]") -> dict[str, Any]:
    return {
        "type": "Feature",
        "id": municipality.code,
        "properties": {
            "code": municipality.code,
            "name": municipality.name,
            "slug": municipality.slug,
            "status": municipality.status,
            "status_label": str(municipality.status_label),
            "url": municipality.get_absolute_url(),
            "province": municipality.province.name,
        },
        "geometry": municipality.geometry,
    }


def build_geojson() -> bytes:
    """The FeatureCollection of every active municipality that has a boundary.

    Labels are in the site's language whatever the visitor's, so that one
    build serves everyone; the pages label the map in the visitor's language.
    """
    with translation.override(settings.LANGUAGE_CODE):
        features = [_feature(m) for m in municipalities_with_geometry() if m.geometry]
    collection = {"type": "FeatureCollection", "features": features}
    return json.dumps(collection, ensure_ascii=False, separators=(",", ":")).encode()


# Projection and outlines -----------------------------------------------------

Point = tuple[float, float]
Ring = list[Point]
Box = tuple[float, float, float, float]  # left, top, width, height


def polygons(geometry: dict[str, Any]) -> list[list[Ring]]:
    """The polygons of a GeoJSON Polygon or MultiPolygon, each a list of rings
    (the first one the outside) of (longitude, latitude) points."""
    if geometry["type"] == "Polygon":
        return [geometry["coordinates"]]
    return geometry["coordinates"]


@dataclasses.dataclass(frozen=True)
class Fit:
    """Projects (longitude, latitude) into a box of pixels, north up, centred."""

    scale: float
    left: float
    top: float
    west: float
    north: float

    @classmethod
    def into(cls, rings: Iterable[Ring], box: Box) -> "Fit":
        points = [point for ring in rings for point in ring]
        west, east = min(p[0] for p in points), max(p[0] for p in points)
        south, north = min(p[1] for p in points), max(p[1] for p in points)
        left, top, width, height = box
        span_x = max((east - west) * LONGITUDE_SCALE, 1e-9)
        span_y = max(north - south, 1e-9)
        scale = min(width / span_x, height / span_y)
        return cls(
            scale=scale,
            left=left + (width - span_x * scale) / 2,
            top=top + (height - span_y * scale) / 2,
            west=west,
            north=north,
        )

    def __call__(self, point: Point) -> Point:
        longitude, latitude = point[0], point[1]
        return (
            self.left + (longitude - self.west) * LONGITUDE_SCALE * self.scale,
            self.top + (self.north - latitude) * self.scale,
        )


@dataclasses.dataclass(frozen=True)
class Outline:
    """One municipality's boundary as SVG path data in a ``size``-pixel square."""

    path: str
    size: int


def outline(geometry: dict[str, Any], size: int = 200) -> Outline:
    """SVG path data (even-odd rings) for a GeoJSON geometry."""
    rings = [ring for polygon in polygons(geometry) for ring in polygon]
    fit = Fit.into(rings, (2, 2, size - 4, size - 4))
    parts = []
    for ring in rings:
        points = [fit(p) for p in ring]
        parts.append("M" + " ".join(f"{x:.1f} {y:.1f}" for x, y in points) + "Z")
    return Outline(path="".join(parts), size=size)


def municipality_outline(municipality: Municipality) -> Outline | None:
    """The outline of the municipality's latest boundary, if it has one. One query."""
    geometry = (
        Boundary.objects.filter(municipality=municipality)
        .order_by("-year")
        .values_list("geometry", flat=True)
        .first()
    )
    return outline(geometry) if geometry else None


# The image -----------------------------------------------------------------


@cache
def css_colours() -> dict[str, str]:
    """The ``--name: #rrggbb`` variables of site.css: the palette has one source."""
    path = finders.find("css/site.css")
    if path is None:
        raise ImproperlyConfigured("css/site.css not found: the map's palette is defined there.")
    return dict(re.findall(r"--([a-z-]+):\s*(#[0-9a-fA-F]{6})\b", Path(path).read_text()))


Font = ImageFont.FreeTypeFont | ImageFont.ImageFont


def _font(size: int) -> Font:
    return ImageFont.load_default(size * SUPERSAMPLE)


def _wrapped(draw: ImageDraw.ImageDraw, text: str, font: Font, width: float) -> list[str]:
    lines: list[str] = []
    for word in text.split():
        if lines and draw.textlength(f"{lines[-1]} {word}", font=font) <= width:
            lines[-1] = f"{lines[-1]} {word}"
        else:
            lines.append(word)
    return lines


def _draw_shapes(
    draw: ImageDraw.ImageDraw,
    municipalities: "list[WithAnnotations[Council, MapAnnotations]]",
    box: Box,
) -> None:
    colours = css_colours()
    shapes = [
        (polygon, colours[f"status-{m.status}"])
        for m in municipalities
        if m.geometry
        for polygon in polygons(m.geometry)
    ]
    if not shapes:
        return
    fit = Fit.into((polygon[0] for polygon, _colour in shapes), box)

    def extent(shape: tuple[list[Ring], str]) -> float:
        ring = shape[0][0]
        xs, ys = [p[0] for p in ring], [p[1] for p in ring]
        return (max(xs) - min(xs)) * (max(ys) - min(ys))

    # Largest first: a municipality enclosed by another is drawn over the
    # hole in the other's outline instead of under its fill.
    for polygon, colour in sorted(shapes, key=extent, reverse=True):
        draw.polygon(
            [fit(p) for p in polygon[0]], fill=colour, outline=colours["bg"], width=SUPERSAMPLE
        )


def _draw_legend(
    draw: ImageDraw.ImageDraw,
    municipalities: "list[WithAnnotations[Council, MapAnnotations]]",
    left: int,
) -> None:
    s = SUPERSAMPLE
    colours = css_colours()
    width = (IMAGE_SIZE[0] - 40) * s - left
    y = 60 * s
    for text, size, gap in (
        (_("Waar staat uw gemeenteraad?"), 44, 12),
        (_("Moties voor gewortelde kinderen, per gemeente"), 26, 40),
    ):
        font = _font(size)
        for line in _wrapped(draw, text, font, width):
            draw.text((left, y), line, font=font, fill=colours["fg"])
            y += round(size * 1.25) * s
        y += gap * s
    font = _font(26)
    for status, count in legend(m.status for m in municipalities):
        draw.rectangle(
            (left, y, left + 34 * s, y + 34 * s),
            fill=colours[f"status-{status}"],
            outline="#767676",
        )
        draw.text(
            (left + 50 * s, y + 2 * s), capfirst(str(status.label)), font=font, fill=colours["fg"]
        )
        draw.text((left + width, y + 2 * s), str(count), font=font, fill=colours["fg"], anchor="ra")
        y += 54 * s
    today = formats.date_format(timezone.localdate(), "j F Y")
    footer = _("Stand op %(date)s · Motietracker · kaartgegevens CBS/Kadaster") % {"date": today}
    font = _font(20)
    bottom = (IMAGE_SIZE[1] - 40) * s
    for line in reversed(_wrapped(draw, footer, font, width)):
        draw.text((left, bottom), line, font=font, fill=colours["muted"], anchor="ls")
        bottom -= 28 * s


def build_image() -> bytes:
    """The map as a PNG card: the country on the left, title and legend with counts on the right."""
    s = SUPERSAMPLE
    width, height = IMAGE_SIZE
    municipalities = municipalities_with_geometry()
    image = Image.new("RGB", (width * s, height * s), css_colours()["bg"])
    draw = ImageDraw.Draw(image)
    with translation.override(settings.LANGUAGE_CODE):
        _draw_shapes(draw, municipalities, (20 * s, 15 * s, 580 * s, 600 * s))
        _draw_legend(draw, municipalities, left=640 * s)
    image = image.resize((width, height), Image.Resampling.LANCZOS)
    output = io.BytesIO()
    image.save(output, format="PNG", optimize=True)
    return output.getvalue()


# Serving builds --------------------------------------------------------------


@dataclasses.dataclass(frozen=True)
class Build:
    """A built body and its type; what the cache holds."""

    body: bytes
    content_type: str


# This process's copy of the last build of each kind, with its cache key: the
# PNG takes about 0.4 s to draw, and the GeoJSON is 195 KB to fetch from Redis.
_builds: dict[str, tuple[str, Build]] = {}


def cached_build(name: str, make: Callable[[], bytes], content_type: str) -> Build:
    """The build of ``make`` for the current data: this process's copy, the one
    another process put in the shared cache, or made now. The cache key has the
    public data's version, read first, so a change makes every process build
    afresh (or take the build another process made). Validators and
    compression come from the page cache (``kinderpardon/page_cache.py``)."""
    key = f"map:{name}:{public_data.version()}"
    if (copy := _builds.get(name)) is not None and copy[0] == key:
        return copy[1]
    build = shared_cache.get(key)
    if build is None:
        build = Build(body=make(), content_type=content_type)
        shared_cache.set(key, build, BUILD_SECONDS)
    _builds[name] = (key, build)
    return build
