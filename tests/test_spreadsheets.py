"""Import and export of motions and contact moments as CSV and XLSX.

Every file is made here, in Python, the way volunteers' spreadsheets really
look: Dutch Excel's semicolons and Windows-1252 accents, a UTF-8 BOM, an
Excel workbook with real date cells.
"""

import datetime
import io
import re
from pathlib import Path

import openpyxl
import pytest
from django.core.cache import cache
from django.urls import reverse

from motions.models import Motion
from municipalities.models import ContactMoment
from tests.conftest import make_faction, make_motion, make_municipality, make_party
from workspace.spreadsheets import readers, sheets, views
from workspace.spreadsheets.cells import parse_choice, parse_partial_date
from workspace.spreadsheets.readers import xlsx_cell
from workspace.spreadsheets.sheets import Context

IMPORT_URL = reverse("workspace:import")

MOTIONS_HEADER = "gemeente;titel;soort;status;ingediend;besloten;stemmen_voor;stemmen_tegen"
CONTACTS_HEADER = "gemeente;datum;kanaal;richting;samenvatting"


@pytest.fixture
def councils(db):
    """Three councils whose names are hard to type."""
    return {
        "sudwest": make_municipality(code="GM1900", name="Súdwest-Fryslân", slug="sudwest"),
        "bosch": make_municipality(
            code="GM0796", name="'s-Hertogenbosch", slug="s-hertogenbosch", aliases="Den Bosch"
        ),
        "haag": make_municipality(
            code="GM0518", name="'s-Gravenhage", slug="s-gravenhage", aliases="Den Haag"
        ),
    }


def make_contact(**kwargs) -> ContactMoment:
    kwargs.setdefault("date", datetime.date(2026, 10, 1))
    kwargs.setdefault("channel", ContactMoment.Channel.EMAIL)
    kwargs.setdefault("direction", ContactMoment.Direction.SENT)
    kwargs.setdefault("summary", "Voorbeeldmotie gestuurd")
    return ContactMoment.objects.create(**kwargs)


def write(tmp_path: Path, name: str, text: str, encoding: str = "cp1252") -> Path:
    path = tmp_path / name
    path.write_bytes(text.replace("\n", "\r\n").encode(encoding))
    return path


def write_xlsx(tmp_path: Path, name: str, rows: list[list]) -> Path:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    assert sheet is not None
    for row in rows:
        sheet.append(row)
    path = tmp_path / name
    workbook.save(path)
    return path


def upload(client, path: Path, kind: str = "moties"):
    with path.open("rb") as file:
        return client.post(IMPORT_URL, {"kind": kind, "file": file})


def preview(client, path: Path, kind: str = "moties"):
    """Upload the file; return its preview URL and the preview page."""
    response = upload(client, path, kind)
    assert response.status_code == 302, response.content.decode()
    return response.url, client.get(response.url)


def apply(client, url: str, previewed, **kwargs):
    """Press the preview's import button: post its form as the page rendered it."""
    return client.post(url, {"digest": shown_digest(previewed)}, **kwargs)


def shown_digest(previewed) -> str:
    found = re.search(r'name="digest" value="([0-9a-f]+)"', previewed.content.decode())
    return found.group(1) if found else ""


def totals(response) -> dict[str, int]:
    return dict(response.context["plan"].counts)


def row_notes(response) -> dict[int, list[str]]:
    """What the preview says per row: its notes, then the changes it would make."""
    return {
        row.number: [*row.notes, *(str(change) for change in row.changes)]
        for row in response.context["plan"].rows
    }


# --- reading what volunteers type --------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("23-11-2026", (datetime.date(2026, 11, 23), "day")),
        ("3-4-2025", (datetime.date(2025, 4, 3), "day")),
        ("2025-04-03", (datetime.date(2025, 4, 3), "day")),
        ("04-2025", (datetime.date(2025, 4, 1), "month")),
        ("april 2025", (datetime.date(2025, 4, 1), "month")),
        ("Apr 2025", (datetime.date(2025, 4, 1), "month")),
        ("apr-25", (datetime.date(2025, 4, 1), "month")),
        ("maart 2024", (datetime.date(2024, 3, 1), "month")),
        ("2024", (datetime.date(2024, 1, 1), "year")),
        ("", (None, "day")),
    ],
)
def test_partial_dates_are_read_as_typed(text, expected):
    assert parse_partial_date(text) == expected


