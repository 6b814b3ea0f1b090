"""The public municipality pages: ``/gemeenten/`` (filters, sorting, pages)
and ``/gemeenten/<slug>/`` (status explained, motions, factions, mergers)."""

import datetime
import html
import re

import pytest
from django.urls import reverse

from motions.councils.views import MOTIONS_SHOWN
from motions.models import Motion, MotionEvent
from municipalities.models import Succession

from .conftest import make_faction, make_motion, make_municipality, make_party, make_province

pytestmark = pytest.mark.django_db

LIST = reverse("motions:municipality_list")


def page(client, url: str = LIST, **params) -> str:
    response = client.get(url, params)
    assert response.status_code == 200
    return response.content.decode()


def row_names(content: str, under: str = LIST) -> list[str]:
    """The link texts in the first column of the result table, as a reader sees them."""
    pattern = rf'<th scope="row"><a href="{re.escape(under)}[^"]+/">([^<]+)</a>'
    return [html.unescape(name) for name in re.findall(pattern, content)]


def text(content: str) -> str:
    """The page's visible text, roughly: tags out, whitespace collapsed."""
    words = " ".join(html.unescape(re.sub(r"<[^>]+>", " ", content)).split())
    return re.sub(r" ([.,;:)])", r"\1", words)


# --- the list ----------------------------------------------------------------


def test_list_shows_each_municipality_with_province_and_status(client):
    province = make_province(name="Utrecht")
    adopted = make_municipality(name="Amersfoort", province=province)
    make_motion(municipality=adopted, status=Motion.Status.ADOPTED)
    make_municipality(name="Zeist", province=province)

    content = page(client)

    assert row_names(content) == ["Amersfoort", "Zeist"]
    assert '<span class="status status-adopted">Motie aangenomen</span>' in content
    assert '<span class="status status-none">Geen motie bekend</span>' in content
    assert '<td class="col-wide">Utrecht</td>' in content
    assert "2 gemeenten gevonden" in content


def test_list_shows_the_latest_motion_date_at_its_precision(client):
    by_month = make_municipality(name="Amsterdam")
    make_motion(
        municipality=by_month, decided_on=datetime.date(2025, 4, 1), decided_precision="month"
    )
    make_motion(
        municipality=by_month, decided_on=datetime.date(2023, 1, 1), decided_precision="year"
    )
    by_year = make_municipality(name="Heerlen")
    make_motion(
        municipality=by_year, decided_on=datetime.date(2024, 1, 1), decided_precision="year"
    )

    content = page(client)

    assert '<td class="col-date">april 2025</td>' in content
    assert '<td class="col-date">2024</td>' in content
    assert "1 april 2025" not in content
    assert "1 januari 2024" not in content


def test_list_leaves_out_dissolved_municipalities(client):
    make_municipality(name="Súdwest-Fryslân")
    make_municipality(name="Bolsward", dissolved_on=datetime.date(2011, 1, 1))

    assert row_names(page(client)) == ["Súdwest-Fryslân"]


def test_list_shows_a_dissolved_municipality_searched_for_by_name_with_its_successor(client):
    successor = make_municipality(name="Súdwest-Fryslân")
    make_motion(municipality=successor, status=Motion.Status.ADOPTED)
    make_municipality(name="Bolsward", dissolved_on=datetime.date(2011, 1, 1), successor=successor)

    content = page(client, q="bolsward")

    assert row_names(content) == ["Bolsward", "Súdwest-Fryslân"]
    assert "(opgeheven)" in content
    assert "Bolsward hoort sinds 1 januari 2011 bij Súdwest-Fryslân." in text(content)
    assert "Súdwest-Fryslân: Motie aangenomen" in text(content)


