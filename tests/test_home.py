"""The home page says what the app is and where the campaign stands."""

import pytest
from django.urls import reverse

from motions.models import Motion

from .conftest import make_motion, make_municipality

pytestmark = pytest.mark.django_db


def test_home_page_lists_counts_per_status(client):
    adopted = make_municipality()
    make_motion(municipality=adopted, status=Motion.Status.ADOPTED)
    make_motion(municipality=make_municipality(), status=Motion.Status.SUBMITTED)
    make_municipality()
    make_motion(level=Motion.Level.NATIONAL)

    response = client.get(reverse("home"))

    assert response.status_code == 200
    html = response.content.decode()
    assert "3 gemeenten" in html
    assert "<th scope=\"row\">Motie aangenomen</th><td>1</td>" in html
    assert "<th scope=\"row\">Ingediend of aangehouden</th><td>1</td>" in html
    assert "<th scope=\"row\">Geen motie bekend</th><td>1</td>" in html
    assert "Bekende moties: 2 in gemeenteraden, 1 in de Tweede Kamer." in " ".join(html.split())


def test_home_page_ignores_dissolved_municipalities(client):
    make_municipality()
    make_municipality(dissolved_on="2023-01-01")

    response = client.get(reverse("home"))

    assert "1 gemeenten" in response.content.decode()


@pytest.mark.parametrize("size", [3, 30])
def test_home_page_query_count_does_not_grow(client, django_assert_num_queries, size):
    for _ in range(size):
        make_motion(municipality=make_municipality())
    # 1: municipalities per derived status; 2: motions per level
    with django_assert_num_queries(2):
        client.get(reverse("home"))
