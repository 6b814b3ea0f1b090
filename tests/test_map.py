"""The public map: its GeoJSON data, the page with its table, the embeddable
version, the shareable image and a municipality's outline."""

import datetime
import gzip
import io
import json

import pytest
from django.urls import reverse
from PIL import Image

from motions.facts import MUNICIPAL_MOTIONS
from motions.maps import render as maps
from motions.models import Council, Motion, MunicipalityStatus
from municipalities.models import Boundary, ContactMoment

from .conftest import ARTIFACTS, make_faction, make_motion, make_municipality

pytestmark = pytest.mark.django_db

ADOPTED_IN_THE_LETTER = {
    "Maastricht",
    "Heerlen",
    "Beekdaelen",
    "Amsterdam",
    "Amersfoort",
    "Kampen",
    "Culemborg",
}
DATA_URL = reverse("motions:map_data")
IMAGE_URL = reverse("motions:map_image")
MAP_URL = reverse("motions:map")
EMBED_URL = reverse("motions:map_embed")


def square(west: float = 5.0, south: float = 52.0, size: float = 0.1) -> dict:
    east, north = west + size, south + size
    ring = [[west, south], [east, south], [east, north], [west, north], [west, south]]
    return {"type": "Polygon", "coordinates": [ring]}


def make_mapped_municipality(status=None, **kwargs):
    """A municipality with a boundary and, when ``status`` is given, a motion."""
    municipality = make_municipality(**kwargs)
    Boundary.objects.create(municipality=municipality, year=2025, geometry=square())
    if status is not None:
        make_motion(municipality=municipality, status=status)
    return municipality


def contact(municipality, **kwargs) -> ContactMoment:
    """A volunteer's e-mail to the council: private, and never a public status."""
    kwargs.setdefault("date", datetime.date(2025, 5, 1))
    kwargs.setdefault("channel", ContactMoment.Channel.EMAIL)
    kwargs.setdefault("direction", ContactMoment.Direction.SENT)
    kwargs.setdefault("summary", "Brief verstuurd")
    return ContactMoment.objects.create(municipality=municipality, **kwargs)


def features(response) -> list[dict]:
    assert response["Content-Type"] == "application/geo+json"
    return json.loads(response.content)["features"]


# The data endpoint -----------------------------------------------------------


def test_data_has_one_feature_per_municipality_of_2025(client, campaign_data):
    response = client.get(DATA_URL)

    assert response.status_code == 200
    found = features(response)
    assert len(found) == 342
    assert len({f["properties"]["code"] for f in found}) == 342


def test_data_marks_the_seven_adopted_municipalities_of_the_letter(client, campaign_data):
    assert {fact.name for fact in MUNICIPAL_MOTIONS} == ADOPTED_IN_THE_LETTER

    found = features(client.get(DATA_URL))

    adopted = {f["properties"]["name"] for f in found if f["properties"]["status"] == "adopted"}
    assert adopted == ADOPTED_IN_THE_LETTER
    others = {f["properties"]["status"] for f in found} - {"adopted"}
    assert others == {"none"}


def test_feature_carries_code_name_slug_status_link_and_province(client, campaign_data):
    found = features(client.get(DATA_URL))

    amsterdam = next(f for f in found if f["properties"]["code"] == "GM0363")
    assert amsterdam["properties"] == {
        "code": "GM0363",
        "name": "Amsterdam",
        "slug": "amsterdam",
        "status": "adopted",
        "status_label": "motie aangenomen",
        "url": reverse("motions:municipality", kwargs={"slug": "amsterdam"}),
        "province": "Noord-Holland",
    }
    assert amsterdam["geometry"]["type"] in ("Polygon", "MultiPolygon")


def test_data_holds_no_personal_data(client, campaign_data):
    amsterdam = Boundary.objects.get(municipality__code="GM0363").municipality
    amsterdam.griffie_email = "griffie.geheim@example.org"
    amsterdam.save()
    faction = make_faction(
        municipality=amsterdam,
        chair_name="Voorzitter Verborgen",
        chair_email="voorzitter.geheim@example.org",
        chair_phone="06-12345678",
    )
    contact(
        amsterdam,
        faction=faction,
        contact_name="Contact Verborgen",
        contact_email="contact.geheim@example.org",
        summary="Notitie die niemand mag zien",
    )

    body = client.get(DATA_URL).content.decode()

    for private in (
        "griffie.geheim",
        "Voorzitter Verborgen",
        "voorzitter.geheim",
        "06-12345678",
        "Contact Verborgen",
        "contact.geheim",
        "niemand mag zien",
    ):
        assert private not in body