@pytest.mark.parametrize("typed", ["Schinnen", "schinnen", "SCHIN", "GM0962", "962"])
def test_former_name_or_code_finds_todays_municipality(client, typed):
    beekdaelen = make_municipality(name="Beekdaelen", began_on=datetime.date(2019, 1, 1))
    make_municipality(
        name="Schinnen", code="GM0962", dissolved_on=datetime.date(2019, 1, 1), successor=beekdaelen
    )

    content = page(client, q=typed)

    assert row_names(content) == ["Beekdaelen", "Schinnen"]
    assert "Schinnen hoort sinds 1 januari 2019 bij Beekdaelen." in text(content)


def test_split_municipality_points_to_each_part(client):
    parts = [make_municipality(name=name) for name in ("Súdwest-Fryslân", "Leeuwarden")]
    littenseradiel = make_municipality(
        name="Littenseradiel", dissolved_on=datetime.date(2018, 1, 1)
    )
    for position, part in enumerate(parts, start=1):
        Succession.objects.create(
            predecessor=littenseradiel,
            successor=part,
            kind=Succession.Kind.SPLIT,
            share=Succession.Share.PART,
            position=position,
            source="test",
        )

    content = text(page(client, q="Littenseradiel"))

    assert "het gebied hoort nu bij Súdwest-Fryslân en Leeuwarden" in content
    assert "Súdwest-Fryslân: Geen motie bekend" in content
    assert "Leeuwarden: Geen motie bekend" in content


def test_province_filter_takes_the_province_slug(client):
    make_municipality(name="Utrecht", province=make_province(name="Utrecht", slug="utrecht"))
    make_municipality(name="Zwolle", province=make_province(name="Overijssel", slug="overijssel"))

    assert row_names(page(client, province="overijssel")) == ["Zwolle"]


def test_status_filter_keeps_municipalities_with_that_derived_status(client):
    make_motion(municipality=make_municipality(name="Kampen"), status=Motion.Status.ADOPTED)
    make_motion(municipality=make_municipality(name="Ede"), status=Motion.Status.SUBMITTED)
    make_municipality(name="Urk")

    assert row_names(page(client, status="pending")) == ["Ede"]
    assert row_names(page(client, status="none")) == ["Urk"]


def test_status_filter_does_not_offer_the_private_contacted_status(client):
    content = page(client, status="contacted")

    assert 'value="contacted"' not in content
    assert "Niet elke filterwaarde is begrepen" in content


@pytest.mark.parametrize(("has_motion", "expected"), [("yes", ["Kampen"]), ("no", ["Urk"])])
def test_has_motion_filter(client, has_motion, expected):
    make_motion(municipality=make_municipality(name="Kampen"), status=Motion.Status.REJECTED)
    make_municipality(name="Urk")

    assert row_names(page(client, has_motion=has_motion)) == expected


def test_a_draft_motion_does_not_count_as_a_motion(client):
    make_motion(municipality=make_municipality(name="Urk"), status=Motion.Status.DRAFT)

    assert row_names(page(client, has_motion="yes")) == []


@pytest.mark.parametrize(
    ("query", "found"),
    [
        ("sudwest", "Súdwest-Fryslân"),
        ("SÚDWEST", "Súdwest-Fryslân"),
        ("Den Haag", "'s-Gravenhage"),
        ("den bosch", "'s-Hertogenbosch"),
    ],
)
def test_name_search_ignores_accents_and_case_and_knows_aliases(client, query, found):
    make_municipality(name="Súdwest-Fryslân")
    make_municipality(name="'s-Gravenhage", aliases="Den Haag")
    make_municipality(name="'s-Hertogenbosch", aliases="Den Bosch")

    assert row_names(page(client, q=query)) == [found]


