"""The import of the municipal boundaries CBS and Kadaster publish every year
(GeoJSON, RD New or WGS84): checked whole, simplified, rounded and stored per
municipality and year in one transaction; a second run changes nothing."""

import functools
import json
import re
from collections.abc import Iterable
from dataclasses import dataclass, field

import shapely
from django.conf import settings
from django.db import transaction
from pyproj import Transformer

from .models import Boundary, Municipality
from .signals import register_imported
from .sources import ReferenceDataError, decode, default_source, invalid, read_source

MUNICIPALITY_CODE = re.compile(r"GM\d{4}")
RD_NEW = "EPSG:28992"
WGS84 = "EPSG:4326"
DEFAULT_TOLERANCE = 0.0005  # degrees: about 35 m east-west, 55 m north-south here
COORDINATE_DECIMALS = 4  # about 10 m, finer than the simplification


@dataclass
class BoundarySummary:
    year: int
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    unmatched: list[str] = field(default_factory=list)

    def __str__(self) -> str:
        text = (
            f"Grenzen {self.year}: {self.created} nieuw, {self.updated} bijgewerkt, "
            f"{self.unchanged} ongewijzigd; {len(self.unmatched)} code(s) zonder gemeente"
        )
        return f"{text}: {', '.join(self.unmatched)}." if self.unmatched else f"{text}."


def _feature(feature: object) -> tuple[str, shapely.Geometry]:
    if not isinstance(feature, dict) or feature.get("type") != "Feature":
        raise ValueError("is geen GeoJSON-Feature")
    properties = feature.get("properties")
    code = properties.get("statcode") if isinstance(properties, dict) else None
    if not isinstance(code, str) or not MUNICIPALITY_CODE.fullmatch(code):
        raise ValueError(f"statcode ontbreekt of is ongeldig ({code!r}; verwacht zoals GM0014)")
    geometry = feature.get("geometry")
    if not isinstance(geometry, dict):
        raise ValueError(f"{code} heeft geen geometrie")
    if geometry.get("type") not in ("Polygon", "MultiPolygon"):
        raise ValueError(
            f"{code} heeft een geometrie van type {geometry.get('type')!r} "
            "(verwacht Polygon of MultiPolygon)"
        )
    try:
        shape = shapely.from_geojson(json.dumps(geometry))
    except shapely.errors.ShapelyError as exc:
        raise ValueError(f"{code} heeft onbruikbare coördinaten ({exc})") from None
    if shape.is_empty:
        raise ValueError(f"{code} heeft een lege geometrie")
    return code, shape


def _in_box(bounds: Iterable[float], box: tuple[float, float, float, float]) -> bool:
    minx, miny, maxx, maxy = bounds
    return box[0] <= minx and maxx <= box[2] and box[1] <= miny and maxy <= box[3]


WGS84_NETHERLANDS = (3.0, 50.0, 8.0, 54.0)  # lon, lat
RD_NETHERLANDS = (0.0, 300_000.0, 300_000.0, 650_000.0)  # metres


def _source_crs(collection: dict, shapes: list[shapely.Geometry], source: str) -> str:
    """RD New or WGS84: from the ``crs`` member, else from the coordinates' size."""
    crs = collection.get("crs")
    if crs is not None:
        properties = crs.get("properties") if isinstance(crs, dict) else None
        name = str(properties.get("name", "")) if isinstance(properties, dict) else ""
        if "28992" in name:
            return RD_NEW
        if "4326" in name or "CRS84" in name:
            return WGS84
        raise ReferenceDataError(
            f"{source}: onbekend coördinatenstelsel {name!r} (verwacht WGS84 of RD New, "
            "EPSG:28992); er is niets veranderd."
        )
    bounds = shapely.total_bounds(shapes)
    if _in_box(bounds, WGS84_NETHERLANDS):
        return WGS84
    if _in_box(bounds, RD_NETHERLANDS):
        return RD_NEW
    raise ReferenceDataError(
        f"{source}: de coördinaten passen niet bij WGS84 (lengte 3..8, breedte 50..54) of "
        "RD New (x 0..300000, y 300000..650000); er is niets veranderd."
    )


@functools.cache
def _rd_to_wgs84() -> Transformer:
    return Transformer.from_crs(RD_NEW, WGS84, always_xy=True)