def test_contacted_municipality_is_shown_without_a_motion(client):
    municipality = make_mapped_municipality()
    contact(municipality)

    (feature,) = features(client.get(DATA_URL))

    assert feature["properties"]["status"] == MunicipalityStatus.NONE


def test_dissolved_municipality_is_never_drawn(client):
    kept = make_mapped_municipality()
    make_mapped_municipality(dissolved_on=datetime.date(2023, 1, 1))

    found = features(client.get(DATA_URL))

    assert [f["properties"]["code"] for f in found] == [kept.code]


def test_data_uses_the_latest_boundary(client):
    municipality = make_mapped_municipality()
    Boundary.objects.create(municipality=municipality, year=2026, geometry=square(west=6.0))

    (feature,) = features(client.get(DATA_URL))

    assert feature["geometry"] == square(west=6.0)


def test_municipality_without_boundary_is_left_out_of_the_data(client):
    make_municipality()

    assert features(client.get(DATA_URL)) == []


def test_data_is_gzipped_when_the_browser_accepts_it(client):
    make_mapped_municipality()
    plain = client.get(DATA_URL)

    response = client.get(DATA_URL, headers={"accept-encoding": "gzip, deflate, br"})

    assert response["Content-Encoding"] == "gzip"
    assert gzip.decompress(response.content) == plain.content
    assert "Accept-Encoding" in response["Vary"]
    assert response["ETag"] == plain["ETag"]


def test_data_is_plain_when_gzip_is_not_accepted(client):
    make_mapped_municipality()

    response = client.get(DATA_URL, headers={"accept-encoding": "identity"})

    assert not response.has_header("Content-Encoding")
    assert "Accept-Encoding" in response["Vary"]


def test_data_may_be_cached_publicly_and_revalidated(client):
    response = client.get(DATA_URL)

    assert response["Cache-Control"] == "public, max-age=0, must-revalidate"
    assert response.has_header("Last-Modified")


@pytest.mark.parametrize("url", [DATA_URL, IMAGE_URL])
def test_matching_etag_gets_304(client, url):
    make_mapped_municipality()
    etag = client.get(url)["ETag"]

    response = client.get(url, headers={"if-none-match": etag})

    assert response.status_code == 304
    assert response.content == b""
    assert response["ETag"] == etag


def test_unchanged_since_last_modified_gets_304(client):
    make_mapped_municipality()
    last_modified = client.get(DATA_URL)["Last-Modified"]

    response = client.get(DATA_URL, headers={"if-modified-since": last_modified})

    assert response.status_code == 304


def test_saving_a_motion_with_another_status_changes_the_etag(client):
    municipality = make_mapped_municipality()
    motion = make_motion(municipality=municipality, status=Motion.Status.SUBMITTED)
    before = client.get(DATA_URL)

    motion.status = Motion.Status.ADOPTED
    motion.decided_on = datetime.date(2025, 6, 1)
    motion.save()
    response = client.get(DATA_URL, headers={"if-none-match": before["ETag"]})

    assert response.status_code == 200
    assert response["ETag"] != before["ETag"]
    assert features(response)[0]["properties"]["status"] == "adopted"


def test_deleting_a_motion_changes_the_etag(client):
    municipality = make_mapped_municipality()
    motion = make_motion(municipality=municipality, status=Motion.Status.ADOPTED)
    before = client.get(DATA_URL)

    motion.delete()
    response = client.get(DATA_URL, headers={"if-none-match": before["ETag"]})

    assert response.status_code == 200
    assert features(response)[0]["properties"]["status"] == "none"


def test_new_boundary_changes_the_etag(client):
    municipality = make_municipality()
    before = client.get(DATA_URL)

    Boundary.objects.create(municipality=municipality, year=2025, geometry=square())
    response = client.get(DATA_URL, headers={"if-none-match": before["ETag"]})

    assert response.status_code == 200
    assert len(features(response)) == 1


def test_boundary_corrected_in_place_changes_the_etag(client):
    municipality = make_mapped_municipality()
    before = client.get(DATA_URL)

    boundary = municipality.boundaries.get()
    boundary.geometry = square(west=4.0)
    boundary.save()
    response = client.get(DATA_URL, headers={"if-none-match": before["ETag"]})

    assert response.status_code == 200


