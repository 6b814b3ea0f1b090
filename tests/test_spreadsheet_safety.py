"""What makes an import safe to press: it never erases by accident, no text in
it can overflow a column, and it applies only the preview that was shown.

Through the real URLs, as a coordinator uses them: upload, look at the
preview, press the import button (its form posts the preview's digest).
"""

import datetime
import io
import zipfile

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from motions.models import Motion
from tests import test_spreadsheets
from tests.conftest import make_motion, opened
from tests.test_spreadsheets import (
    CONTACTS_HEADER,
    IMPORT_URL,
    apply,
    make_contact,
    preview,
    row_notes,
    totals,
    write,
    write_xlsx,
)
from tests.test_workspace_decisions import decision, edit_url

pytestmark = pytest.mark.django_db

councils = test_spreadsheets.councils  # the fixture: three councils whose names are hard to type

CHANGED_SINCE = "Sinds u de voorbeeldweergave opende, is er iets veranderd in "
NOTHING_IMPORTED = (
    "Er is niets geïmporteerd. Bekijk de nieuwe voorbeeldweergave en importeer opnieuw."
)


@pytest.fixture
def adopted(councils):
    """A motion of Den Haag with its votes counted: 30 for, 5 against."""
    return make_motion(
        municipality=councils["haag"],
        title="Motie kinderpardon",
        decided_on=datetime.date(2025, 4, 1),
        decided_precision="month",
        votes_for=30,
        votes_against=5,
        source_url="https://example.org/motie",
    )


MOTION_HEADER = "gemeente;titel;status;besloten;stemmen_voor;stemmen_tegen;bron"


def motion_file(tmp_path, *rows: str, name: str = "moties.csv"):
    return write(tmp_path, name, "\n".join([MOTION_HEADER, *rows]) + "\n")


def messages_of(response) -> list[str]:
    return [str(message) for message in response.context["messages"]]


# --- an empty cell leaves the stored value; "-" or "leeg" clears it -------------------------------


def test_an_empty_cell_in_an_update_leaves_the_stored_value(coordinator_client, adopted, tmp_path):
    path = motion_file(tmp_path, "Den Haag;Motie kinderpardon;aangenomen;04-2025;;;")
    _url, response = preview(coordinator_client, path)

    assert totals(response) == {"create": 0, "update": 0, "unchanged": 1, "refused": 0}
    assert "ongewijzigd" in response.content.decode()
    assert "wordt gewist" not in response.content.decode()


def test_an_empty_cell_next_to_a_change_is_kept_when_applied(coordinator_client, adopted, tmp_path):
    path = motion_file(tmp_path, "Den Haag;Motie kinderpardon;aangenomen;04-2025;31;;")
    url, response = preview(coordinator_client, path)
    assert row_notes(response)[2] == ["stemmen_voor: 30 → 31"]

    apply(coordinator_client, url, response)

    adopted.refresh_from_db()
    assert (adopted.votes_for, adopted.votes_against) == (31, 5)
    assert adopted.source_url == "https://example.org/motie"


def test_an_empty_status_in_an_update_leaves_the_status(coordinator_client, adopted, tmp_path):
    path = motion_file(tmp_path, "Den Haag;Motie kinderpardon;;;;;")
    _url, response = preview(coordinator_client, path)

    assert totals(response)["unchanged"] == 1


def test_an_empty_status_of_a_new_motion_is_still_refused(coordinator_client, adopted, tmp_path):
    path = motion_file(tmp_path, "Den Haag;Nieuwe motie;;;;;")
    _url, response = preview(coordinator_client, path)

    [note] = row_notes(response)[2]
    assert note.startswith("status: vul dit in; kies uit: concept, ingediend")