def parse_boundaries(
    data: bytes, source: str = "het bestand", tolerance: float = DEFAULT_TOLERANCE
) -> dict[str, dict]:
    """CBS code -> GeoJSON geometry in WGS84, simplified by ``tolerance``
    degrees and rounded to COORDINATE_DECIMALS, from a FeatureCollection."""
    try:
        collection = json.loads(decode(data, source))
    except json.JSONDecodeError as exc:
        raise ReferenceDataError(
            f"{source} is geen JSON (regel {exc.lineno}: {exc.msg}); er is niets veranderd."
        ) from exc
    if (
        not isinstance(collection, dict)
        or collection.get("type") != "FeatureCollection"
        or not isinstance(collection.get("features"), list)
    ):
        raise ReferenceDataError(
            f"{source} is geen GeoJSON-FeatureCollection; er is niets veranderd."
        )
    codes: list[str] = []
    shapes: list[shapely.Geometry] = []
    errors: list[str] = []
    seen: dict[str, int] = {}
    for number, feature in enumerate(collection["features"], start=1):
        try:
            code, shape = _feature(feature)
        except ValueError as exc:
            errors.append(f"object {number}: {exc}")
            continue
        if code in seen:
            errors.append(f"object {number}: {code} kwam al voor bij object {seen[code]}")
        seen[code] = number
        codes.append(code)
        shapes.append(shape)
    if not errors and not shapes:
        errors.append("het bestand bevat geen gebieden")
    if errors:
        raise invalid(source, errors)

    in_wgs84 = (
        shapely.transform(
            shapes,
            # types-shapely knows only the interleaved signature: f(coordinates).
            _rd_to_wgs84().transform,  # type: ignore[arg-type]
            interleaved=False,
        )
        if _source_crs(collection, shapes, source) == RD_NEW
        else shapes
    )
    if not _in_box(shapely.total_bounds(in_wgs84), WGS84_NETHERLANDS):
        raise ReferenceDataError(
            f"{source}: de gebieden liggen niet in Nederland; klopt het coördinatenstelsel? "
            "Er is niets veranderd."
        )
    simplified = shapely.simplify(in_wgs84, tolerance, preserve_topology=True)
    rounded = shapely.transform(simplified, lambda xy: xy.round(COORDINATE_DECIMALS))
    return {
        code: json.loads(text)
        for code, text in zip(codes, shapely.to_geojson(rounded), strict=True)
    }


def import_boundaries(
    source: str | None = None, year: int | None = None, tolerance: float = DEFAULT_TOLERANCE
) -> BoundarySummary:
    """Store one simplified WGS84 boundary per municipality for ``year``, matched
    by CBS code; codes without a municipality are listed, not fatal."""
    source = source or default_source(settings.REFERENCE_BOUNDARIES_FILE)
    year = settings.REFERENCE_BOUNDARIES_YEAR if year is None else year
    if not 1800 <= year <= 2200:
        raise ReferenceDataError(f"Ongeldig jaar {year}.")
    if tolerance < 0:
        raise ReferenceDataError(f"De tolerantie kan niet negatief zijn ({tolerance}).")
    geometries = parse_boundaries(read_source(source), source, tolerance)
    summary = BoundarySummary(year=year)
    with transaction.atomic():
        ids = dict(Municipality.objects.filter(code__in=geometries).values_list("code", "pk"))
        existing = {
            b.municipality_id: b
            for b in Boundary.objects.filter(year=year, municipality_id__in=ids.values())
        }
        new, changed = [], []
        for code, geometry in sorted(geometries.items()):
            municipality_id = ids.get(code)
            if municipality_id is None:
                summary.unmatched.append(code)
                continue
            boundary = existing.get(municipality_id)
            if boundary is None:
                new.append(Boundary(municipality_id=municipality_id, year=year, geometry=geometry))
            elif boundary.geometry != geometry:
                boundary.geometry = geometry
                changed.append(boundary)
            else:
                summary.unchanged += 1
        Boundary.objects.bulk_create(new)
        Boundary.objects.bulk_update(changed, ["geometry"])
    register_imported.send(sender=Municipality)  # bulk writes send no post_save
    summary.created, summary.updated = len(new), len(changed)
    return summary