@pytest.mark.parametrize(
    ("sort", "expected"),
    [
        ("name", ["Almere", "Breda", "Culemborg"]),
        ("-name", ["Culemborg", "Breda", "Almere"]),
        ("province", ["Breda", "Almere", "Culemborg"]),
        ("-province", ["Culemborg", "Almere", "Breda"]),
        ("-date", ["Culemborg", "Almere", "Breda"]),
        ("date", ["Almere", "Culemborg", "Breda"]),
    ],
)
def test_sorting_orders_the_rows(client, sort, expected):
    almere = make_municipality(name="Almere", province=make_province(name="Flevoland"))
    make_municipality(name="Breda", province=make_province(name="Brabant"))
    culemborg = make_municipality(name="Culemborg", province=make_province(name="Gelderland"))
    make_motion(municipality=almere, decided_on=datetime.date(2024, 1, 1), decided_precision="year")
    make_motion(municipality=culemborg, decided_on=datetime.date(2025, 4, 1))

    assert row_names(page(client, sort=sort)) == expected


def test_list_shows_fifty_rows_per_page_and_page_links_keep_the_filters(client):
    province = make_province(slug="gelderland")
    for n in range(51):
        make_municipality(name=f"Gemeente {n:02d}", province=province)

    content = page(client, province="gelderland", sort="-name")

    assert len(row_names(content)) == 50
    assert "51 gemeenten gevonden" in content
    assert '<nav class="pagination" aria-label="Paginering">' in content
    assert 'href="?province=gelderland&amp;sort=-name&amp;page=2"' in content
    assert row_names(page(client, province="gelderland", sort="-name", page="2")) == ["Gemeente 00"]


def test_current_page_is_marked_in_the_page_links(client):
    province = make_province()
    for _ in range(51):
        make_municipality(province=province)

    content = page(client, page="2")

    assert 'href="?page=2" aria-current="page"' in content


def test_page_past_the_end_shows_the_last_page_with_a_message(client):
    make_municipality(name="Urk")

    content = page(client, page="999")

    assert row_names(content) == ["Urk"]
    assert "Pagina 999 bestaat niet; u ziet pagina 1 van 1." in content


def test_page_that_is_not_a_number_shows_the_first_page_with_a_message(client):
    make_municipality(name="Urk")

    content = page(client, page="abc")

    assert row_names(content) == ["Urk"]
    assert "Pagina abc bestaat niet" in content


@pytest.mark.parametrize(
    "params",
    [
        {"status": "<script>alert(1)</script>"},
        {"province": "nope"},
        {"sort": "evil"},
        {"has_motion": "misschien"},
    ],
)
def test_bad_filter_values_show_the_unfiltered_list_with_a_message(client, params):
    make_municipality(name="Urk")

    content = page(client, **params)

    assert row_names(content) == ["Urk"]
    assert "Niet elke filterwaarde is begrepen" in content
    assert "<script>" not in content


def test_bad_filter_value_is_shown_escaped(client):
    content = page(client, status="<script>alert(1)</script>")

    assert "&lt;script&gt;alert(1)&lt;/script&gt; is geen beschikbare keuze" in content


def test_filter_form_fields_are_labelled_and_grouped(client):
    content = page(client)

    assert "<legend>Zoeken en filteren</legend>" in content
    for name in ("q", "province", "status", "has_motion", "sort"):
        assert f'<label for="id_{name}">' in content
        assert f'id="id_{name}"' in content


def test_list_page_has_one_h1_and_a_description(client):
    content = page(client)

    assert content.count("<h1") == 1
    assert '<meta name="description" content="Alle Nederlandse gemeenten' in content
    assert "<title>Gemeenten: waar staat elke gemeenteraad? · Motietracker</title>" in content


@pytest.mark.parametrize("size", [3, 30])
def test_list_query_count_does_not_grow(client, django_assert_num_queries, size):
    province = make_province()
    for _ in range(size):
        municipality = make_municipality(province=province)
        make_motion(municipality=municipality)
        make_faction(municipality=municipality)
    # 1: count of the filtered municipalities (for the pages)
    # 2: one page of municipalities with status, latest date and precision, province
    # 3: provinces for the province filter
    with django_assert_num_queries(3):
        client.get(LIST)


# --- the detail page -----------------------------------------------------------