@pytest.mark.parametrize("marker", ["-", "leeg", "Leeg", " LEEG "])
def test_a_marker_clears_a_value_and_the_preview_says_so(
    coordinator_client, adopted, tmp_path, marker
):
    path = motion_file(tmp_path, f"Den Haag;Motie kinderpardon;aangenomen;04-2025;{marker};;")
    url, response = preview(coordinator_client, path)

    assert row_notes(response)[2] == ["stemmen_voor: 30 → wordt gewist"]
    content = response.content.decode()
    assert '<li class="import-cleared">stemmen_voor: <del>30</del> →' in content
    assert "Let op: 1 opgeslagen waarde wordt gewist." in content

    apply(coordinator_client, url, response)

    adopted.refresh_from_db()
    assert (adopted.votes_for, adopted.votes_against) == (None, 5)


def test_every_cleared_value_is_counted_and_marked(coordinator_client, adopted, tmp_path):
    path = motion_file(tmp_path, "Den Haag;Motie kinderpardon;aangenomen;04-2025;-;leeg;-")
    _url, response = preview(coordinator_client, path)

    content = response.content.decode()
    assert "Let op: 3 opgeslagen waarden worden gewist." in content
    assert content.count('class="import-cleared"') == 3
    assert row_notes(response)[2] == [
        "stemmen_voor: 30 → wordt gewist",
        "stemmen_tegen: 5 → wordt gewist",
        "bron: https://example.org/motie → wordt gewist",
    ]


def test_clearing_the_date_of_a_decided_motion_is_refused(coordinator_client, adopted, tmp_path):
    path = motion_file(tmp_path, "Den Haag;Motie kinderpardon;aangenomen;-;;;")
    _url, response = preview(coordinator_client, path)

    assert row_notes(response)[2] == [
        "besloten: Een aangenomen of verworpen motie heeft een besluitdatum (een maand is genoeg)."
    ]


def test_clearing_a_required_status_is_refused(coordinator_client, adopted, tmp_path):
    path = motion_file(tmp_path, "Den Haag;Motie kinderpardon;-;04-2025;;;")
    _url, response = preview(coordinator_client, path)

    assert totals(response)["refused"] == 1
    [note] = row_notes(response)[2]
    assert note.startswith("status: vul dit in; kies uit:")


def test_a_marker_on_a_new_motion_means_empty(coordinator_client, councils, tmp_path):
    path = motion_file(tmp_path, "Den Haag;Nieuwe motie;ingediend;-;leeg;;-")
    url, response = preview(coordinator_client, path)
    assert totals(response)["create"] == 1

    apply(coordinator_client, url, response)

    motion = Motion.objects.get()
    assert (motion.decided_on, motion.votes_for, motion.source_url) == (None, None, "")


def test_a_contact_update_keeps_empty_cells_and_clears_marked_ones(
    coordinator_client,
    councils,
    tmp_path,
):
    contact = make_contact(
        municipality=councils["haag"],
        contact_name="J. de Vries",
        contact_email="fractie@example.org",
        follow_up_done=True,
    )
    header = f"{CONTACTS_HEADER};contactpersoon;email;opgevolgd"
    text = f"{header}\nDen Haag;01-10-2026;e-mail;verstuurd;Voorbeeldmotie gestuurd;;-;\n"
    url, response = preview(coordinator_client, write(tmp_path, "c.csv", text), "contacten")
    assert row_notes(response)[2] == ["email: fractie@example.org → wordt gewist"]

    apply(coordinator_client, url, response)

    contact.refresh_from_db()
    assert (contact.contact_name, contact.contact_email, contact.follow_up_done) == (
        "J. de Vries",
        "",
        True,
    )


