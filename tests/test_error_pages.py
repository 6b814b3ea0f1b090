"""A refused request (403, a failed CSRF check included) and a server error
(500) get pages in the site's layout, in Dutch, and in English under /en/."""

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import translation

from workspace import roles

from .conftest import make_user

pytestmark = pytest.mark.django_db

LAYOUT = '<header class="site-header">'


def test_a_volunteer_without_permission_gets_the_dutch_403_page(volunteer_client):
    response = volunteer_client.get(reverse("workspace:users"))

    assert response.status_code == 403
    html = response.content.decode()
    assert LAYOUT in html
    assert "<h1>Geen toegang</h1>" in html
    assert "Vraag dan een coördinator om uw rol aan te passen." in html
    assert f'href="{reverse("workspace:dashboard")}">Naar de werkplaats</a>' in html


@pytest.mark.urls("tests.error_urls")
def test_the_403_page_under_en_is_english(client):
    response = client.get("/en/verboden/")

    assert response.status_code == 403
    html = response.content.decode()
    assert LAYOUT in html
    assert "<h1>Access denied</h1>" in html
    assert '<a class="brand" href="/en/">' in html
    assert "Geen toegang" not in html


@pytest.mark.parametrize(
    ("language", "heading"), [("nl", "Formulier niet verwerkt"), ("en", "Form not processed")]
)
def test_a_failed_csrf_check_gets_the_403_page_in_the_visitors_language(language, heading):
    with translation.override(language):
        form = reverse("motions:report")

    response = Client(enforce_csrf_checks=True).post(form, {"reporter_name": "Melder"})

    assert response.status_code == 403
    html = response.content.decode()
    assert LAYOUT in html
    assert f"<h1>{heading}</h1>" in html
    assert "CSRF verification failed" not in html


@pytest.mark.urls("tests.error_urls")
@pytest.mark.parametrize(
    ("path", "heading", "home"),
    [("/kapot/", "Er ging iets mis", "/"), ("/en/kapot/", "Something went wrong", "/en/")],
)
def test_a_server_error_gets_the_500_page_without_touching_the_database(
    path, heading, home, settings, django_assert_num_queries
):
    settings.DEBUG = False
    client = Client(raise_request_exception=False)

    with django_assert_num_queries(0):
        response = client.get(path)

    assert response.status_code == 500
    html = response.content.decode()
    assert LAYOUT in html
    assert f"<h1>{heading}</h1>" in html
    assert f'<a class="brand" href="{home}">' in html


@pytest.mark.urls("tests.error_urls")
def test_the_500_page_shows_nothing_of_a_logged_in_user(settings):
    """It is drawn without the request, so it cannot greet anyone, nor query
    for them when the database is what failed."""
    settings.DEBUG = False
    client = Client(raise_request_exception=False)
    client.force_login(make_user("marieke-de-vries", roles.VOLUNTEER))

    response = client.get("/kapot/")

    assert response.status_code == 500
    html = response.content.decode()
    assert "Er ging iets mis" in html
    assert "marieke-de-vries" not in html
    assert "Werkplaats</a>" not in html