def test_a_boundary_import_changes_the_etag(client):
    from municipalities.boundaries import import_boundaries
    from municipalities.register import import_municipalities

    import_municipalities(as_of=datetime.date(2025, 1, 1))
    before = client.get(DATA_URL)

    import_boundaries(year=2025)
    response = client.get(DATA_URL, headers={"if-none-match": before["ETag"]})

    assert response.status_code == 200
    assert len(features(response)) == 342


def test_renamed_municipality_changes_the_etag(client):
    municipality = make_mapped_municipality(name="Oudnaam")
    before = client.get(DATA_URL)

    municipality.name = "Nieuwe naam"
    municipality.save()
    response = client.get(DATA_URL, headers={"if-none-match": before["ETag"]})

    assert response.status_code == 200
    assert features(response)[0]["properties"]["name"] == "Nieuwe naam"


@pytest.mark.parametrize("size", [3, 30])
def test_data_query_count_does_not_grow(client, django_assert_num_queries, size):
    for _ in range(size):
        make_mapped_municipality(status=Motion.Status.ADOPTED)
    # 1: municipalities with status, province and boundary (the version is in the cache)
    with django_assert_num_queries(1):
        assert len(features(client.get(DATA_URL))) == size
    # none: the build comes from the cache
    with django_assert_num_queries(0):
        assert client.get(DATA_URL).status_code == 200


# The map page ---------------------------------------------------------------


def test_map_page_shows_the_map_legend_and_table(client):
    adopted = make_mapped_municipality(status=Motion.Status.ADOPTED, name="Aangenomenstad")
    make_mapped_municipality(status=Motion.Status.SUBMITTED)
    make_mapped_municipality()

    response = client.get(MAP_URL)

    assert response.status_code == 200
    html = response.content.decode()
    assert f'data-geojson-url="{DATA_URL}"' in html
    assert "<caption>3 gemeenten met de stand van de motie</caption>" in " ".join(html.split())
    assert f'<a href="{adopted.get_absolute_url()}">Aangenomenstad</a>' in html
    assert response.context["counts"] == [
        (MunicipalityStatus.ADOPTED, 1),
        (MunicipalityStatus.PENDING, 1),
        (MunicipalityStatus.REJECTED, 0),
        (MunicipalityStatus.NONE, 1),
    ]
    assert '<label for="map-province">Zoom naar provincie</label>' in html


def test_map_page_loads_leaflet_and_its_script_from_this_site(client, settings):
    settings.SITE_URL = "https://motietracker.example"
    html = client.get(MAP_URL).content.decode()

    assert '<script src="/static/leaflet/leaflet.js" defer></script>' in html
    assert '<script src="/static/js/map.js" defer></script>' in html
    assert "<script>" not in html
    assert "http://" not in html
    assert "https://" not in html.replace("https://motietracker.example/", "")


def test_map_page_lists_municipalities_without_boundary(client):
    make_mapped_municipality(name="Met grens")
    make_municipality(name="Zonder grens")

    response = client.get(MAP_URL)

    assert [m.name for m in response.context["without_boundary"]] == ["Zonder grens"]
    assert "Niet op de kaart" in response.content.decode()


def test_map_page_leaves_out_dissolved_municipalities(client):
    make_mapped_municipality(name="Bestaat")
    make_mapped_municipality(name="Opgeheven", dissolved_on=datetime.date(2023, 1, 1))

    response = client.get(MAP_URL)

    assert [m.name for m in response.context["municipalities"]] == ["Bestaat"]
    assert "Opgeheven" not in response.content.decode()


def test_map_page_shares_the_image_on_the_site_address_whatever_the_host_header(client, settings):
    settings.ALLOWED_HOSTS = ["testserver", "alias.example"]
    settings.SITE_URL = "https://motietracker.example"
    html = client.get(MAP_URL, HTTP_HOST="alias.example").content.decode()

    assert f'<meta property="og:image" content="https://motietracker.example{IMAGE_URL}">' in html
    assert "alias.example" not in html


def test_map_page_may_not_be_framed(client):
    assert client.get(MAP_URL)["X-Frame-Options"] == "DENY"


@pytest.mark.parametrize("size", [3, 30])
@pytest.mark.parametrize("url", [MAP_URL, EMBED_URL])
def test_map_page_and_embed_query_count_does_not_grow(client, django_assert_num_queries, url, size):
    for _ in range(size):
        make_mapped_municipality(status=Motion.Status.ADOPTED)
    # The page, 1: municipalities with status, province and whether they have a boundary.
    # The embed, 1: the status of every active municipality, for the legend.
    with django_assert_num_queries(1):
        assert client.get(url).status_code == 200