@pytest.mark.parametrize("text", ["31-02-2025", "volgende week", "13-2025", "23-11-26"])
def test_impossible_dates_are_refused(text):
    with pytest.raises(ValueError):
        parse_partial_date(text)


def test_choices_accept_dutch_labels_and_internal_values():
    assert parse_choice("Aangenomen", Motion.Status) == "adopted"
    assert parse_choice("adopted", Motion.Status) == "adopted"
    assert parse_choice("E-mail", ContactMoment.Channel) == "email"
    assert parse_choice("verstuurd", ContactMoment.Direction) == "sent"


@pytest.mark.parametrize(
    ("typed", "council"),
    [
        ("Den Haag", "haag"),
        ("sudwest-fryslan", "sudwest"),
        ("SÚDWEST-FRYSLÂN", "sudwest"),
        ("s-Hertogenbosch", "bosch"),
        ("Den Bosch", "bosch"),
        ("GM0518", "haag"),
        ("0518", "haag"),
        ("518", "haag"),
    ],
)
def test_municipalities_are_found_by_name_alias_or_code(councils, typed, council):
    assert Context().municipality(typed, "").named == councils[council]


def test_a_name_and_code_that_disagree_are_refused(councils):
    with pytest.raises(ValueError, match="past niet bij CBS-code GM0518"):
        Context().municipality("Den Bosch", "GM0518")


@pytest.mark.parametrize(
    ("number_format", "expected"),
    [("dd-mm-yyyy", datetime.date(2025, 4, 1)), ("mmm-yy", "04-2025"), ("yyyy", "2025")],
)
def test_an_excel_date_cell_formatted_as_a_month_stands_for_that_month(number_format, expected):
    assert xlsx_cell(datetime.datetime(2025, 4, 1), number_format) == expected


def test_an_active_municipality_wins_over_a_dissolved_one_of_the_same_name(db):
    active = make_municipality(name="Sluis", code="GM1714")
    make_municipality(name="Sluis", code="GM0001", dissolved_on=datetime.date(2003, 1, 1))
    assert Context().municipality("sluis", "").named == active


# --- importing Dutch Excel files ------------------------------------------------------------

DUTCH_EXCEL_MOTIONS = f"""{MOTIONS_HEADER}
Súdwest-Fryslân;Motie gewortelde kinderen;motie;Aangenomen;12-03-2025;03-04-2025;21;8
's-Hertogenbosch;Motie kinderpardon;Motie;ingediend;2-9-2025;;;
"""


def test_dutch_excel_csv_is_previewed_without_writing(coordinator_client, councils, tmp_path):
    path = write(tmp_path, "moties.csv", DUTCH_EXCEL_MOTIONS, "cp1252")
    _url, response = preview(coordinator_client, path)
    assert response.status_code == 200
    assert totals(response) == {"create": 2, "update": 0, "unchanged": 0, "refused": 0}
    content = response.content.decode()
    assert "Súdwest-Fryslân · Motie gewortelde kinderen" in content
    assert "Importeren: 2 nieuw, 0 bijgewerkt" in content
    assert not Motion.objects.exists()


def test_dutch_excel_csv_is_applied(coordinator_client, councils, tmp_path):
    path = write(tmp_path, "moties.csv", DUTCH_EXCEL_MOTIONS, "cp1252")
    url, previewed = preview(coordinator_client, path)
    response = apply(coordinator_client, url, previewed, follow=True)
    assert "2 nieuw, 0 bijgewerkt" in response.content.decode()
    adopted = Motion.objects.get(municipality=councils["sudwest"])
    assert (adopted.status, adopted.submitted_on, adopted.decided_on) == (
        Motion.Status.ADOPTED,
        datetime.date(2025, 3, 12),
        datetime.date(2025, 4, 3),
    )
    assert (adopted.votes_for, adopted.votes_against) == (21, 8)
    submitted = Motion.objects.get(municipality=councils["bosch"])
    assert (submitted.status, submitted.decided_on) == (Motion.Status.SUBMITTED, None)


def test_a_month_is_stored_with_month_precision(coordinator_client, councils, tmp_path):
    text = "gemeente;titel;status;besloten\nDen Haag;Motie;verworpen;april 2025\n"
    url, response = preview(coordinator_client, write(tmp_path, "m.csv", text))
    apply(coordinator_client, url, response)
    motion = Motion.objects.get()
    assert (motion.decided_on, motion.decided_precision) == (datetime.date(2025, 4, 1), "month")
    assert motion.decided_display == "april 2025"


