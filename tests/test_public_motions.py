"""The public motion pages, ``/moties/`` and ``/moties/<id>/``, and what none
of the public list and detail pages may ever show: contacts' personal data."""

import datetime

import pytest
from django.urls import reverse

from motions.models import ActionReport, FactionVote, Motion, MotionEvent, Source, Sponsorship
from municipalities.models import ContactMoment

from .conftest import make_faction, make_motion, make_municipality, make_party, make_province
from .test_public_municipalities import row_names, text

pytestmark = pytest.mark.django_db

LIST = reverse("motions:list")
APRIL_2025 = datetime.date(2025, 4, 1)


def page(client, url: str = LIST, **params) -> str:
    response = client.get(url, params)
    assert response.status_code == 200
    return response.content.decode()


def row_titles(content: str) -> list[str]:
    return row_names(content, under=LIST)


def sponsored_by(party, **kwargs) -> Motion:
    """A municipal motion submitted by ``party``'s faction in its council."""
    motion = make_motion(**kwargs)
    faction = make_faction(municipality=motion.municipality, party=party)
    Sponsorship.objects.create(motion=motion, faction=faction)
    return motion


# --- the list ----------------------------------------------------------------


def test_list_shows_public_motions_with_body_status_and_date(client):
    make_motion(municipality=make_municipality(name="Kampen"), title="Motie Kampen")
    make_motion(
        level=Motion.Level.NATIONAL,
        title="Motie-Piri",
        decided_on=datetime.date(2025, 10, 2),
        decided_precision="day",
    )

    content = page(client)

    assert row_titles(content) == ["Motie-Piri", "Motie Kampen"]
    assert "2 moties gevonden" in content
    assert "Tweede Kamer" in content
    assert '<a href="/gemeenten/' in content
    assert '<span class="status status-adopted">Aangenomen</span>' in content
    assert '<td class="col-date">2 oktober 2025</td>' in content
    assert '<td class="col-date">april 2025</td>' in content


def test_list_shows_a_submitted_motion_by_its_submission_year(client):
    make_motion(
        status=Motion.Status.SUBMITTED,
        submitted_on=datetime.date(2024, 1, 1),
        submitted_precision="year",
    )

    content = page(client)

    assert '<td class="col-date">2024</td>' in content
    assert "1 januari 2024" not in content


def test_list_leaves_out_drafts(client):
    make_motion(title="Openbaar")
    make_motion(title="Concept", status=Motion.Status.DRAFT)

    assert row_titles(page(client)) == ["Openbaar"]


def test_level_filter(client):
    make_motion(title="Gemeente")
    make_motion(title="Kamer", level=Motion.Level.NATIONAL)

    assert row_titles(page(client, level="national")) == ["Kamer"]
    assert row_titles(page(client, level="municipal")) == ["Gemeente"]


def test_status_filter(client):
    make_motion(title="Aangenomen")
    make_motion(title="Ingediend", status=Motion.Status.SUBMITTED)

    assert row_titles(page(client, status="submitted")) == ["Ingediend"]


def test_status_filter_does_not_offer_drafts(client):
    make_motion(title="Concept", status=Motion.Status.DRAFT)

    content = page(client, status="draft")

    assert row_titles(content) == []
    assert 'value="draft"' not in content
    assert "Niet elke filterwaarde is begrepen" in content


def test_province_filter_takes_the_province_slug(client):
    limburg = make_province(name="Limburg", slug="limburg")
    make_motion(title="Heerlen", municipality=make_municipality(province=limburg))
    make_motion(title="Elders")

    assert row_titles(page(client, province="limburg")) == ["Heerlen"]


def test_municipality_filter_takes_the_municipality_slug(client):
    make_motion(title="Kampen", municipality=make_municipality(slug="kampen"))
    make_motion(title="Elders")

    assert row_titles(page(client, municipality="kampen")) == ["Kampen"]


