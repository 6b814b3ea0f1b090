"""The home page says what the campaign asks and where the councils stand."""

import datetime
import re

import pytest
from django.urls import reverse

from motions.models import Motion

from .conftest import make_motion, make_municipality

pytestmark = pytest.mark.django_db


def visible_text(response) -> str:
    """The page's text without tags, whitespace collapsed."""
    return " ".join(re.sub(r"<[^>]+>", " ", response.content.decode()).split())


def test_home_page_says_what_the_campaign_asks(client):
    text = visible_text(client.get(reverse("motions:home")))

    assert (
        "KinderpardonNU vraagt daarom elke gemeenteraad een motie aan te nemen die het kabinet "
        "oproept gewortelde asielkinderen te beschermen." in text
    )


def test_home_page_counts_municipalities_per_status_with_shares(client):
    make_motion(municipality=make_municipality(), status=Motion.Status.ADOPTED)
    make_motion(municipality=make_municipality(), status=Motion.Status.SUBMITTED)
    make_municipality()
    make_municipality()

    response = client.get(reverse("motions:home"))

    assert response.status_code == 200
    text = visible_text(response)
    assert "De stand in 4 gemeenten" in text
    assert "1 Motie aangenomen 25% van de gemeenten" in text
    assert "1 Ingediend of aangehouden 25% van de gemeenten" in text
    assert "0 Verworpen of ingetrokken 0% van de gemeenten" in text
    assert "2 Geen motie bekend 50% van de gemeenten" in text


def test_home_page_counts_withdrawn_with_rejected(client):
    make_motion(municipality=make_municipality(), status=Motion.Status.WITHDRAWN)
    make_motion(municipality=make_municipality(), status=Motion.Status.REJECTED)

    text = visible_text(client.get(reverse("motions:home")))

    assert "2 Verworpen of ingetrokken 100% van de gemeenten" in text


def test_home_page_shows_shares_with_a_decimal_comma(client):
    make_motion(municipality=make_municipality())
    make_municipality()
    make_municipality()

    text = visible_text(client.get(reverse("motions:home")))

    assert "1 Motie aangenomen 33,3% van de gemeenten" in text
    assert "2 Geen motie bekend 66,7% van de gemeenten" in text


def test_home_page_counts_known_motions_per_level(client):
    make_motion(municipality=make_municipality())
    make_motion(municipality=make_municipality(), status=Motion.Status.SUBMITTED)
    make_motion(level=Motion.Level.NATIONAL)

    text = visible_text(client.get(reverse("motions:home")))

    assert "Bekende moties: 2 in gemeenteraden, 1 in de Tweede Kamer." in text


def test_home_page_ignores_dissolved_municipalities(client):
    make_municipality()
    make_motion(municipality=make_municipality(dissolved_on=datetime.date(2023, 1, 1)))

    text = visible_text(client.get(reverse("motions:home")))

    assert "De stand in 1 gemeente " in text
    assert "0 Motie aangenomen 0% van de gemeenten" in text
    assert "1 Geen motie bekend 100% van de gemeenten" in text


def test_home_page_lists_latest_outcomes_newest_first_at_their_precision(client):
    make_motion(
        municipality=make_municipality(name="Amsterdam"),
        decided_on=datetime.date(2024, 1, 1),
        decided_precision="year",
    )
    make_motion(
        municipality=make_municipality(name="Kampen"),
        decided_on=datetime.date(2025, 4, 1),
        decided_precision="month",
    )
    make_motion(
        municipality=make_municipality(name="Utrecht"),
        status=Motion.Status.SUBMITTED,
        submitted_on=datetime.date(2025, 3, 12),
        submitted_precision="day",
    )
    make_motion(
        level=Motion.Level.NATIONAL,
        decided_on=datetime.date(2025, 10, 2),
        decided_precision="day",
    )

    text = visible_text(client.get(reverse("motions:home")))

    outcomes = [
        "Tweede Kamer : Motie",
        "Aangenomen 2 oktober 2025",
        "Kampen : Motie",
        "Aangenomen april 2025",
        "Utrecht : Motie",
        "Ingediend 12 maart 2025",
        "Amsterdam : Motie",
        "Aangenomen 2024",
    ]
    positions = [text.index(part) for part in outcomes]
    assert positions == sorted(positions)


def test_home_page_links_latest_outcomes_to_their_motions(client):
    motion = make_motion(municipality=make_municipality(name="Kampen"))

    html = client.get(reverse("motions:home")).content.decode()

    assert f'<a href="{motion.get_absolute_url()}"><strong>Kampen</strong>:' in html


def test_home_page_shows_at_most_eight_latest_outcomes(client):
    for day in range(1, 11):
        make_motion(decided_on=datetime.date(2025, 5, day), decided_precision="day")

    html = client.get(reverse("motions:home")).content.decode()

    assert html.count('<div class="outcome-meta">') == 8
    assert '<span class="muted">3 mei 2025</span>' in html
    assert '<span class="muted">2 mei 2025</span>' not in html


def test_home_page_never_shows_drafts(client):
    municipality = make_municipality()
    make_motion(
        municipality=municipality,
        title="Geheim concept",
        status=Motion.Status.DRAFT,
        submitted_on=datetime.date(2025, 5, 1),
    )

    response = client.get(reverse("motions:home"))

    assert "Geheim concept" not in response.content.decode()
    assert "1 Geen motie bekend 100% van de gemeenten" in visible_text(response)


def test_home_page_links_to_map_lists_and_example_motion(client):
    html = client.get(reverse("motions:home")).content.decode()

    # Buttons in the page itself, besides the same links in the navigation.
    assert f'<a class="button" href="{reverse("motions:map")}">' in html
    assert f'<a class="button secondary" href="{reverse("motions:municipality_list")}">' in html
    assert f'<a class="button secondary" href="{reverse("motions:list")}">' in html
    assert f'<a class="button" href="{reverse("motions:model_motion")}">' in html
    assert '<div class="map-small">' in html


@pytest.mark.parametrize("size", [3, 30])
def test_home_page_query_count_does_not_grow(client, django_assert_num_queries, size):
    for _ in range(size):
        make_motion(municipality=make_municipality())
    # 1: municipalities per derived status; 2: motions per level;
    # 3: latest outcomes with their municipality
    with django_assert_num_queries(3):
        client.get(reverse("motions:home"))
