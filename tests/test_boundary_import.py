"""The import of municipality boundaries (municipalities.register)."""

import datetime
import json
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from municipalities.boundaries import import_boundaries
from municipalities.models import Boundary, Municipality
from municipalities.register import import_municipalities
from municipalities.sources import ReferenceDataError
from tests.conftest import SHARED_DATA, make_municipality

REGISTER = str(SHARED_DATA / "cbs-gemeentelijke-indeling.csv")
WGS84_FILE = str(SHARED_DATA / "gemeenten-2025-wgs84.geojson")
RD_FILE = str(SHARED_DATA / "gemeenten-2025-rd.geojson")

pytestmark = pytest.mark.django_db


@pytest.fixture
def register():
    import_municipalities(REGISTER, as_of=datetime.date(2025, 1, 1))


@pytest.fixture
def groningen():
    """Enough of a register for the small files: Groningen and Almere."""
    make_municipality(code="GM0014", name="Groningen")
    make_municipality(code="GM0034", name="Almere")


def shared_feature(code: str, path: str = WGS84_FILE) -> dict:
    with open(path, encoding="utf-8") as f:
        features = json.load(f)["features"]
    return next(f for f in features if f["properties"]["statcode"] == code)


def write_geojson(tmp_path, *features: dict, **members) -> str:
    path = tmp_path / "grenzen.geojson"
    collection = {"type": "FeatureCollection", **members, "features": list(features)}
    path.write_text(json.dumps(collection), encoding="utf-8")
    return str(path)


def coordinates(geometry: dict) -> list[list[float]]:
    polygons = geometry["coordinates"]
    if geometry["type"] == "Polygon":
        polygons = [polygons]
    return [point for polygon in polygons for ring in polygon for point in ring]


def test_wgs84_file_matches_every_municipality(register):
    summary = import_boundaries(WGS84_FILE, year=2025)

    assert (summary.created, summary.unmatched) == (342, [])
    assert Boundary.objects.filter(year=2025).count() == 342
    assert not Municipality.objects.active().filter(boundaries__isnull=True).exists()


def test_rd_file_is_stored_in_wgs84(register):
    summary = import_boundaries(RD_FILE, year=2025)

    assert (summary.created, summary.unmatched) == (342, [])
    for geometry in Boundary.objects.values_list("geometry", flat=True):
        assert geometry["type"] in ("Polygon", "MultiPolygon")
        for lon, lat in coordinates(geometry):
            assert 3 < lon < 8
            assert 50 < lat < 54


def test_rd_and_wgs84_files_give_the_same_outline(groningen, tmp_path):
    import_boundaries(write_geojson(tmp_path, shared_feature("GM0014", RD_FILE)), year=2025)
    from_rd = Boundary.objects.get().geometry

    import_boundaries(write_geojson(tmp_path, shared_feature("GM0014")), year=2024)
    from_wgs84 = Boundary.objects.get(year=2024).geometry

    for (lon_rd, lat_rd), (lon, lat) in zip(
        coordinates(from_rd)[:10], coordinates(from_wgs84)[:10], strict=True
    ):
        assert abs(lon_rd - lon) < 0.001
        assert abs(lat_rd - lat) < 0.001


def test_coordinates_are_rounded_to_four_decimals(register):
    import_boundaries(RD_FILE, year=2025)

    for geometry in Boundary.objects.values_list("geometry", flat=True):
        for lon, lat in coordinates(geometry):
            assert (round(lon, 4), round(lat, 4)) == (lon, lat)


def test_outlines_are_simplified(groningen, tmp_path):
    feature = shared_feature("GM0014")

    import_boundaries(write_geojson(tmp_path, feature), tolerance=0.002)

    stored = Boundary.objects.get().geometry
    assert 4 <= len(coordinates(stored)) < len(coordinates(feature["geometry"]))


def test_second_import_changes_nothing(register):
    import_boundaries(WGS84_FILE, year=2025)
    before = list(Boundary.objects.order_by("pk").values())

    summary = import_boundaries(WGS84_FILE, year=2025)

    assert (summary.created, summary.updated, summary.unchanged) == (0, 0, 342)
    assert list(Boundary.objects.order_by("pk").values()) == before