def test_a_quoted_marker_is_text_in_csv_and_in_excel(coordinator_client, councils, tmp_path):
    csv_path = write(
        tmp_path, "m.csv", "gemeente;titel;status;samenvatting\nDen Haag;Motie;ingediend;'-\n"
    )
    url, response = preview(coordinator_client, csv_path)
    apply(coordinator_client, url, response)
    assert Motion.objects.get(title="Motie").summary == "-"

    path = write_xlsx(
        tmp_path,
        "m.xlsx",
        [["gemeente", "titel", "status", "samenvatting"], ["Den Bosch", "Motie", "ingediend", "-"]],
    )
    workbook = openpyxl.load_workbook(path)
    sheet = workbook.active
    assert sheet is not None
    sheet["D2"].quotePrefix = True  # typed as '- in Excel
    workbook.save(path)
    url, response = preview(coordinator_client, path)
    apply(coordinator_client, url, response)
    assert Motion.objects.get(municipality=councils["bosch"]).summary == "-"


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_stored_text_that_looks_like_a_marker_survives_export_and_import(
    coordinator_client,
    councils,
    tmp_path,
    fmt,
):
    make_motion(municipality=councils["haag"], title="Motie", status="submitted", summary="-")
    make_contact(municipality=councils["haag"], contact_name="Leeg")
    for kind in ["moties", "contacten"]:
        exported = coordinator_client.get(reverse("workspace:export", args=[kind, fmt]))
        path = tmp_path / f"{kind}.{fmt}"
        path.write_bytes(exported.getvalue())

        _url, response = preview(coordinator_client, path, kind)

        assert totals(response) == {"create": 0, "update": 0, "unchanged": 1, "refused": 0}


def test_the_import_page_explains_how_to_clear_a_value(coordinator_client):
    text = " ".join(coordinator_client.get(IMPORT_URL).content.decode().split())
    assert "Staat een motie of contact er al, dan laat een lege cel de opgeslagen" in text
    assert "Een waarde wissen doet u met <code>-</code> of <code>leeg</code> in de cel" in text


# --- no text overflows a column -------------------------------------------------------------------


def test_a_300_character_file_name_imports_with_a_short_history_reason(
    coordinator_client,
    councils,
):
    name = ("Moties van alle gemeenteraden " * 10)[:296] + ".csv"
    upload = SimpleUploadedFile(name, b"gemeente;titel;status\nDen Haag;Motie;ingediend\n")
    response = coordinator_client.post(IMPORT_URL, {"kind": "moties", "file": upload})
    previewed = coordinator_client.get(response.url)

    response = apply(coordinator_client, response.url, previewed, follow=True)

    assert "1 nieuw, 0 bijgewerkt" in response.content.decode()
    reason = Motion.objects.get().history.get().history_change_reason
    assert len(reason) <= 100
    assert reason.startswith("Import Moties van alle gemeenteraden")
    assert reason.endswith(".csv")


@pytest.mark.parametrize(
    ("column", "value", "limit"),
    [
        ("titel", "Motie " + "t" * 295, 300),
        ("bron", "https://example.org/" + "a" * 481, 500),
    ],
)
def test_an_over_long_motion_cell_is_refused_naming_its_column(
    coordinator_client,
    councils,
    tmp_path,
    column,
    value,
    limit,
):
    cells = {"gemeente": "Den Haag", "titel": "Motie", "status": "ingediend", "bron": ""}
    cells[column] = value
    text = ";".join(cells) + "\n" + ";".join(cells.values()) + "\n"
    _url, response = preview(coordinator_client, write(tmp_path, "m.csv", text))

    assert row_notes(response)[2] == [
        f"{column}: Zorg dat deze waarde niet meer dan {limit} tekens bevat "
        f"(het zijn er nu {limit + 1})."
    ]


def test_an_over_long_contact_name_is_refused_naming_its_column(
    coordinator_client,
    councils,
    tmp_path,
):
    text = (
        f"{CONTACTS_HEADER};contactpersoon\n"
        f"Den Haag;01-10-2026;e-mail;verstuurd;Gebeld;{'J' * 151}\n"
    )
    _url, response = preview(coordinator_client, write(tmp_path, "c.csv", text), "contacten")

    assert row_notes(response)[2] == [
        "contactpersoon: Zorg dat deze waarde niet meer dan 150 tekens bevat (het zijn er nu 151)."
    ]


# --- the apply step does what the preview showed, or nothing --------------------------------------


