"""Public pages from the cache (kinderpardon/page_cache.py): served without the
database while nothing public changed, fresh at once after a change, never a
volunteer's page for a visitor, and the report form still works for everyone."""

import gzip
import re

import pytest
from django.contrib import messages
from django.contrib.messages.storage.cookie import CookieStorage
from django.db import connection
from django.http import HttpRequest, HttpResponse
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from kinderpardon import public_data
from kinderpardon.page_cache import Page, Store
from motions.models import ActionReport, Motion
from municipalities.models import ContactMoment

from .conftest import make_motion, make_municipality
from .test_report_form import valid_data

pytestmark = pytest.mark.django_db

HOME = reverse("motions:home")
FORM = reverse("motions:report")


@pytest.fixture
def utrecht():
    return make_municipality(name="Utrecht", slug="utrecht")


def municipality_url(municipality) -> str:
    return reverse("motions:municipality", args=[municipality.slug])


def test_a_repeat_visit_is_served_without_the_database(client, utrecht, django_assert_num_queries):
    first = client.get(municipality_url(utrecht))

    with django_assert_num_queries(0):
        again = Client().get(municipality_url(utrecht))

    assert again.status_code == 200
    assert again.content == first.content
    assert "Utrecht" in again.content.decode()
    assert again["Cache-Control"] == "public, max-age=0, must-revalidate"
    assert "Cookie" in again["Vary"]
    assert again["Content-Security-Policy"] == first["Content-Security-Policy"]
    assert again["X-Frame-Options"] == "DENY"


def test_a_browser_that_accepts_gzip_gets_the_page_compressed(client, utrecht):
    plain = client.get(municipality_url(utrecht))

    compressed = client.get(municipality_url(utrecht), headers={"accept-encoding": "gzip, br"})

    assert compressed["Content-Encoding"] == "gzip"
    assert gzip.decompress(compressed.content) == plain.content
    assert len(compressed.content) < len(plain.content) / 2
    assert "Accept-Encoding" in compressed["Vary"]


def test_a_browser_that_has_the_page_gets_304(client, utrecht, django_assert_num_queries):
    first = client.get(municipality_url(utrecht))
    assert first["ETag"] and first["Last-Modified"]

    with django_assert_num_queries(0):
        again = client.get(municipality_url(utrecht), headers={"if-none-match": first["ETag"]})

    assert again.status_code == 304
    assert again.content == b""


def test_a_saved_motion_shows_at_once(client, utrecht):
    motion = make_motion(municipality=utrecht, status=Motion.Status.SUBMITTED, title="Motie A")
    assert "Motie A" in client.get(municipality_url(utrecht)).content.decode()
    etag = client.get(municipality_url(utrecht))["ETag"]

    motion.title = "Motie over gewortelde kinderen"
    motion.save()

    page = client.get(municipality_url(utrecht), headers={"if-none-match": etag})
    assert page.status_code == 200
    assert "Motie over gewortelde kinderen" in page.content.decode()
    assert "Motie A" not in page.content.decode()


def test_a_change_through_update_shows_at_once_when_it_renews(client, utrecht):
    """Bulk writes send no signal; the code that makes them renews the version."""
    make_motion(municipality=utrecht, title="Motie A")
    client.get(municipality_url(utrecht))

    Motion.objects.filter(municipality=utrecht).update(title="Motie B")
    public_data.renew()

    assert "Motie B" in client.get(municipality_url(utrecht)).content.decode()


def test_a_contact_moment_keeps_the_pages_cached(client, utrecht, django_assert_num_queries):
    client.get(HOME)

    ContactMoment.objects.create(municipality=utrecht, date="2025-04-01", summary="Gebeld")

    with django_assert_num_queries(0):
        assert client.get(HOME).status_code == 200


def test_a_logged_in_volunteer_never_gets_nor_leaves_a_cached_page(volunteer_client, client):
    anonymous = client.get(HOME)
    assert "Werkplaats" not in anonymous.content.decode()

    own = volunteer_client.get(HOME)

    assert "Werkplaats" in own.content.decode()  # built for the volunteer, not from the cache
    assert "private" in own["Cache-Control"]
    assert not own.has_header("ETag")
    # And the volunteer's page was not kept for the next visitor.
    volunteer_client.get(reverse("motions:municipality_list"))
    assert "Werkplaats" not in Client().get(reverse("motions:municipality_list")).content.decode()


def test_a_visitor_with_a_message_waiting_gets_the_page_built(client, utrecht):
    client.get(HOME)
    storage, response = CookieStorage(HttpRequest()), HttpResponse()
    storage.add(messages.INFO, "Uw melding is ontvangen.")
    storage.update(response)
    client.cookies[CookieStorage.cookie_name] = response.cookies[CookieStorage.cookie_name].value

    page = client.get(HOME)

    assert "Uw melding is ontvangen." in page.content.decode()
    assert "Uw melding is ontvangen." not in Client().get(HOME).content.decode()