def test_year_filter_uses_the_decision_year_or_else_the_submission_year(client):
    make_motion(title="Besloten 2025", decided_on=APRIL_2025)
    make_motion(
        title="Ingediend 2024, besloten 2025",
        submitted_on=datetime.date(2024, 12, 1),
        decided_on=datetime.date(2025, 1, 1),
    )
    make_motion(
        title="Ingediend 2024",
        status=Motion.Status.SUBMITTED,
        submitted_on=datetime.date(2024, 6, 1),
    )

    assert row_titles(page(client, year="2024")) == ["Ingediend 2024"]
    assert row_titles(page(client, year="2025", sort="title")) == [
        "Besloten 2025",
        "Ingediend 2024, besloten 2025",
    ]


def test_party_filter_finds_the_sponsoring_faction_by_abbreviation(client):
    sponsored_by(make_party(name="ChristenUnie", abbreviation="CU"), title="Met CU")
    sponsored_by(make_party(name="Democraten 66", abbreviation="D66"), title="Met D66")

    assert row_titles(page(client, party="cu")) == ["Met CU"]
    assert row_titles(page(client, party="ChristenUnie")) == ["Met CU"]


def test_party_filter_finds_a_national_sponsorship_by_party_id(client):
    party = make_party(name="Socialistische Partij", abbreviation="SP")
    motion = make_motion(title="Motie-Van Nispen", level=Motion.Level.NATIONAL)
    Sponsorship.objects.create(motion=motion, party=party, member_name="Van Nispen")
    make_motion(title="Andere", level=Motion.Level.NATIONAL)

    assert row_titles(page(client, party=str(party.pk))) == ["Motie-Van Nispen"]


def test_party_filter_lists_a_motion_once_when_several_factions_share_the_party(client):
    party = make_party(abbreviation="GL")
    motion = sponsored_by(party, title="Samen")
    Sponsorship.objects.create(motion=motion, party=party, member_name="Raadslid")

    assert row_titles(page(client, party="GL")) == ["Samen"]


def test_kind_filter(client):
    make_motion(title="Motie")
    make_motion(title="Amendement", kind=Motion.Kind.AMENDMENT)

    assert row_titles(page(client, kind="amendement")) == ["Amendement"]


@pytest.mark.parametrize(
    "field",
    [
        {"title": "Over Gewortelde kinderen"},
        {"summary": "gewortelde kinderen"},
        {"text": "GEWORTELDE KINDEREN"},
    ],
)
def test_text_search_looks_in_title_summary_and_text(client, field):
    make_motion(**({"title": "Gevonden"} | field))
    make_motion(title="Iets anders")

    assert len(row_titles(page(client, q="gewortelde kinderen"))) == 1


@pytest.mark.parametrize(
    ("sort", "expected"),
    [
        ("new", ["Beta", "Alfa", "Gamma"]),
        ("old", ["Gamma", "Alfa", "Beta"]),
        ("title", ["Alfa", "Beta", "Gamma"]),
    ],
)
def test_sorting_orders_the_rows(client, sort, expected):
    make_motion(title="Alfa", decided_on=datetime.date(2024, 5, 1))
    make_motion(title="Beta", decided_on=datetime.date(2025, 5, 1))
    make_motion(title="Gamma", decided_on=datetime.date(2023, 5, 1))

    assert row_titles(page(client, sort=sort)) == expected


def test_filter_state_is_kept_in_the_form_and_the_page_links(client):
    municipality = make_municipality(slug="kampen")
    for n in range(51):
        make_motion(title=f"Motie {n:02d}", municipality=municipality, kind=Motion.Kind.MOTION)

    content = page(client, municipality="kampen", kind="motie", sort="title")

    assert len(row_titles(content)) == 50
    assert 'href="?municipality=kampen&amp;kind=motie&amp;sort=title&amp;page=2"' in content
    assert '<option value="kampen" selected>' in content
    assert row_titles(
        page(client, municipality="kampen", kind="motie", sort="title", page="2")
    ) == ["Motie 50"]


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"year": "abc"}, "Jaar: Voer een geheel getal in."),
        ({"status": "<script>alert(1)</script>"}, "&lt;script&gt;alert(1)&lt;/script&gt;"),
        ({"province": "nope"}, "Provincie: Selecteer een geldige keuze."),
        ({"municipality": "nope"}, "Gemeente: Selecteer een geldige keuze."),
        ({"level": "gemeente"}, "Niveau: Selecteer een geldige keuze."),
        ({"sort": "evil"}, "Sorteren: Selecteer een geldige keuze."),
    ],
)
def test_bad_filter_values_show_the_list_with_a_message(client, params, message):
    make_motion(title="Zichtbaar")

    content = page(client, **params)

    assert row_titles(content) == ["Zichtbaar"]
    assert "Niet elke filterwaarde is begrepen" in content
    assert message in content
    assert "<script>" not in content


