"""Every public page at once: no personal data anywhere, a real 404, and no
serious accessibility problem in Debian's Chromium (axe-core)."""

import datetime

import pytest
from django.urls import reverse

from motions.models import ActionReport, FactionVote, Motion, Sponsorship
from municipalities.models import ContactMoment, Faction, Municipality, Party

from .conftest import load_campaign_data

# Distinctive strings put in every private field; none may appear on a public page.
SECRETS = {
    "griffie_email": "griffie-geheim@example.org",
    "chair_name": "Voorzitter Geheimnaam",
    "chair_email": "voorzitter-geheim@example.org",
    "chair_phone": "06-99887766",
    "contact_name": "Contactpersoon Geheimnaam",
    "contact_email": "contact-geheim@example.org",
    "contact_summary": "Geheime notitie over het gesprek",
    "reporter_name": "Melder Geheimnaam",
    "reporter_email": "melder-geheim@example.org",
    "report_message": "Geheime toelichting van de melder",
}


def fill_private_fields() -> Municipality:
    """Personal data in every private field, around Amersfoort (which has a motion)."""
    amersfoort = Municipality.objects.get(code="GM0307")
    amersfoort.griffie_email = SECRETS["griffie_email"]
    amersfoort.save()
    faction = Faction.objects.create(
        municipality=amersfoort,
        party=Party.objects.get(abbreviation="SP"),
        election_year=2022,
        seats=2,
        chair_name=SECRETS["chair_name"],
        chair_email=SECRETS["chair_email"],
        chair_phone=SECRETS["chair_phone"],
    )
    motion = Motion.objects.get(municipality=amersfoort)
    Sponsorship.objects.create(motion=motion, faction=faction)
    FactionVote.objects.create(motion=motion, faction=faction, vote=FactionVote.Vote.FOR)
    ContactMoment.objects.create(
        municipality=amersfoort,
        faction=faction,
        date=datetime.date(2025, 2, 1),
        channel=ContactMoment.Channel.EMAIL,
        direction=ContactMoment.Direction.RECEIVED,
        contact_name=SECRETS["contact_name"],
        contact_email=SECRETS["contact_email"],
        summary=SECRETS["contact_summary"],
    )
    ActionReport.objects.create(
        municipality=amersfoort,
        reporter_name=SECRETS["reporter_name"],
        reporter_email=SECRETS["reporter_email"],
        action=ActionReport.Action.ADOPTED,
        message=SECRETS["report_message"],
        consent=True,
    )
    return amersfoort


def public_paths(municipality: Municipality) -> list[str]:
    motion = Motion.objects.get(municipality=municipality)
    national = Motion.objects.national().first()
    assert national is not None
    paths = [
        reverse("motions:home"),
        reverse("motions:municipality_list"),
        reverse("motions:municipality_list") + "?q=amersfoort",
        municipality.get_absolute_url(),
        reverse("motions:list"),
        motion.get_absolute_url(),
        national.get_absolute_url(),
        reverse("motions:model_motion"),
        reverse("motions:model_motion") + f"?gemeente={municipality.slug}",
        reverse("motions:map"),
        reverse("motions:map_embed"),
        reverse("motions:map_data"),
        reverse("motions:report"),
    ]
    return paths + ["/en" + path for path in paths]


@pytest.mark.django_db
def test_no_personal_data_on_any_public_page(client):
    load_campaign_data()
    amersfoort = fill_private_fields()
    for path in public_paths(amersfoort):
        response = client.get(path)
        assert response.status_code == 200, path
        body = response.content.decode()
        leaked = [name for name, secret in SECRETS.items() if secret in body]
        assert leaked == [], f"{path} shows {leaked}"


@pytest.mark.django_db
def test_no_personal_data_in_the_example_motion_downloads(client):
    load_campaign_data()
    amersfoort = fill_private_fields()
    model_motion = reverse("motions:model_motion_download", args=["gewortelde-kinderen"])
    response = client.get(model_motion, {"formaat": "txt", "gemeente": amersfoort.slug})
    assert response.status_code == 200
    body = response.content.decode()
    assert "Amersfoort" in body
    assert not [secret for secret in SECRETS.values() if secret in body]


@pytest.mark.django_db
@pytest.mark.parametrize("path", ["/gemeenten/bestaat-niet/", "/moties/999999/", "/en/nergens/"])
def test_unknown_pages_give_a_404_in_the_site_layout(client, path):
    response = client.get(path)
    assert response.status_code == 404
    body = response.content.decode()
    assert "Motietracker" in body
    assert reverse("motions:municipality_list") in body


@pytest.mark.django_db
def test_english_pages_are_in_english(client):
    load_campaign_data()
    response = client.get("/en/")
    assert response.status_code == 200
    body = response.content.decode()
    assert '<html lang="en">' in body
    assert "Where does your council stand?" in body
    assert 'hreflang="nl"' in body


@pytest.mark.django_db
def test_dutch_is_the_default_whatever_the_browser_prefers(client):
    load_campaign_data()
    amersfoort = Municipality.objects.get(code="GM0307")
    response = client.get(amersfoort.get_absolute_url(), HTTP_ACCEPT_LANGUAGE="en-US,en")
    body = response.content.decode()
    assert '<html lang="nl">' in body
    assert "maart 2025" in body


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("page_fixture", ["browser_page", "phone_page"])
def test_no_serious_accessibility_violation_on_any_public_page(request, page_fixture):
    page = request.getfixturevalue(page_fixture)
    load_campaign_data()
    amersfoort = Municipality.objects.get(code="GM0307")
    problems = {}
    for path in public_paths(amersfoort):
        if path.endswith(".geojson"):
            continue
        assert page.open(path).status == 200, path
        violations = page.serious_accessibility_violations()
        if violations:
            problems[path] = violations
    assert problems == {}
    assert page.outside_requests == []
    assert page.console_errors == []


@pytest.mark.django_db
def test_dutch_only_workspace_offers_no_language_switch(volunteer_client):
    body = volunteer_client.get(reverse("workspace:dashboard")).content.decode()
    assert 'hreflang="en"' not in body
    assert "English" not in body


@pytest.mark.django_db
def test_public_page_links_to_its_english_version(client):
    body = client.get(reverse("motions:list")).content.decode()
    assert 'href="/en/moties/" hreflang="en"' in body


@pytest.mark.django_db
def test_pages_allow_scripts_and_styles_only_from_the_app(client):
    policy = client.get(reverse("motions:home"))["Content-Security-Policy"]
    assert "script-src 'self'" in policy
    assert "style-src 'self'" in policy
    assert "frame-ancestors 'none'" in policy


@pytest.mark.django_db
def test_only_the_embeddable_map_may_be_framed_by_other_sites(client):
    response = client.get(reverse("motions:map_embed"))
    assert "frame-ancestors *" in response["Content-Security-Policy"]
    assert "X-Frame-Options" not in response


@pytest.mark.django_db
def test_background_tiles_switched_on_are_allowed_as_images(client, settings):
    settings.MAP_TILE_URL = "https://{s}.tiles.example.org/{z}/{x}/{y}.png"
    policy = client.get(reverse("motions:map"))["Content-Security-Policy"]
    assert "img-src 'self' data: https://*.tiles.example.org" in policy