def test_an_edit_after_the_preview_stops_the_apply_and_names_the_row(
    coordinator_client, adopted, tmp_path
):
    path = motion_file(tmp_path, "Den Haag;Motie kinderpardon;aangenomen;04-2025;31;;")
    url, previewed = preview(coordinator_client, path)
    adopted.votes_against = 6  # a colleague corrects the count meanwhile
    adopted.save()

    response = apply(coordinator_client, url, previewed, follow=True)

    # Through the job's page (the apply runs in the task queue) back to the preview.
    assert response.redirect_chain[-1] == (url, 302)
    assert messages_of(response) == [
        f"{CHANGED_SINCE}regel 2 (Den Haag · Motie kinderpardon). {NOTHING_IMPORTED}"
    ]
    adopted.refresh_from_db()
    assert (adopted.votes_for, adopted.votes_against) == (30, 6)
    assert row_notes(response)[2] == ["stemmen_voor: 30 → 31"]


def test_the_new_preview_can_be_applied(coordinator_client, adopted, tmp_path):
    path = motion_file(tmp_path, "Den Haag;Motie kinderpardon;aangenomen;04-2025;31;;")
    url, previewed = preview(coordinator_client, path)
    adopted.votes_against = 6
    adopted.save()
    refreshed = apply(coordinator_client, url, previewed, follow=True)

    response = apply(coordinator_client, url, refreshed, follow=True)

    assert "0 nieuw, 1 bijgewerkt" in response.content.decode()
    adopted.refresh_from_db()
    assert (adopted.votes_for, adopted.votes_against) == (31, 6)


def test_an_edit_in_the_workspace_after_the_preview_stops_the_apply(
    coordinator_client, volunteer_client, adopted, tmp_path
):
    path = motion_file(tmp_path, "Den Haag;Motie kinderpardon;aangenomen;04-2025;31;;")
    url, previewed = preview(coordinator_client, path)
    edited = decision(
        adopted.municipality,
        title=adopted.title,
        status=Motion.Status.REJECTED,
        decided_on="04-2025",
        votes_for="30",
        votes_against="5",
    )
    assert volunteer_client.post(edit_url(adopted), edited | opened(adopted)).status_code == 302

    response = apply(coordinator_client, url, previewed, follow=True)

    assert messages_of(response)[0].startswith(f"{CHANGED_SINCE}regel 2 (")
    adopted.refresh_from_db()
    assert (adopted.status, adopted.votes_for) == (Motion.Status.REJECTED, 30)
    assert row_notes(response)[2] == ["status: verworpen → aangenomen", "stemmen_voor: 30 → 31"]


def test_an_edit_to_a_record_the_file_does_not_touch_does_not_stop_the_apply(
    coordinator_client,
    adopted,
    councils,
    tmp_path,
):
    other = make_motion(municipality=councils["bosch"], title="Andere motie")
    path = motion_file(tmp_path, "Den Haag;Motie kinderpardon;aangenomen;04-2025;31;;")
    url, previewed = preview(coordinator_client, path)
    other.votes_for = 12
    other.save()

    apply(coordinator_client, url, previewed)

    adopted.refresh_from_db()
    assert adopted.votes_for == 31


def test_of_two_overlapping_imports_the_second_is_refused(coordinator_client, adopted, tmp_path):
    first = motion_file(
        tmp_path, "Den Haag;Motie kinderpardon;aangenomen;04-2025;31;;", name="a.csv"
    )
    second = motion_file(
        tmp_path,
        "Den Bosch;Nieuwe motie;ingediend;;;;",
        "Den Haag;Motie kinderpardon;aangenomen;04-2025;40;;",
        name="b.csv",
    )
    first_url, first_preview = preview(coordinator_client, first)
    second_url, second_preview = preview(coordinator_client, second)
    apply(coordinator_client, first_url, first_preview, follow=True)

    response = apply(coordinator_client, second_url, second_preview, follow=True)

    assert messages_of(response) == [
        f"{CHANGED_SINCE}regel 3 (Den Haag · Motie kinderpardon). {NOTHING_IMPORTED}"
    ]
    adopted.refresh_from_db()
    assert adopted.votes_for == 31
    assert not Motion.objects.filter(title="Nieuwe motie").exists()