# The embeddable map ----------------------------------------------------------


def test_embed_may_be_framed_by_other_sites(client):
    response = client.get(EMBED_URL)

    assert response.status_code == 200
    assert not response.has_header("X-Frame-Options")


def test_embed_has_map_legend_and_attribution_without_site_navigation(client, settings):
    settings.SITE_URL = "https://motietracker.example"
    make_mapped_municipality(status=Motion.Status.ADOPTED)

    response = client.get(EMBED_URL)

    html = " ".join(response.content.decode().split())
    assert "data-map" in html
    assert (
        f'<a href="https://motietracker.example{MAP_URL}" target="_blank" rel="noopener">'
        "Motietracker</a>" in html
    )
    assert "kaartgegevens CBS/Kadaster" in html
    assert 'data-link-target="_blank"' in html
    assert "Hoofdmenu" not in html
    assert response.context["counts"][0] == (MunicipalityStatus.ADOPTED, 1)


# The shareable image ---------------------------------------------------------


def image_of(response) -> Image.Image:
    assert response.status_code == 200
    assert response["Content-Type"] == "image/png"
    return Image.open(io.BytesIO(response.content))


def test_image_is_a_png_card_of_the_campaign_data(client, campaign_data):
    response = client.get(IMAGE_URL)
    image = image_of(response)
    ARTIFACTS.mkdir(exist_ok=True)
    (ARTIFACTS / "map-card.png").write_bytes(response.content)

    assert image.format == "PNG"
    assert image.size == maps.IMAGE_SIZE
    adopted = tuple(int(maps.css_colours()["status-adopted"][i : i + 2], 16) for i in (1, 3, 5))
    counted = image.convert("RGB").getcolors(1_000_000)
    assert counted is not None
    colours = {colour for _count, colour in counted}
    assert adopted in colours


def test_image_changes_when_a_status_changes(client):
    municipality = make_mapped_municipality()
    before = client.get(IMAGE_URL)

    make_motion(municipality=municipality, status=Motion.Status.ADOPTED)
    response = client.get(IMAGE_URL, headers={"if-none-match": before["ETag"]})

    assert response.status_code == 200
    assert response["ETag"] != before["ETag"]
    assert response.content != before.content


def test_image_is_not_gzipped(client):
    response = client.get(IMAGE_URL, headers={"accept-encoding": "gzip"})

    assert not response.has_header("Content-Encoding")


def test_palette_comes_from_the_stylesheet():
    colours = maps.css_colours()

    assert {f"status-{s.value}" for s in MunicipalityStatus} <= set(colours)
    assert colours["status-adopted"] == "#0072b2"


# A municipality's outline ----------------------------------------------------


def test_outline_draws_a_square_boundary_as_svg_path_data():
    result = maps.outline(square(), size=100)

    assert result.size == 100
    assert result.path.startswith("M") and result.path.endswith("Z")
    assert result.path.count("M") == 1


def test_outline_draws_every_ring_of_a_multipolygon():
    geometry = {
        "type": "MultiPolygon",
        "coordinates": [square()["coordinates"], square(west=5.3)["coordinates"]],
    }

    assert maps.outline(geometry).path.count("M") == 2


def test_municipality_outline_uses_the_latest_boundary(django_assert_num_queries):
    municipality = make_mapped_municipality()
    Boundary.objects.create(municipality=municipality, year=2026, geometry=square(size=0.2))

    # 1: the latest boundary
    with django_assert_num_queries(1):
        result = maps.municipality_outline(municipality)

    assert result == maps.outline(square(size=0.2))


def test_municipality_without_boundary_has_no_outline():
    assert maps.municipality_outline(make_municipality()) is None


def test_outline_partial_draws_the_municipality_in_its_status_colour():
    from django.template.loader import render_to_string

    make_mapped_municipality(status=Motion.Status.ADOPTED, name="Omlijnd")
    municipality = Council.objects.with_status().get(name="Omlijnd")

    html = render_to_string(
        "partials/map_municipality.html",
        {"municipality": municipality, "outline": maps.municipality_outline(municipality)},
    )

    assert 'class="map-outline status-adopted"' in html
    assert "Grens van de gemeente Omlijnd" in html


def test_small_map_partial_needs_only_the_home_pages_counts():
    from django.template.loader import render_to_string

    html = render_to_string("partials/map_small.html", {"counts": maps.legend(["adopted"])})

    assert 'data-variant="small"' in html
    assert f'href="{MAP_URL}"' in html
    assert '<span class="map-legend-count">1</span>' in html
