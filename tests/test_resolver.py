"""One resolver reads a municipality that a person typed, wherever it is typed:
the public search, the report form, the decision form and the spreadsheet import."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from motions.models import ActionReport, Motion
from municipalities.models import Succession
from municipalities.resolver import resolve
from tests.conftest import make_municipality
from tests.test_report_form import valid_data
from tests.test_spreadsheets import preview, row_notes, write

pytestmark = pytest.mark.django_db

JAN_2019 = datetime.date(2019, 1, 1)


@pytest.fixture
def councils():
    """A small register: aliases, a merger, a rename, a split and a chain."""
    beekdaelen = make_municipality(name="Beekdaelen", code="GM1954", began_on=JAN_2019)
    haag = make_municipality(name="'s-Gravenhage", code="GM0518", aliases="Den Haag")
    sudwest = make_municipality(name="Súdwest-Fryslân", code="GM1900")
    leeuwarden = make_municipality(name="Leeuwarden", code="GM0080")
    dantumadiel = make_municipality(name="Dantumadiel", code="GM1891")
    tilburg = make_municipality(name="Tilburg", code="GM0855")
    vught = make_municipality(name="Vught", code="GM0865")
    schinnen = make_municipality(
        name="Schinnen", code="GM0962", dissolved_on=JAN_2019, successor=beekdaelen
    )
    dantumadeel = make_municipality(
        name="Dantumadeel", code="GM0058", dissolved_on=datetime.date(2009, 1, 1)
    )
    Succession.objects.create(
        predecessor=dantumadeel, successor=dantumadiel, kind=Succession.Kind.RENAME, source="t"
    )
    littenseradiel = make_municipality(
        name="Littenseradiel", code="GM0140", dissolved_on=datetime.date(2018, 1, 1)
    )
    haaren = make_municipality(name="Haaren", code="GM0788", dissolved_on=datetime.date(2021, 1, 1))
    udenhout = make_municipality(
        name="Udenhout", code="GM0857", dissolved_on=datetime.date(1997, 1, 1)
    )
    for predecessor, parts in [
        (littenseradiel, [sudwest, leeuwarden]),
        (haaren, [vught, tilburg]),
        (udenhout, [tilburg, haaren]),
    ]:
        for position, part in enumerate(parts, start=1):
            Succession.objects.create(
                predecessor=predecessor,
                successor=part,
                kind=Succession.Kind.SPLIT,
                share=Succession.Share.PART,
                position=position,
                source="t",
            )
    return {
        "beekdaelen": beekdaelen,
        "haag": haag,
        "sudwest": sudwest,
        "schinnen": schinnen,
        "dantumadiel": dantumadiel,
    }


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("Den Haag", "haag"),
        ("den haag", "haag"),
        ("'s-Gravenhage", "haag"),
        ("GM0518", "haag"),
        ("518", "haag"),
        ("sudwest-fryslan", "sudwest"),
        ("SÚDWEST", "sudwest"),
        ("Schinnen", "beekdaelen"),
        ("schinnen", "beekdaelen"),
        ("GM0962", "beekdaelen"),
        ("Dantumadeel", "dantumadiel"),
    ],
)
def test_text_leads_to_todays_municipality(councils, typed, expected):
    assert resolve(typed).municipality == councils[expected]


@pytest.mark.parametrize(
    ("typed", "note"),
    [
        ("Schinnen", "Schinnen hoort sinds 1 januari 2019 bij Beekdaelen."),
        ("Dantumadeel", "Dantumadeel heet sinds 1 januari 2009 Dantumadiel."),
        ("Den Haag", ""),
    ],
)
def test_resolver_says_why(councils, typed, note):
    assert resolve(typed).note == note


@pytest.mark.parametrize(
    ("typed", "parts"),
    [
        ("Littenseradiel", "Súdwest-Fryslân of Leeuwarden"),
        ("Udenhout", "Tilburg of Vught"),  # split in 1997, its part Haaren split in 2021
    ],
)
def test_a_split_municipality_asks_which_part(councils, typed, parts):
    resolution = resolve(typed)

    with pytest.raises(ValidationError) as error:
        _ = resolution.municipality
    assert error.value.code == "split"
    assert parts in " ".join(error.value.messages)


def test_a_typo_gets_a_suggestion_that_names_a_former_name_with_today(councils):
    with pytest.raises(ValidationError) as error:
        resolve("Schinen")

    assert "Bedoelt u Schinnen (nu Beekdaelen)?" in error.value.messages[0]


def test_an_unknown_name_says_so(councils):
    with pytest.raises(ValidationError, match="We kennen geen gemeente “Atlantis”"):
        resolve("Atlantis")


def test_a_municipality_that_ended_without_a_known_successor_says_when_only(councils):
    make_municipality(name="Aalburg", dissolved_on=JAN_2019)

    resolution = resolve("Aalburg")

    assert resolution.current == ()
    assert resolution.note == "Aalburg is opgeheven per 1 januari 2019."
    with pytest.raises(ValidationError, match="Aalburg is opgeheven per 1 januari 2019"):
        _ = resolution.municipality


def test_a_municipality_that_has_not_yet_begun_says_from_when(councils):
    make_municipality(name="Nieuwstad", began_on=datetime.date(2099, 1, 1))

    resolution = resolve("Nieuwstad")

    assert resolution.current == ()
    with pytest.raises(ValidationError) as error:
        _ = resolution.municipality
    assert error.value.code == "not_begun"
    assert "Nieuwstad bestaat pas vanaf 1 januari 2099." in error.value.messages[0]


def test_the_report_form_refuses_a_municipality_that_has_not_yet_begun(client, councils):
    make_municipality(name="Nieuwstad", began_on=datetime.date(2099, 1, 1))

    stored, page = report(client, "Nieuwstad")

    assert stored is None
    assert "Nieuwstad bestaat pas vanaf 1 januari 2099." in page


# --- the four callers give the same answer -----------------------------------------


def search(client, text: str) -> str:
    return client.get(reverse("motions:municipality_list"), {"q": text}).content.decode()


def report(client, text: str):
    response = client.post(reverse("motions:report"), valid_data(municipality=text), follow=True)
    return ActionReport.objects.order_by("-pk").first(), response.content.decode()


def decide(volunteer_client, text: str, decided: str):
    data = {
        "municipality": text,
        "title": "Motie gewortelde kinderen",
        "kind": "motie",
        "status": "adopted",
        "decided_on": decided,
        "level": "municipal",
    }
    for prefix in ("indieners", "stemmen", "tijdlijn"):
        data.update({f"{prefix}-TOTAL_FORMS": "0", f"{prefix}-INITIAL_FORMS": "0"})
    return volunteer_client.post(reverse("workspace:motion_create"), data)


@pytest.mark.parametrize("typed", ["Den Haag", "GM0518", "s-gravenhage", "DEN HAAG"])
def test_every_caller_finds_the_same_municipality(
    client, volunteer_client, coordinator_client, councils, tmp_path, typed
):
    haag = councils["haag"]

    assert f'href="{haag.get_absolute_url()}"' in search(client, typed)
    assert report(client, typed)[0].municipality == haag
    decide(volunteer_client, typed, "03-04-2025")
    assert Motion.objects.get().municipality == haag
    csv_file = write(tmp_path, "m.csv", f"gemeente;titel;status\n{typed};Motie;ingediend\n")
    _url, response = preview(coordinator_client, csv_file)
    [row] = response.context["plan"].rows
    assert row.instance.municipality == haag


def test_every_caller_says_a_former_name_belongs_to_todays_municipality(
    client, volunteer_client, coordinator_client, councils, tmp_path
):
    note = "Schinnen hoort sinds 1 januari 2019 bij Beekdaelen."

    assert note in search(client, "Schinnen")
    stored, page = report(client, "Schinnen")
    assert stored.municipality == councils["beekdaelen"]
    assert note in page
    # A council that ended decides nothing afterwards; its former decisions stay its own.
    decide(volunteer_client, "Schinnen", "03-04-2017")
    assert Motion.objects.get().municipality == councils["schinnen"]
    contacts = (
        "gemeente;datum;kanaal;richting;samenvatting\nSchinnen;01-10-2026;e-mail;verstuurd;x\n"
    )
    _url, response = preview(coordinator_client, write(tmp_path, "c.csv", contacts), "contacten")
    assert row_notes(response)[2] == [note]


def test_the_decision_forms_first_step_says_what_the_resolver_says(volunteer_client):
    for name in ("Bergen (NH.)", "Bergen (L.)", "Bergen op Zoom"):
        make_municipality(name=name)

    response = volunteer_client.get(reverse("workspace:motion_create"), {"gemeente": "Bergen"})

    content = response.content.decode()
    assert "Meerdere gemeenten passen bij “Bergen”" in content
    assert 'value="Bergen"' in content


def test_a_former_municipality_sharing_a_name_is_told_apart_and_can_be_chosen(councils):
    today = make_municipality(name="Sluis", code="GM1714", began_on=datetime.date(2003, 1, 1))
    old = make_municipality(name="Sluis", code="GM0713", dissolved_on=datetime.date(1995, 1, 1))
    Succession.objects.create(predecessor=old, successor=today, source="t")

    assert resolve("Sluis").named == today
    assert resolve("Sluis (tot 1995)").named == old
    assert resolve("GM0713").note == "Sluis (tot 1995) hoort sinds 1 januari 1995 bij Sluis."


def test_an_export_of_a_former_namesake_imports_again(coordinator_client, tmp_path):
    make_municipality(name="Sluis", code="GM1714", began_on=datetime.date(2003, 1, 1))
    make_municipality(name="Sluis", code="GM0713", dissolved_on=datetime.date(2003, 1, 1))
    csv_file = write(
        tmp_path, "m.csv", "gemeente;cbs_code;titel;status\nSluis;GM0713;Motie;ingediend\n"
    )

    _url, response = preview(coordinator_client, csv_file)

    [row] = response.context["plan"].rows
    assert (row.action, row.instance.municipality.code) == ("create", "GM0713")