def test_a_utf8_bom_csv_with_commas_is_read(coordinator_client, councils, tmp_path):
    text = (
        "\ufeffGemeente,Datum,Kanaal,Richting,Samenvatting\n"
        "Súdwest-Fryslân,01-10-2026,e-mail,verstuurd,Voorbeeldmotie gestuurd\n"
    )
    url, response = preview(
        coordinator_client, write(tmp_path, "c.csv", text, "utf-8"), "contacten"
    )
    assert totals(response)["create"] == 1
    apply(coordinator_client, url, response)
    contact = ContactMoment.objects.get()
    assert contact.municipality == councils["sudwest"]
    assert (contact.date, contact.channel, contact.direction) == (
        datetime.date(2026, 10, 1),
        ContactMoment.Channel.EMAIL,
        ContactMoment.Direction.SENT,
    )


def test_an_xlsx_with_a_real_date_cell_is_read(coordinator_client, councils, tmp_path):
    path = write_xlsx(
        tmp_path,
        "contacten.xlsx",
        [
            ["gemeente", "datum", "kanaal", "richting", "samenvatting", "opgevolgd"],
            ["Den Bosch", datetime.datetime(2026, 11, 23), "telefoon", "ontvangen", "Belde", "ja"],
        ],
    )
    url, response = preview(coordinator_client, path, "contacten")
    assert totals(response)["create"] == 1
    apply(coordinator_client, url, response)
    contact = ContactMoment.objects.get()
    assert (contact.municipality, contact.date, contact.follow_up_done) == (
        councils["bosch"],
        datetime.date(2026, 11, 23),
        True,
    )


def test_unknown_columns_are_listed_as_ignored(coordinator_client, councils, tmp_path):
    text = "gemeente;titel;status;opmerking intern\nDen Haag;Motie;ingediend;bellen\n"
    _url, response = preview(coordinator_client, write(tmp_path, "m.csv", text))
    assert response.context["plan"].ignored == ["opmerking intern"]
    assert "opmerking intern" in response.content.decode()


# --- refused rows: all or nothing ------------------------------------------------------------

REFUSED_MOTIONS = f"""{MOTIONS_HEADER}
Den Haag;Goede motie;motie;aangenomen;01-02-2025;01-03-2025;;
Atlantis;Motie;motie;ingediend;;;;
Den Bosch;Motie;motie;ingediend;31-02-2025;;;
Súdwest-Fryslân;Motie;motie;half aangenomen;;;;
Den Haag;Goede motie;motie;aangenomen;01-02-2025;01-03-2025;;
"""


@pytest.fixture
def refused_preview(coordinator_client, councils, tmp_path):
    return preview(coordinator_client, write(tmp_path, "fout.csv", REFUSED_MOTIONS))


def test_an_unknown_municipality_is_refused_with_its_row(refused_preview):
    assert row_notes(refused_preview[1])[3] == [
        "gemeente: We kennen geen gemeente “Atlantis”. Kies een gemeente uit de lijst."
    ]


def test_a_bad_date_is_refused_with_its_row(refused_preview):
    assert row_notes(refused_preview[1])[4] == ["ingediend: 31-2-2025 bestaat niet"]


def test_a_bad_status_is_refused_with_its_row(refused_preview):
    [note] = row_notes(refused_preview[1])[5]
    assert note.startswith('status: "half aangenomen" kan niet; kies uit: concept, ingediend')


def test_a_duplicate_row_is_refused_naming_the_first(refused_preview):
    assert row_notes(refused_preview[1])[6] == ["dubbele regel, gelijk aan regel 2"]


def test_with_refused_rows_there_is_no_apply_button(refused_preview):
    content = refused_preview[1].content.decode()
    assert "Er wordt niets geïmporteerd zolang er geweigerde regels zijn" in content
    assert "Importeren:" not in content


def test_applying_with_refused_rows_saves_not_even_the_valid_ones(
    coordinator_client, refused_preview
):
    response = coordinator_client.post(refused_preview[0])
    assert response.status_code == 302
    assert not Motion.objects.exists()


def test_a_model_rule_refuses_a_row_in_dutch(coordinator_client, councils, tmp_path):
    text = "gemeente;titel;status;ingediend;besloten\nDen Haag;Motie;aangenomen;05-2025;2024\n"
    _url, response = preview(coordinator_client, write(tmp_path, "m.csv", text))
    assert row_notes(response)[2] == ["besloten: De besluitdatum ligt vóór de datum van indienen."]