def test_detail_explains_an_adopted_motion_with_its_month(client):
    municipality = make_municipality(name="Kampen")
    make_motion(
        municipality=municipality, decided_on=datetime.date(2025, 4, 1), decided_precision="month"
    )

    content = page(client, municipality.get_absolute_url())

    assert "De gemeenteraad van Kampen heeft in april 2025 een motie aangenomen." in text(content)
    assert '<span class="status status-adopted">Motie aangenomen</span>' in content


def test_detail_explains_a_submitted_motion(client):
    municipality = make_municipality(name="Ede")
    make_motion(
        municipality=municipality,
        status=Motion.Status.SUBMITTED,
        submitted_on=datetime.date(2025, 10, 2),
    )

    content = text(page(client, municipality.get_absolute_url()))

    assert (
        "In Ede is op 2 oktober 2025 een motie ingediend; de gemeenteraad heeft nog niet besloten."
        in content
    )


def test_detail_without_motions_says_none_is_known_and_asks_for_news(client):
    municipality = make_municipality(name="Urk")

    content = page(client, municipality.get_absolute_url())

    assert "Er is nog geen motie bekend van de gemeenteraad van Urk." in text(content)
    assert f'Weet u meer? <a href="{reverse("motions:report")}">' in content


def test_detail_lists_public_motions_newest_first_with_their_timeline(client):
    municipality = make_municipality()
    older = make_motion(
        municipality=municipality,
        title="Eerste motie",
        decided_on=datetime.date(2023, 1, 1),
        decided_precision="year",
    )
    make_motion(municipality=municipality, title="Tweede motie")
    make_motion(municipality=municipality, title="Geheim concept", status=Motion.Status.DRAFT)
    MotionEvent.objects.create(
        motion=older,
        kind=MotionEvent.Kind.LETTER_SENT,
        happened_on=datetime.date(2023, 3, 1),
        happened_precision="month",
    )

    content = text(page(client, municipality.get_absolute_url()))

    assert content.index("Tweede motie") < content.index("Eerste motie")
    assert "Geheim concept" not in content
    assert "maart 2023 Brief aan het kabinet verstuurd" in content
    assert "besloten 2023" in content


def test_detail_shows_current_factions_with_seats(client):
    municipality = make_municipality()
    make_faction(municipality=municipality, party=make_party(name="Lokaal Belang"), seats=7)
    make_faction(
        municipality=municipality,
        party=make_party(name="Oude Partij"),
        election_year=2018,
        seats=2,
    )

    content = text(page(client, municipality.get_absolute_url()))

    assert "Fracties na de verkiezingen van 2022" in content
    assert "Lokaal Belang 7" in content
    assert "Oude Partij" not in content


def test_dissolved_municipality_links_to_its_successor(client):
    successor = make_municipality(name="Súdwest-Fryslân", slug="sudwest-fryslan")
    dissolved = make_municipality(
        name="Bolsward", dissolved_on=datetime.date(2011, 1, 1), successor=successor
    )

    content = page(client, dissolved.get_absolute_url())

    assert "Bolsward is op 1 januari 2011 opgegaan in Súdwest-Fryslân." in text(content)
    assert '<a href="/gemeenten/sudwest-fryslan/">Súdwest-Fryslân</a>' in content


def test_successor_lists_the_municipalities_merged_into_it(client):
    successor = make_municipality(name="Súdwest-Fryslân")
    make_municipality(
        name="Bolsward",
        slug="bolsward",
        dissolved_on=datetime.date(2011, 1, 1),
        successor=successor,
    )

    content = page(client, successor.get_absolute_url())

    assert "Op 1 januari 2011 ging Bolsward op in Súdwest-Fryslân." in text(content)
    assert '<a href="/gemeenten/bolsward/">Bolsward</a>' in content


def test_detail_has_a_title_and_a_description_of_its_status(client):
    municipality = make_municipality(name="Urk")

    content = page(client, municipality.get_absolute_url())

    assert "<title>Urk: stand van de gemeenteraad · Motietracker</title>" in content
    description = "Er is nog geen motie bekend van de gemeenteraad van Urk."
    assert f'<meta name="description" content="{description}">' in content