def test_a_huge_party_number_finds_nothing_and_does_not_fail(client):
    make_motion(title="Zichtbaar")

    assert row_titles(page(client, party="9" * 30)) == []


@pytest.mark.parametrize("number", ["999", "abc", "0"])
def test_page_out_of_range_shows_a_real_page_with_a_message(client, number):
    make_motion(title="Zichtbaar")

    content = page(client, page=number)

    assert row_titles(content) == ["Zichtbaar"]
    assert f"Pagina {number} bestaat niet" in content


def test_list_page_has_one_h1_a_title_and_a_description(client):
    content = page(client)

    assert content.count("<h1") == 1
    assert "<title>Moties over gewortelde kinderen · Motietracker</title>" in content
    assert '<meta name="description" content="Alle bekende moties' in content


@pytest.mark.parametrize("size", [3, 30])
def test_list_query_count_does_not_grow(client, django_assert_num_queries, size):
    province = make_province()
    for _ in range(size):
        sponsored_by(make_party(), municipality=make_municipality(province=province))
        make_motion(level=Motion.Level.NATIONAL)
    # 1: count of the filtered motions (for the pages)
    # 2: one page of motions with their municipality and province
    # 3: provinces and 4: municipalities, for the filter form's choices
    with django_assert_num_queries(4):
        client.get(LIST)


# --- the detail page -----------------------------------------------------------


def test_detail_shows_dates_at_their_precision(client):
    motion = make_motion(
        submitted_on=datetime.date(2024, 1, 1),
        submitted_precision="year",
        decided_on=APRIL_2025,
        decided_precision="month",
    )

    content = text(page(client, motion.get_absolute_url()))

    assert "Ingediend 2024" in content
    assert "Besloten april 2025" in content
    assert "1 april 2025" not in content
    assert "1 januari 2024" not in content


def test_detail_shows_body_status_kind_and_votes(client):
    motion = make_motion(
        municipality=make_municipality(name="Kampen", slug="kampen"),
        kind=Motion.Kind.AMENDMENT,
        votes_for=20,
        votes_against=0,
    )

    content = page(client, motion.get_absolute_url())

    assert '<a href="/gemeenten/kampen/">Kampen</a>' in content
    assert '<span class="status status-adopted">Aangenomen</span>' in content
    assert "Soort Amendement" in text(content)
    assert "Stemmen 20 voor, 0 tegen" in text(content)


def test_detail_shows_sponsors_and_the_vote_of_each_faction(client):
    municipality = make_municipality()
    motion = make_motion(municipality=municipality)
    cu = make_faction(municipality=municipality, party=make_party(name="ChristenUnie"))
    pvv = make_faction(municipality=municipality, party=make_party(name="PVV"))
    Sponsorship.objects.create(motion=motion, faction=cu)
    FactionVote.objects.create(motion=motion, faction=cu, vote=FactionVote.Vote.FOR)
    FactionVote.objects.create(motion=motion, faction=pvv, vote=FactionVote.Vote.AGAINST)

    content = text(page(client, motion.get_absolute_url()))

    assert "Indieners ChristenUnie (indiener)" in content
    assert "ChristenUnie voor" in content
    assert "PVV tegen" in content


def test_detail_names_the_member_for_a_national_sponsorship(client):
    motion = make_motion(level=Motion.Level.NATIONAL)
    Sponsorship.objects.create(
        motion=motion, party=make_party(name="Socialistische Partij"), member_name="Van Nispen"
    )

    content = text(page(client, motion.get_absolute_url()))

    assert "Tweede Kamer" in content
    assert "Socialistische Partij: Van Nispen (indiener)" in content