def test_addresses_and_languages_are_kept_apart(client, utrecht):
    make_motion(municipality=utrecht, title="Motie over opvang")
    make_motion(municipality=utrecht, title="Motie over scholen")
    motions = reverse("motions:list")
    client.get(motions)

    filtered = client.get(motions, {"q": "scholen"}).content.decode()
    english = client.get("/en" + motions).content.decode()

    assert "Motie over scholen" in filtered and "Motie over opvang" not in filtered
    assert '<html lang="en"' in english
    assert '<html lang="nl"' in client.get(motions).content.decode()


def test_a_missing_page_is_not_kept(client):
    url = reverse("motions:municipality", args=["amsterdm"])
    assert client.get(url).status_code == 404

    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 404

    assert len(queries) > 0  # looked up again, not answered from memory


def csrf_token(page) -> str:
    match = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.content.decode())
    assert match, "the form has no CSRF token"
    return match.group(1)


def test_the_report_form_from_the_cache_works_for_every_visitor(
    utrecht, settings, django_assert_num_queries
):
    settings.REPORT_NOTIFY_EMAILS = []
    first, second = Client(enforce_csrf_checks=True), Client(enforce_csrf_checks=True)
    first_page = first.get(FORM)
    with django_assert_num_queries(0):
        second_page = second.get(FORM)

    # Each visitor has a token of their own, matching their own cookie...
    assert csrf_token(first_page) != csrf_token(second_page)
    assert first.cookies["csrftoken"].value != second.cookies["csrftoken"].value
    assert "private" in second_page["Cache-Control"]
    assert (
        not Client().get(FORM, headers={"accept-encoding": "gzip"}).has_header("Content-Encoding")
    )  # a secret in a compressed page can be guessed (BREACH)
    assert not second_page.has_header("ETag")
    # ...and both reports are accepted.
    for visitor, page, name in [(second, second_page, "Ria"), (first, first_page, "Piet")]:
        data = valid_data(municipality="Utrecht", reporter_name=name)
        response = visitor.post(FORM, {**data, "csrfmiddlewaretoken": csrf_token(page)})
        assert response.status_code == 302, response.content.decode()[:500]
    assert set(ActionReport.objects.values_list("reporter_name", flat=True)) == {"Ria", "Piet"}


def test_a_cached_form_with_a_token_from_another_visitor_is_refused(utrecht):
    first, second = Client(enforce_csrf_checks=True), Client(enforce_csrf_checks=True)
    first_token = csrf_token(first.get(FORM))
    second.get(FORM)

    response = second.post(
        FORM, {**valid_data(municipality="Utrecht"), "csrfmiddlewaretoken": first_token}
    )

    assert response.status_code == 403
    assert not ActionReport.objects.exists()


def page_of(size: int) -> Page:
    return Page(body=b"x" * size, gzipped=None, headers={}, etag='W/"x"', stored_at=0)


def test_the_store_keeps_to_its_memory_bound_dropping_the_least_recently_used(settings):
    settings.PUBLIC_PAGE_CACHE_MB = 1
    store = Store()
    for number in range(12):
        store.put("v1", f"/{number}", page_of(100_000))
        store.get("v1", "/0")  # often read: kept

    kept = [number for number in range(12) if store.get("v1", f"/{number}")]

    assert 0 in kept and 1 not in kept and 11 in kept
    assert len(kept) == 2**20 // 100_000
    assert store.get("v2", "/0") is None  # a new version empties the store
    assert store.get("v2", "/11") is None


@pytest.mark.django_db(transaction=True)
def test_two_browsers_send_the_cached_report_form(chromium, live_server, settings):
    """Two visitors in Chromium: the second gets the form from the cache, with
    a token of its own, and both reports arrive."""
    settings.REPORT_NOTIFY_EMAILS = []
    make_municipality(name="Utrecht", slug="utrecht")
    for name in ["Ria", "Piet"]:
        context = chromium.new_context(locale="nl-NL")
        try:
            page = context.new_page()
            page.goto(live_server.url + FORM)
            page.fill("#id_reporter_name", name)
            page.check(f"input[name=reporter_role][value={ActionReport.Role.CLERK}]")
            page.fill("#id_reporter_email", "griffie@example.org")
            page.fill("#id_municipality", "Utrecht")
            page.check(f"input[name=action][value={ActionReport.Action.ADOPTED}]")
            page.fill("#id_happened", "15-04-2025")
            page.check("#id_consent")
            page.get_by_role("button", name="Verstuur melding").click()
            page.wait_for_url(live_server.url + reverse("motions:report_thanks"))
        finally:
            context.close()
    assert sorted(ActionReport.objects.values_list("reporter_name", flat=True)) == ["Piet", "Ria"]