def test_a_contact_already_logged_is_unchanged_and_a_repeat_in_the_file_refused(
    coordinator_client, councils, tmp_path
):
    make_contact(municipality=councils["haag"])
    row = "Den Haag;01-10-2026;e-mail;verstuurd;Voorbeeldmotie gestuurd"
    text = f"{CONTACTS_HEADER}\n{row}\n{row}\n"
    _url, response = preview(coordinator_client, write(tmp_path, "c.csv", text), "contacten")
    assert [r.action for r in response.context["plan"].rows] == ["unchanged", "refused"]
    assert row_notes(response)[3] == ["dubbele regel, gelijk aan regel 2"]


def test_contact_dates_that_are_typos_are_refused_as_in_the_form(
    coordinator_client, councils, tmp_path
):
    header = f"{CONTACTS_HEADER};opvolgen_op"
    text = (
        f"{header}\nDen Haag;01-10-2099;e-mail;verstuurd;Te ver weg;\n"
        "Den Haag;01-10-2025;e-mail;verstuurd;Opvolgen vóór het contact;01-09-2025\n"
    )
    _url, response = preview(coordinator_client, write(tmp_path, "c.csv", text), "contacten")
    notes = row_notes(response)
    assert notes[2] == [
        "datum: Deze datum ligt te ver in de toekomst; vul de dag van het contact in."
    ]
    assert notes[3] == [
        "opvolgen_op: De opvolgdatum ligt vóór de datum van het contact. Kies een latere dag."
    ]


def test_an_unknown_faction_is_refused(coordinator_client, councils, tmp_path):
    text = f"{CONTACTS_HEADER};fractie\nDen Haag;01-10-2026;brief;verstuurd;Brief;XYZ\n"
    _url, response = preview(coordinator_client, write(tmp_path, "c.csv", text), "contacten")
    assert row_notes(response)[2] == ['fractie: geen fractie "XYZ" bekend in \'s-Gravenhage']


# --- apply does what the preview said ----------------------------------------------------------


def test_apply_creates_and_updates_exactly_what_the_preview_said(
    coordinator_client, councils, tmp_path
):
    existing = make_motion(
        municipality=councils["haag"], title="Motie kinderpardon", status="submitted"
    )
    text = (
        "gemeente;titel;status;besloten\n"
        "Den Haag;Motie kinderpardon;aangenomen;14-05-2025\n"
        "Den Bosch;Nieuwe motie;ingediend;\n"
    )
    url, response = preview(coordinator_client, write(tmp_path, "m.csv", text))
    assert totals(response) == {"create": 1, "update": 1, "unchanged": 0, "refused": 0}
    assert row_notes(response)[2] == [
        "status: ingediend → aangenomen",
        "besloten: — → 14-05-2025",
    ]
    apply(coordinator_client, url, response)
    existing.refresh_from_db()
    assert (existing.status, existing.decided_on) == ("adopted", datetime.date(2025, 5, 14))
    assert Motion.objects.count() == 2
    assert Motion.objects.get(title="Nieuwe motie").municipality == councils["bosch"]


def test_applied_changes_are_in_the_history_with_user_and_file(
    coordinator_client, coordinator, councils, tmp_path
):
    text = "gemeente;titel;status\nDen Haag;Motie;ingediend\n"
    url, response = preview(coordinator_client, write(tmp_path, "lijst.csv", text))
    apply(coordinator_client, url, response)
    record = Motion.objects.get().history.get()
    assert (record.history_user, record.history_change_reason) == (coordinator, "Import lijst.csv")


def test_the_import_is_gone_after_it_was_applied(coordinator_client, councils, tmp_path):
    text = "gemeente;titel;status\nDen Haag;Motie;ingediend\n"
    url, previewed = preview(coordinator_client, write(tmp_path, "m.csv", text))
    apply(coordinator_client, url, previewed)
    response = apply(coordinator_client, url, previewed, follow=True)
    assert "verlopen of onbekend" in response.content.decode()
    assert Motion.objects.count() == 1


# --- export and round trip ---------------------------------------------------------------------