def test_detail_shows_text_summary_timeline_and_sources(client):
    motion = make_motion(
        summary="Kort gezegd.",
        text="Overwegende dat\n\nverzoekt het college",
        source_url="https://example.org/motie",
        document="motions/2025/motie.pdf",
    )
    MotionEvent.objects.create(
        motion=motion,
        kind=MotionEvent.Kind.ANSWER_RECEIVED,
        happened_on=datetime.date(2025, 6, 1),
        happened_precision="month",
        note="Het kabinet antwoordt.",
    )
    motion.sources.add(
        Source.objects.create(
            title="Rapport kinderen",
            publisher="Kinderombudsman",
            published_on=datetime.date(2024, 1, 1),
            published_precision="year",
            url="https://example.org/rapport",
        )
    )

    content = page(client, motion.get_absolute_url())

    assert "<p>Overwegende dat</p>\n\n<p>verzoekt het college</p>" in content
    assert "Kort gezegd." in content
    assert "juni 2025 Antwoord ontvangen: Het kabinet antwoordt." in text(content)
    assert '<a href="https://example.org/rapport">Rapport kinderen</a>' in content
    assert "(Kinderombudsman, 2024)" in text(content)
    assert 'href="https://example.org/motie"' in content
    assert f'href="{reverse("motions:document", args=[motion.pk])}"' in content


def test_detail_escapes_the_motion_text(client):
    motion = make_motion(title="<b>Titel</b>", text="<script>alert(1)</script>")

    content = page(client, motion.get_absolute_url())

    assert "<script>" not in content
    assert "&lt;b&gt;Titel&lt;/b&gt;" in content


def test_related_motions_share_the_council_or_the_month(client):
    municipality = make_municipality()
    motion = make_motion(municipality=municipality, title="Deze", decided_on=APRIL_2025)
    make_motion(
        municipality=municipality, title="Zelfde raad", decided_on=datetime.date(2023, 1, 1)
    )
    make_motion(title="Zelfde maand", decided_on=APRIL_2025)
    make_motion(title="Ander jaar", decided_on=datetime.date(2025, 1, 1), decided_precision="year")
    make_motion(title="Andere maand", decided_on=datetime.date(2025, 5, 1))
    make_motion(municipality=municipality, title="Concept", status=Motion.Status.DRAFT)

    content = page(client, motion.get_absolute_url())

    assert sorted(row_titles(content)) == ["Zelfde maand", "Zelfde raad"]


def test_related_motions_are_at_most_five(client):
    municipality = make_municipality()
    motion = make_motion(municipality=municipality)
    for _ in range(7):
        make_motion(municipality=municipality)

    assert len(row_titles(page(client, motion.get_absolute_url()))) == 5


def test_draft_motion_is_not_found(client):
    motion = make_motion(status=Motion.Status.DRAFT)

    response = client.get(motion.get_absolute_url())

    assert response.status_code == 404


def test_unknown_motion_gives_the_404_page_in_the_layout(client):
    response = client.get(reverse("motions:detail", kwargs={"pk": 999999}))

    assert response.status_code == 404
    content = response.content.decode()
    assert 'aria-label="Hoofdmenu"' in content
    assert "<h1>Pagina niet gevonden</h1>" in content
    assert f'href="{LIST}"' in content


@pytest.mark.parametrize("size", [2, 20])
def test_detail_query_count_does_not_grow(client, django_assert_num_queries, size):
    municipality = make_municipality()
    motion = make_motion(municipality=municipality)
    for _ in range(size):
        faction = make_faction(municipality=municipality)
        Sponsorship.objects.create(motion=motion, faction=faction)
        FactionVote.objects.create(motion=motion, faction=faction, vote=FactionVote.Vote.FOR)
        MotionEvent.objects.create(motion=motion, kind=MotionEvent.Kind.DEBATED)
        motion.sources.add(Source.objects.create(title="Bron"))
        make_motion(municipality=municipality)
    # 1: the motion with its municipality and province
    # 2: sponsorships with faction, party; 3: faction votes with faction and party
    # 4: events; 5: sources
    # 6: related motions with their municipality
    with django_assert_num_queries(6):
        client.get(motion.get_absolute_url())


