"""The exports stream: rows go from the database to the response in chunks, in a
fixed number of queries however many there are, and a repeat of an unchanged
export is answered with 304 from its ETag (the data's version)."""

import datetime
import io

import openpyxl
import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.http import FileResponse, StreamingHttpResponse
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from motions.models import Motion
from municipalities.models import ContactMoment, Municipality
from tests.conftest import make_faction, make_motion, make_municipality, make_party
from tests.test_spreadsheets import apply, make_contact, preview, write
from workspace.spreadsheets import views

EXPORTS = [(kind, fmt) for kind in ("moties", "contacten") for fmt in ("csv", "xlsx")]


@pytest.fixture
def councils(db) -> dict[str, Municipality]:
    return {
        "sudwest": make_municipality(code="GM1900", name="Súdwest-Fryslân", slug="sudwest"),
        "bosch": make_municipality(code="GM0796", name="'s-Hertogenbosch", slug="bosch"),
    }


def make_rows(councils: dict[str, Municipality], volunteer, numbers: range) -> None:
    """A motion and a contact per number, each contact with a faction and a volunteer."""
    for number in numbers:
        council = councils["bosch"] if number % 2 else councils["sudwest"]
        party = make_party(name=f"Partij {number}", abbreviation=f"P{number}")
        faction = make_faction(municipality=council, party=party, election_year=2022)
        make_motion(municipality=council, title=f"Motie {number}")
        make_contact(municipality=council, faction=faction, volunteer=volunteer)


@pytest.fixture
def exported(councils, volunteer) -> None:
    party = make_party(name="GroenLinks-PvdA", abbreviation="GL-PvdA")
    faction = make_faction(municipality=councils["bosch"], party=party, election_year=2022)
    make_motion(
        municipality=councils["sudwest"],
        title='Motie "gewortelde" kinderen',
        submitted_on=datetime.date(2025, 3, 12),
        decided_on=datetime.date(2025, 4, 1),
        decided_precision="month",
        votes_for=21,
        votes_against=8,
        summary="=Oproep;\nmet een tweede regel",
        source_url="https://example.org/motie",
    )
    make_motion(municipality=councils["bosch"], title="-", status="submitted", summary="leeg")
    make_contact(
        municipality=councils["bosch"],
        faction=faction,
        date=datetime.date(2026, 11, 23),
        contact_name="J. de Vries",
        follow_up_on=datetime.date(2026, 12, 7),
        volunteer=volunteer,
    )


def get(client: Client, kind: str, fmt: str, etag: str = ""):
    headers = {"If-None-Match": etag} if etag else {}
    return client.get(reverse("workspace:export", args=[kind, fmt]), headers=headers)


def read(response) -> bytes:
    return b"".join(response.streaming_content)


def workbook_rows(content: bytes) -> list[list[object]]:
    sheet = openpyxl.load_workbook(io.BytesIO(content)).active
    assert sheet is not None
    return [[cell.value for cell in row] for row in sheet.iter_rows()]


# --- streaming ---------------------------------------------------------------------------------


@pytest.mark.parametrize(("kind", "fmt"), EXPORTS)
def test_an_export_streams(volunteer_client, exported, kind, fmt):
    response = get(volunteer_client, kind, fmt)
    assert response.status_code == 200
    assert isinstance(response, FileResponse if fmt == "xlsx" else StreamingHttpResponse)
    assert response["Content-Disposition"].startswith(f'attachment; filename="motietracker-{kind}-')
    assert response["Cache-Control"] in ("private, no-cache", "no-cache, private")
    assert response["ETag"]


def test_a_csv_export_writes_the_same_bytes_as_before(volunteer_client, exported):
    """BOM, semicolons, CRLF, quoting, and a quote before a formula or a marker."""
    assert read(get(volunteer_client, "moties", "csv")) == (
        b"\xef\xbb\xbfgemeente;cbs_code;titel;soort;status;ingediend;besloten;"
        b"stemmen_voor;stemmen_tegen;samenvatting;bron\r\n"
        b"'s-Hertogenbosch;GM0796;'-;motie;ingediend;;;;;'leeg;\r\n"
        b'S\xc3\xbadwest-Frysl\xc3\xa2n;GM1900;"Motie ""gewortelde"" kinderen";motie;aangenomen;'
        b'12-03-2025;04-2025;21;8;"\'=Oproep;\nmet een tweede regel";https://example.org/motie\r\n'
    )


def test_an_xlsx_export_reads_back_as_the_table(volunteer_client, exported, volunteer):
    rows = workbook_rows(read(get(volunteer_client, "contacten", "xlsx")))
    assert rows == [
        [
            "gemeente",
            "cbs_code",
            "datum",
            "kanaal",
            "richting",
            "fractie",
            "contactpersoon",
            "email",
            "samenvatting",
            "opvolgen_op",
            "opgevolgd",
            "vrijwilliger",
        ],
        [
            "'s-Hertogenbosch",
            "GM0796",
            datetime.datetime(2026, 11, 23),
            "e-mail",
            "verstuurd",
            "GL-PvdA",
            "J. de Vries",
            None,
            "Voorbeeldmotie gestuurd",
            datetime.datetime(2026, 12, 7),
            "nee",
            volunteer.username,
        ],
    ]