def test_unknown_municipality_gives_the_404_page_in_the_layout(client):
    response = client.get(reverse("motions:municipality", kwargs={"slug": "bestaat-niet"}))

    assert response.status_code == 404
    content = response.content.decode()
    assert 'aria-label="Hoofdmenu"' in content
    assert "<h1>Pagina niet gevonden</h1>" in content
    assert f'href="{LIST}"' in content


@pytest.mark.parametrize("size", [2, 3 * MOTIONS_SHOWN])
def test_detail_query_count_does_not_grow(client, django_assert_num_queries, size):
    municipality = make_municipality()
    for n in range(size):
        motion = make_motion(municipality=municipality)
        MotionEvent.objects.create(motion=motion, kind=MotionEvent.Kind.VOTED)
        make_faction(municipality=municipality, seats=n)
        make_municipality(
            province=municipality.province,
            dissolved_on=datetime.date(2019, 1, 1),
            successor=municipality,
        )
    # 1: the municipality with its status and province
    # 2: its newest public motions; 3: their events; 4: how many it has;
    # 5: the motion that gives its status, for the sentence
    # 6: its current factions with their parties
    # 7: the municipalities merged into it; 8: its latest boundary for the outline
    with django_assert_num_queries(8):
        client.get(municipality.get_absolute_url())


def test_detail_shows_the_newest_motions_and_links_to_all_of_them(client):
    municipality = make_municipality(name="Zwolle", slug="zwolle")
    for n in range(MOTIONS_SHOWN + 2):
        make_motion(
            municipality=municipality,
            title=f"Motie nummer {n}",
            status=Motion.Status.SUBMITTED,
            submitted_on=datetime.date(2024, 1, 1) + datetime.timedelta(days=n),
        )

    content = client.get(municipality.get_absolute_url()).content.decode()

    assert f"Motie nummer {MOTIONS_SHOWN + 1}<" in content
    assert "Motie nummer 1<" not in content
    assert f'href="{reverse("motions:list")}?municipality=zwolle"' in content
    assert f"Alle {MOTIONS_SHOWN + 2} moties van Zwolle" in content


def test_status_sentence_names_the_deciding_motion_beyond_the_newest(client):
    municipality = make_municipality(name="Zwolle")
    make_motion(municipality=municipality, decided_on=datetime.date(2020, 3, 5))
    for n in range(MOTIONS_SHOWN):  # decided later, so listed before it
        make_motion(
            municipality=municipality,
            status=Motion.Status.REJECTED,
            decided_on=datetime.date(2024, 1, 1) + datetime.timedelta(days=n),
        )

    content = client.get(municipality.get_absolute_url()).content.decode()

    assert "De gemeenteraad van Zwolle heeft in maart 2020 een motie aangenomen." in content


def test_withdrawn_motion_without_a_decision_date_gets_no_made_up_date(client):
    municipality = make_municipality(name="Kampen")
    make_motion(
        municipality=municipality,
        status=Motion.Status.WITHDRAWN,
        submitted_on=datetime.date(2024, 3, 5),
    )

    content = client.get(municipality.get_absolute_url()).content.decode()

    assert "In Kampen is een motie ingetrokken." in content
    assert "5 maart 2024 een motie ingetrokken" not in content


def test_a_search_that_finds_nothing_suggests_what_was_probably_meant(client):
    beekdaelen = make_municipality(name="Beekdaelen")
    make_municipality(name="Schinnen", dissolved_on=datetime.date(2019, 1, 1), successor=beekdaelen)

    content = text(page(client, q="Schinen"))

    assert "Bedoelt u Schinnen (nu Beekdaelen)?" in content


def test_a_search_written_like_a_slug_finds_the_name(client):
    make_municipality(name="'s-Gravenhage", slug="s-gravenhage", aliases="Den Haag")

    assert row_names(page(client, q="s gravenhage")) == ["'s-Gravenhage"]