def test_two_imports_creating_the_same_motion_create_it_once(
    coordinator_client,
    councils,
    tmp_path,
):
    row = "Den Haag;Nieuwe motie;ingediend;;;;"
    first_url, first_preview = preview(coordinator_client, motion_file(tmp_path, row, name="a.csv"))
    second_url, second_preview = preview(
        coordinator_client, motion_file(tmp_path, row, name="b.csv")
    )
    apply(coordinator_client, first_url, first_preview, follow=True)

    response = apply(coordinator_client, second_url, second_preview, follow=True)

    assert messages_of(response)[0].startswith(f"{CHANGED_SINCE}regel 2 (")
    assert totals(response) == {"create": 0, "update": 0, "unchanged": 1, "refused": 0}
    assert Motion.objects.filter(title="Nieuwe motie").count() == 1


def test_an_apply_without_the_previews_digest_saves_nothing(
    coordinator_client,
    councils,
    tmp_path,
):
    url, _previewed = preview(
        coordinator_client, motion_file(tmp_path, "Den Haag;Motie;ingediend;;;;")
    )

    response = coordinator_client.post(url, {"digest": "0" * 64}, follow=True)

    assert messages_of(response) == [
        "Sinds u de voorbeeldweergave opende, is er iets veranderd. " + NOTHING_IMPORTED
    ]
    assert not Motion.objects.exists()


def test_more_than_five_changed_rows_are_counted_not_listed(
    coordinator_client,
    councils,
    tmp_path,
):
    titles = [f"Motie {n}" for n in range(7)]
    url, previewed = preview(
        coordinator_client,
        motion_file(tmp_path, *(f"Den Haag;{title};ingediend;;;;" for title in titles)),
    )
    for title in titles:
        make_motion(municipality=councils["haag"], title=title, status="submitted")

    response = apply(coordinator_client, url, previewed, follow=True)

    [message] = messages_of(response)
    assert "regel 6 (Den Haag · Motie 4) en nog 2 andere regels." in message
    assert Motion.objects.count() == 7


SHARED_STRINGS_TYPE = (
    '<Override PartName="/xl/sharedStrings.xml" ContentType="application/'
    'vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/></Types>'
)


def inflating_workbook(strings: int) -> bytes:
    """A valid .xlsx whose shared strings (100 characters each) unpack to far
    more than the file's own size: openpyxl would read them all into memory."""
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.append(["gemeente", "titel", "status"])
    plain = io.BytesIO()
    workbook.save(plain)
    source = zipfile.ZipFile(io.BytesIO(plain.getvalue()))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name in source.namelist():
            data = source.read(name)
            if name == "[Content_Types].xml":
                data = data.decode().replace("</Types>", SHARED_STRINGS_TYPE).encode()
            archive.writestr(name, data)
        with archive.open("xl/sharedStrings.xml", "w") as shared:
            shared.write(
                b'<?xml version="1.0" encoding="UTF-8"?><sst xmlns="http://schemas.'
                b'openxmlformats.org/spreadsheetml/2006/main">'
            )
            for _ in range(strings // 1000):
                shared.write((b"<si><t>" + b"A" * 100 + b"</t></si>") * 1000)
            shared.write(b"</sst>")
    return out.getvalue()


def test_a_small_workbook_that_unpacks_to_much_more_is_refused_unread(coordinator_client):
    data = inflating_workbook(300_000)  # 35 MB of XML in a file of about 120 kB
    assert len(data) < 1024 * 1024
    upload = SimpleUploadedFile("bom.xlsx", data)

    response = coordinator_client.post(IMPORT_URL, {"kind": "moties", "file": upload})

    assert response.status_code == 200
    assert "uitgepakt groter dan 25 MB" in response.content.decode()