# --- ETag --------------------------------------------------------------------------------------


@pytest.mark.parametrize(("kind", "fmt"), EXPORTS)
def test_a_repeat_of_an_unchanged_export_is_not_modified(
    volunteer_client, exported, monkeypatch, kind, fmt
):
    etag = get(volunteer_client, kind, fmt)["ETag"]
    monkeypatch.setattr(views, "export_table", pytest.fail)  # no rows are read for a 304
    response = get(volunteer_client, kind, fmt, etag)
    assert response.status_code == 304
    assert response["ETag"] == etag


def test_each_export_has_its_own_etag(volunteer_client, exported):
    assert len({get(volunteer_client, kind, fmt)["ETag"] for kind, fmt in EXPORTS}) == 4


def etags(client: Client) -> dict[tuple[str, str], str]:
    return {(kind, fmt): get(client, kind, fmt)["ETag"] for kind, fmt in EXPORTS}


def test_saving_a_motion_changes_the_motions_etag(volunteer_client, exported):
    before = etags(volunteer_client)
    motion = Motion.objects.get(title="-")
    motion.summary = "anders"
    motion.save()
    after = etags(volunteer_client)
    assert after[("moties", "csv")] != before[("moties", "csv")]
    # The contacts' ETag holds the public data version too (a renamed party must
    # reach the export), so a saved motion costs it one fresh download; never a stale one.


def test_saving_a_contact_changes_the_contacts_etag(volunteer_client, exported):
    before = get(volunteer_client, "contacten", "xlsx")["ETag"]
    contact = ContactMoment.objects.get()
    contact.follow_up_done = True
    contact.save()
    assert get(volunteer_client, "contacten", "xlsx")["ETag"] != before


def test_renaming_a_council_changes_both_etags(volunteer_client, exported, councils):
    before = etags(volunteer_client)
    council = councils["bosch"]
    council.name = "Den Bosch"
    council.save()
    after = etags(volunteer_client)
    assert all(after[export] != before[export] for export in EXPORTS)


def test_deleting_a_motion_changes_the_etag(volunteer_client, exported):
    before = get(volunteer_client, "moties", "csv")["ETag"]
    Motion.objects.get(title="-").delete()
    response = get(volunteer_client, "moties", "csv", before)
    assert response.status_code == 200
    assert response["ETag"] != before


def test_an_import_changes_the_etag(coordinator_client, exported, tmp_path):
    before = get(coordinator_client, "moties", "csv")["ETag"]
    text = "gemeente;titel;status\nSúdwest-Fryslân;Motie nieuw;ingediend\n"
    url, previewed = preview(coordinator_client, write(tmp_path, "m.csv", text))
    apply(coordinator_client, url, previewed)
    assert Motion.objects.filter(title="Motie nieuw").exists()
    response = get(coordinator_client, "moties", "csv", before)
    assert response.status_code == 200
    assert response["ETag"] != before


# --- queries -----------------------------------------------------------------------------------


def export_queries(client: Client, kind: str, fmt: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = get(client, kind, fmt)
        read(response)  # the rows are read while the response streams
    return len(queries)


@pytest.mark.parametrize(("kind", "fmt"), EXPORTS)
def test_an_exports_queries_do_not_grow_with_its_rows(
    volunteer_client, councils, volunteer, kind, fmt
):
    make_rows(councils, volunteer, range(3))
    few = export_queries(volunteer_client, kind, fmt)
    make_rows(councils, volunteer, range(3, 30))
    # the session, the user, the user's permissions and its groups' permissions,
    # the data version (ETag), the rows (with their councils, factions, parties and users)
    assert export_queries(volunteer_client, kind, fmt) == few == 6


# --- who may export -----------------------------------------------------------------------------


@pytest.mark.parametrize(("kind", "fmt"), EXPORTS)
def test_an_anonymous_visitor_is_sent_to_the_login(client, exported, kind, fmt):
    response = get(client, kind, fmt)
    assert response.status_code == 302
    assert response.url.startswith(reverse("workspace:login"))


@pytest.mark.parametrize(("kind", "fmt"), EXPORTS)
def test_an_account_without_a_role_may_not_export(client, exported, kind, fmt):
    client.force_login(get_user_model().objects.create_user("zonder-rol"))
    assert get(client, kind, fmt).status_code == 403
    assert get(client, kind, fmt, "*").status_code == 403  # no 304 either


def test_a_renamed_party_changes_the_export_etag(volunteer_client, exported):
    from municipalities.models import Party

    before = get(volunteer_client, "contacten", "csv")["ETag"]
    party = Party.objects.create(name="Oude naam")
    after_create = get(volunteer_client, "contacten", "csv")["ETag"]
    party.name = "Nieuwe naam"
    party.save()

    assert after_create != before
    assert get(volunteer_client, "contacten", "csv")["ETag"] != after_create