@pytest.fixture
def campaign_data(councils, volunteer):
    party = make_party(name="GroenLinks-PvdA", abbreviation="GL-PvdA")
    faction = make_faction(municipality=councils["bosch"], party=party, election_year=2022)
    make_motion(
        municipality=councils["sudwest"],
        title="Motie gewortelde kinderen",
        submitted_on=datetime.date(2025, 3, 12),
        decided_on=datetime.date(2025, 4, 1),
        decided_precision="month",
        votes_for=21,
        votes_against=8,
        summary="=Oproep aan het college;\nmet een tweede regel",
        source_url="https://example.org/motie",
    )
    make_motion(
        municipality=councils["haag"],
        title="Motie kinderpardon",
        status="submitted",
        submitted_on=datetime.date(2024, 1, 1),
        submitted_precision="year",
    )
    make_contact(
        municipality=councils["bosch"],
        faction=faction,
        date=datetime.date(2026, 11, 23),
        contact_name="J. de Vries",
        contact_email="fractie@example.org",
        follow_up_on=datetime.date(2026, 12, 7),
        volunteer=volunteer,
    )
    make_contact(
        municipality=councils["sudwest"],
        date=datetime.date(2026, 11, 24),
        channel="phone",
        direction="received",
        summary="Griffie belde terug",
        follow_up_done=True,
    )


def test_a_csv_export_opens_in_dutch_excel(volunteer_client, campaign_data):
    response = volunteer_client.get(reverse("workspace:export", args=["moties", "csv"]))
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith('attachment; filename="motietracker-moties-')
    content = response.getvalue()  # a stream: read once
    assert content.startswith(b"\xef\xbb\xbfgemeente;cbs_code;titel;soort;status;")
    text = content.decode("utf-8-sig")
    assert (
        "Súdwest-Fryslân;GM1900;Motie gewortelde kinderen;motie;aangenomen;12-03-2025;04-2025;21;8"
        in text
    )
    assert ";2024;" in text
    assert "\"'=Oproep aan het college;" in text  # no formula for Excel


@pytest.mark.parametrize("kind", ["moties", "contacten"])
@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_export_then_import_changes_nothing(coordinator_client, campaign_data, tmp_path, kind, fmt):
    model = Motion if kind == "moties" else ContactMoment
    exported = coordinator_client.get(reverse("workspace:export", args=[kind, fmt]))
    path = tmp_path / f"export.{fmt}"
    path.write_bytes(exported.getvalue())
    history_before = model.history.count()

    url, response = preview(coordinator_client, path, kind)
    assert totals(response) == {"create": 0, "update": 0, "unchanged": 2, "refused": 0}
    assert "Er is niets te importeren" in response.content.decode()
    coordinator_client.post(url, {"digest": response.context["plan"].digest})
    assert model.history.count() == history_before


def test_an_xlsx_export_has_real_date_cells(volunteer_client, campaign_data):
    response = volunteer_client.get(reverse("workspace:export", args=["contacten", "xlsx"]))
    sheet = openpyxl.load_workbook(io.BytesIO(response.getvalue())).active
    assert sheet is not None
    header = [cell.value for cell in sheet[1]]
    assert header == sheets.ContactSheet.column_names()
    assert sheet.cell(2, header.index("datum") + 1).value == datetime.datetime(2026, 11, 23)


# --- uploads that are refused as a whole ----------------------------------------------------------


def form_errors(response) -> list[str]:
    assert response.status_code == 200
    return response.context["form"].errors["file"]


def test_a_wrong_extension_is_refused(coordinator_client, councils, tmp_path):
    path = write(tmp_path, "moties.txt", DUTCH_EXCEL_MOTIONS)
    assert form_errors(upload(coordinator_client, path)) == [
        'Alleen .csv- en .xlsx-bestanden kunnen worden geïmporteerd, geen "moties.txt".'
    ]