def test_import_for_another_year_adds_boundaries(groningen, tmp_path):
    source = write_geojson(tmp_path, shared_feature("GM0014"))
    import_boundaries(source, year=2024)

    import_boundaries(source, year=2025)

    assert sorted(Boundary.objects.values_list("year", flat=True)) == [2024, 2025]


def test_changed_outline_is_updated(groningen, tmp_path):
    feature = shared_feature("GM0014")
    import_boundaries(write_geojson(tmp_path, feature), year=2025)
    first = Boundary.objects.get().geometry
    feature["geometry"] = shared_feature("GM0034")["geometry"]

    summary = import_boundaries(write_geojson(tmp_path, feature), year=2025)

    assert (summary.created, summary.updated) == (0, 1)
    assert Boundary.objects.get().geometry != first


def test_unknown_code_is_reported_and_the_rest_stored(groningen, tmp_path):
    unknown = shared_feature("GM0014") | {"properties": {"statcode": "GM9999", "statnaam": "X"}}
    source = write_geojson(tmp_path, shared_feature("GM0014"), unknown)

    summary = import_boundaries(source, year=2025)

    assert summary.unmatched == ["GM9999"]
    assert list(Boundary.objects.values_list("municipality__code", flat=True)) == ["GM0014"]


def test_crs_member_decides_the_coordinate_system(groningen, tmp_path):
    crs = {"type": "name", "properties": {"name": "urn:ogc:def:crs:EPSG::3857"}}

    with pytest.raises(ReferenceDataError, match="onbekend coördinatenstelsel"):
        import_boundaries(write_geojson(tmp_path, shared_feature("GM0014"), crs=crs))


def test_coordinates_outside_the_netherlands_are_refused(groningen, tmp_path):
    feature = shared_feature("GM0014")
    feature["geometry"] = {"type": "Polygon", "coordinates": [[[0, 0], [1, 0], [1, 1], [0, 0]]]}

    with pytest.raises(ReferenceDataError, match="passen niet bij WGS84"):
        import_boundaries(write_geojson(tmp_path, feature))


def without_geometry() -> dict:
    return shared_feature("GM0034") | {"geometry": None}


def point() -> dict:
    return shared_feature("GM0034") | {"geometry": {"type": "Point", "coordinates": [5.2, 52.4]}}


def without_statcode() -> dict:
    return shared_feature("GM0034") | {"properties": {"statnaam": "Almere"}}


@pytest.mark.parametrize(
    ("make_feature", "message"),
    [
        (without_geometry, "object 2: GM0034 heeft geen geometrie"),
        (point, "object 2: GM0034 heeft een geometrie van type 'Point'"),
        (without_statcode, "object 2: statcode ontbreekt"),
    ],
)
def test_malformed_feature_is_named_and_nothing_is_stored(
    groningen, tmp_path, make_feature, message
):
    source = write_geojson(tmp_path, shared_feature("GM0014"), make_feature())

    with pytest.raises(ReferenceDataError, match=message):
        import_boundaries(source)

    assert not Boundary.objects.exists()


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("provinciecode;provincienaam\n20;Groningen\n", "geen JSON"),
        ('{"type": "Feature", "geometry": null}', "geen GeoJSON-FeatureCollection"),
        ('{"type": "FeatureCollection", "features": []}', "bevat geen gebieden"),
    ],
    ids=["not-json", "not-a-collection", "empty"],
)
def test_malformed_file_is_refused(groningen, tmp_path, content, message):
    path = tmp_path / "grenzen.geojson"
    path.write_text(content, encoding="utf-8")

    with pytest.raises(ReferenceDataError, match=message):
        import_boundaries(str(path))

    assert not Boundary.objects.exists()


def test_command_prints_the_summary_with_unmatched_codes(tmp_path):
    out = StringIO()

    call_command("import_boundaries", write_geojson(tmp_path, shared_feature("GM0014")), stdout=out)

    assert "Grenzen 2025: 0 nieuw" in out.getvalue()
    assert "1 code(s) zonder gemeente: GM0014" in out.getvalue()


def test_command_turns_a_bad_file_into_a_command_error(tmp_path):
    path = tmp_path / "grenzen.geojson"
    path.write_text("geen json", encoding="utf-8")

    with pytest.raises(CommandError, match="geen JSON"):
        call_command("import_boundaries", str(path), "--year", "2025")