# --- privacy -----------------------------------------------------------------


PRIVATE = (
    "griffie-geheim@example.org",
    "Voorzitter Geheimnaam",
    "voorzitter-geheim@example.org",
    "06-12345678-geheim",
    "Contact Geheimnaam",
    "contact-geheim@example.org",
    "Geheim gespreksverslag",
    "Melder Geheimnaam",
    "melder-geheim@example.org",
    "Geheime toelichting van de melder",
)


@pytest.fixture
def private_data():
    """A municipality, motion and faction with every private field filled in."""
    municipality = make_municipality(slug="kampen", griffie_email=PRIVATE[0])
    faction = make_faction(
        municipality=municipality,
        party=make_party(abbreviation="CU"),
        chair_name=PRIVATE[1],
        chair_email=PRIVATE[2],
        chair_phone=PRIVATE[3],
    )
    motion = make_motion(municipality=municipality)
    Sponsorship.objects.create(motion=motion, faction=faction)
    FactionVote.objects.create(motion=motion, faction=faction, vote=FactionVote.Vote.FOR)
    ContactMoment.objects.create(
        municipality=municipality,
        faction=faction,
        date=APRIL_2025,
        channel=ContactMoment.Channel.EMAIL,
        direction=ContactMoment.Direction.RECEIVED,
        contact_name=PRIVATE[4],
        contact_email=PRIVATE[5],
        summary=PRIVATE[6],
    )
    ActionReport.objects.create(
        municipality=municipality,
        motion=motion,
        action=ActionReport.Action.ADOPTED,
        reporter_name=PRIVATE[7],
        reporter_email=PRIVATE[8],
        message=PRIVATE[9],
    )
    return motion


@pytest.mark.parametrize(
    "url",
    [
        "/gemeenten/",
        "/gemeenten/?q=kampen&has_motion=yes",
        "/gemeenten/kampen/",
        "/moties/",
        "/moties/?party=CU&municipality=kampen",
        "motion",
    ],
)
def test_no_personal_data_of_contacts_or_reporters_on_public_pages(client, private_data, url):
    content = page(client, private_data.get_absolute_url() if url == "motion" else url)

    assert [secret for secret in PRIVATE if secret in content] == []


# --- the attached document ------------------------------------------------------------


def motion_with_document(settings, tmp_path, **kwargs) -> Motion:
    from django.core.files.base import ContentFile

    settings.MEDIA_ROOT = tmp_path
    motion = make_motion(**kwargs)
    motion.document.save("Motie gewortelde kinderen.pdf", ContentFile(b"%PDF-1.4 motie"))
    return motion


def test_motion_document_downloads_from_the_app_itself(client, settings, tmp_path):
    motion = motion_with_document(settings, tmp_path)
    page = client.get(motion.get_absolute_url()).content.decode()
    url = reverse("motions:document", args=[motion.pk])
    assert f'href="{url}"' in page

    response = client.get(url)

    assert response.status_code == 200
    assert b"".join(response.streaming_content) == b"%PDF-1.4 motie"
    assert 'filename="motie-' in response["Content-Disposition"]


def test_document_of_a_draft_or_a_motion_without_one_is_404(client, settings, tmp_path):
    draft = motion_with_document(settings, tmp_path, status=Motion.Status.DRAFT)
    plain = make_motion()
    assert client.get(reverse("motions:document", args=[draft.pk])).status_code == 404
    assert client.get(reverse("motions:document", args=[plain.pk])).status_code == 404


def test_municipality_filter_offers_dissolved_municipalities_only_with_a_motion(client):
    active = make_municipality(name="Bestaand")
    merged_with_motion = make_municipality(name="Opgeheven met motie", dissolved_on="2019-01-01")
    make_motion(municipality=merged_with_motion)
    merged_without = make_municipality(name="Opgeheven zonder motie", dissolved_on="2019-01-01")

    choices = client.get(reverse("motions:list")).context["filter"].form["municipality"]
    names = [str(label) for _value, label in choices.field.choices]

    assert active.name in names
    assert merged_with_motion.name in names
    assert merged_without.name not in names