def test_a_program_renamed_to_csv_is_refused(coordinator_client, councils, tmp_path):
    path = tmp_path / "moties.csv"
    path.write_bytes(b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff" * 64)
    [error] = form_errors(upload(coordinator_client, path))
    assert error.startswith("Dit bestand is geen tekst en dus geen CSV.")


def test_a_csv_renamed_to_xlsx_is_refused(coordinator_client, councils, tmp_path):
    path = write(tmp_path, "moties.xlsx", DUTCH_EXCEL_MOTIONS)
    [error] = form_errors(upload(coordinator_client, path))
    assert error.startswith("Dit bestand is geen Excel-werkmap (.xlsx).")


def test_an_oversized_file_is_refused(coordinator_client, councils, tmp_path, settings):
    settings.MAX_UPLOAD_MB = 1
    path = write(tmp_path, "moties.csv", DUTCH_EXCEL_MOTIONS + ";" * (1024 * 1024))
    assert form_errors(upload(coordinator_client, path)) == [
        "Het bestand is groter dan 1 MB; splits het op."
    ]


def test_too_many_rows_are_refused(coordinator_client, councils, tmp_path, monkeypatch):
    monkeypatch.setattr(readers, "MAX_ROWS", 1)
    path = write(tmp_path, "moties.csv", DUTCH_EXCEL_MOTIONS)
    [error] = form_errors(upload(coordinator_client, path))
    assert error.startswith("Het bestand heeft meer dan 1 regels")


def test_a_missing_required_column_is_refused(coordinator_client, councils, tmp_path):
    path = write(tmp_path, "moties.csv", "gemeente;titel\nDen Haag;Motie\n")
    [error] = form_errors(upload(coordinator_client, path))
    assert error.startswith("Verplichte kolommen ontbreken: status.")


def test_a_refused_upload_stores_nothing(coordinator_client, councils, tmp_path, monkeypatch):
    stored = []
    monkeypatch.setattr(views, "store_upload", lambda *args: stored.append(args))
    upload(coordinator_client, write(tmp_path, "moties.csv", "gemeente;titel\nDen Haag;M\n"))
    assert stored == []


# --- who may do what ------------------------------------------------------------------------------


def test_anonymous_visitors_are_sent_to_the_login(client, db):
    for url in [
        IMPORT_URL,
        reverse("workspace:import_preview", args=["abc"]),
        reverse("workspace:export", args=["moties", "csv"]),
    ]:
        response = client.get(url)
        assert response.status_code == 302
        assert response.url.startswith(reverse("workspace:login"))


def test_a_volunteer_may_not_upload(volunteer_client, councils, tmp_path):
    assert volunteer_client.get(IMPORT_URL).status_code == 403
    path = write(tmp_path, "moties.csv", DUTCH_EXCEL_MOTIONS)
    assert upload(volunteer_client, path).status_code == 403


def test_a_volunteer_may_not_preview_or_apply(
    coordinator_client, volunteer_client, councils, tmp_path
):
    url, previewed = preview(coordinator_client, write(tmp_path, "m.csv", DUTCH_EXCEL_MOTIONS))
    assert volunteer_client.get(url).status_code == 403
    assert apply(volunteer_client, url, previewed).status_code == 403
    assert not Motion.objects.exists()


def test_a_volunteer_may_export(volunteer_client, db):
    for kind in ["moties", "contacten"]:
        for fmt in ["csv", "xlsx"]:
            response = volunteer_client.get(reverse("workspace:export", args=[kind, fmt]))
            assert response.status_code == 200


def test_an_unknown_export_is_not_found(volunteer_client, db):
    response = volunteer_client.get(reverse("workspace:export", args=["gebruikers", "csv"]))
    assert response.status_code == 404


def test_a_coordinator_sees_the_import_page_with_its_columns(coordinator_client, db):
    response = coordinator_client.get(IMPORT_URL)
    assert response.status_code == 200
    content = response.content.decode()
    for column in ["stemmen_voor", "opvolgen_op", "vrijwilliger"]:
        assert f"<code>{column}</code>" in content
    assert reverse("workspace:export", args=["contacten", "xlsx"]) in content


# --- tokens ------------------------------------------------------------------------------------


def test_an_unknown_token_sends_back_to_the_upload(coordinator_client, db):
    url = reverse("workspace:import_preview", args=["bestaat-niet"])
    response = coordinator_client.get(url, follow=True)
    assert response.redirect_chain == [(IMPORT_URL, 302)]
    assert "Deze import is verlopen of onbekend" in response.content.decode()


def test_an_expired_import_cannot_be_applied(coordinator_client, councils, tmp_path):
    url, previewed = preview(coordinator_client, write(tmp_path, "m.csv", DUTCH_EXCEL_MOTIONS))
    cache.clear()
    response = apply(coordinator_client, url, previewed)
    assert response.url == IMPORT_URL
    assert not Motion.objects.exists()


def test_another_coordinators_token_is_unknown(coordinator_client, councils, tmp_path):
    from django.test import Client

    from tests.conftest import make_user
    from workspace import roles

    url, previewed = preview(coordinator_client, write(tmp_path, "m.csv", DUTCH_EXCEL_MOTIONS))
    other = Client()
    other.force_login(make_user("tweede", roles.COORDINATOR))
    assert apply(other, url, previewed).url == IMPORT_URL
    assert not Motion.objects.exists()
