"""The public report form, /melden/: what a council member or griffier sends
in, what is refused, what keeps robots out, and the e-mails that follow."""

import datetime
import io
import logging
import smtplib
from pathlib import Path

import docx
import pytest
from django.conf import settings
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.mail.backends.base import BaseEmailBackend
from django.test import Client
from django.urls import reverse

from motions.models import ActionReport

from .conftest import make_motion, make_municipality, make_province

pytestmark = pytest.mark.django_db

FORM = reverse("motions:report")
THANKS = reverse("motions:report_thanks")

# A complete one-page PDF, small enough to read.
PDF = (
    b"%PDF-1.4\n"
    b"1 0 obj <</Type /Catalog /Pages 2 0 R>> endobj\n"
    b"2 0 obj <</Type /Pages /Kids [3 0 R] /Count 1>> endobj\n"
    b"3 0 obj <</Type /Page /Parent 2 0 R /MediaBox [0 0 595 842]>> endobj\n"
    b"xref\n0 4\n0000000000 65535 f \n0000000009 00000 n \n"
    b"0000000056 00000 n \n0000000111 00000 n \n"
    b"trailer <</Size 4 /Root 1 0 R>>\nstartxref\n180\n%%EOF\n"
)
EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\x00" * 64
OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 504


class FailingEmailBackend(BaseEmailBackend):
    """A mail server that is down."""

    def send_messages(self, email_messages):
        raise smtplib.SMTPException("421 service not available")


@pytest.fixture(autouse=True)
def report_settings(settings, tmp_path):
    settings.REPORT_NOTIFY_EMAILS = []
    settings.REPORT_RATE_LIMIT = 5
    settings.MAX_UPLOAD_MB = 10
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings


@pytest.fixture(autouse=True)
def private_storage(settings, tmp_path):
    """Reporters' documents land in a temporary private directory."""
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"
    return tmp_path / "private"


@pytest.fixture(autouse=True)
def municipalities():
    holland = make_province(name="Zuid-Holland", slug="zuid-holland")
    fryslan = make_province(name="Fryslân", slug="fryslan")
    limburg = make_province(name="Limburg", slug="limburg")
    noord_holland = make_province(name="Noord-Holland", slug="noord-holland")
    return {
        "den-haag": make_municipality(
            name="'s-Gravenhage", slug="s-gravenhage", aliases="Den Haag", province=holland
        ),
        "sudwest-fryslan": make_municipality(
            name="Súdwest-Fryslân", slug="sudwest-fryslan", province=fryslan
        ),
        "bergen-l": make_municipality(
            name="Bergen (L.)", slug="bergen-l", aliases="Bergen Limburg", province=limburg
        ),
        "bergen-nh": make_municipality(
            name="Bergen (NH.)",
            slug="bergen-nh",
            aliases="Bergen Noord-Holland",
            province=noord_holland,
        ),
        "amsterdam": make_municipality(name="Amsterdam", slug="amsterdam", province=noord_holland),
    }


def valid_data(**overrides) -> dict:
    data = {
        "reporter_name": "Griet Griffier",
        "reporter_role": ActionReport.Role.CLERK,
        "reporter_email": "griffie@example.org",
        "municipality": "Den Haag",
        "action": ActionReport.Action.ADOPTED,
        "happened": "15-04-2025",
        "factions": "GroenLinks-PvdA, ChristenUnie",
        "link": "https://denhaag.raadsinformatie.nl/document/12345",
        "message": "Aangenomen met 30 stemmen voor.",
        "consent": "on",
        "website": "",
    }
    data.update(overrides)
    return data


def pdf(name: str = "motie.pdf", content: bytes = PDF) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="application/pdf")


def word_document() -> bytes:
    document = docx.Document()
    document.add_paragraph("De gemeenteraad van Den Haag, in vergadering bijeen,")
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def post(client, data: dict, **extra):
    return client.post(FORM, data, **extra)


def assert_refused(response, message: str) -> None:
    """Refused: the form again (no redirect), the message shown, nothing stored."""
    assert response.status_code == 200
    assert message in response.content.decode()
    assert ActionReport.objects.count() == 0
    assert mail.outbox == []


# --- the page ------------------------------------------------------------------


def test_form_page_offers_municipality_names_and_aliases_without_javascript(client):
    response = client.get(FORM)

    html = response.content.decode()
    assert response.status_code == 200
    assert 'list="municipality-names"' in html
    assert '<datalist id="municipality-names">' in html
    assert '<option value="Den Haag"></option>' in html
    assert '<option value="Súdwest-Fryslân"></option>' in html
    assert "<script" not in html


def test_honeypot_is_out_of_the_tab_order_and_tells_people_to_leave_it_empty(client):
    html = client.get(FORM).content.decode()

    assert '<div class="report-trap">' in html
    assert "Laat dit veld leeg" in html
    assert 'name="website"' in html
    assert 'tabindex="-1"' in html
    assert 'autocomplete="off"' in html


def test_consent_label_says_how_long_contact_details_are_kept(client, settings):
    settings.REPORT_RETENTION_DAYS = 180

    html = client.get(FORM).content.decode()

    assert "Na 180 dagen worden ze gewist" in html


def test_main_navigation_links_to_the_form(client):
    html = client.get(reverse("motions:home")).content.decode()

    assert f'href="{FORM}"' in html
    assert ">Melden</a>" in html


def test_post_without_csrf_token_is_forbidden():
    response = Client(enforce_csrf_checks=True).post(FORM, valid_data())

    assert response.status_code == 403
    assert ActionReport.objects.count() == 0


# --- a valid report ----------------------------------------------------------------


def test_valid_report_is_stored_with_all_fields(client, municipalities, private_storage):
    response = post(client, valid_data(happened="april 2025", document=pdf()))

    assert response.status_code == 302
    assert response["Location"] == THANKS
    report = ActionReport.objects.get()
    assert report.reporter_name == "Griet Griffier"
    assert report.reporter_role == ActionReport.Role.CLERK
    assert report.reporter_email == "griffie@example.org"
    assert report.municipality == municipalities["den-haag"]
    assert report.action == ActionReport.Action.ADOPTED
    assert report.happened_on == datetime.date(2025, 4, 1)
    assert report.happened_precision == "month"
    assert report.factions == "GroenLinks-PvdA, ChristenUnie"
    assert report.link == "https://denhaag.raadsinformatie.nl/document/12345"
    assert report.message == "Aangenomen met 30 stemmen voor."
    assert report.consent is True
    assert report.outcome == ActionReport.Outcome.NEW
    assert report.personal_data_erased_at is None
    assert Path(report.document.path).read_bytes() == PDF


def test_document_is_stored_privately_and_not_reachable_under_media_url(
    client, settings, private_storage
):
    post(client, valid_data(document=pdf()))

    report = ActionReport.objects.get()
    stored = Path(report.document.path)
    assert stored.is_relative_to(private_storage)
    assert not stored.is_relative_to(settings.MEDIA_ROOT)
    assert client.get(settings.MEDIA_URL + report.document.name).status_code == 404


def test_a_reporters_document_is_readable_by_the_apps_own_user_only(client, private_storage):
    post(client, valid_data(document=pdf()))

    stored = Path(ActionReport.objects.get().document.path)
    assert stored.stat().st_mode & 0o777 == 0o600
    assert stored.parent.stat().st_mode & 0o777 == 0o700


def test_long_document_name_is_shortened_not_refused(client):
    name = "Motie vreemd aan de orde van de dag gewortelde kinderen " * 3 + ".pdf"

    post(client, valid_data(document=pdf(name)))

    stored = ActionReport.objects.get().document.name
    assert stored.startswith("reports/")
    assert stored.endswith(".pdf")
    assert len(stored) <= 100


@pytest.mark.parametrize(
    ("typed", "day", "precision"),
    [
        ("15-04-2025", datetime.date(2025, 4, 15), "day"),
        ("3/4/2025", datetime.date(2025, 4, 3), "day"),
        ("2025-04-15", datetime.date(2025, 4, 15), "day"),
        ("15 april 2025", datetime.date(2025, 4, 15), "day"),
        ("04-2025", datetime.date(2025, 4, 1), "month"),
        ("2025-04", datetime.date(2025, 4, 1), "month"),
        ("April 2025", datetime.date(2025, 4, 1), "month"),
        ("mrt. 2025", datetime.date(2025, 3, 1), "month"),
    ],
)
def test_date_is_stored_with_the_precision_it_was_typed_in(client, typed, day, precision):
    post(client, valid_data(happened=typed))

    report = ActionReport.objects.get()
    assert (report.happened_on, report.happened_precision) == (day, precision)


@pytest.mark.parametrize(
    ("typed", "slug"),
    [
        ("Den Haag", "den-haag"),
        ("den haag", "den-haag"),
        ("'s-Gravenhage", "den-haag"),
        ("sudwest-fryslan", "sudwest-fryslan"),
        ("SÚDWEST FRYSLÂN", "sudwest-fryslan"),
        ("Bergen (NH.)", "bergen-nh"),
        ("Bergen Limburg", "bergen-l"),
    ],
)
def test_municipality_is_found_by_name_or_alias_ignoring_accents_and_case(
    client, municipalities, typed, slug
):
    post(client, valid_data(municipality=typed))

    assert ActionReport.objects.get().municipality == municipalities[slug]


def test_link_without_scheme_is_taken_as_https(client):
    post(client, valid_data(link="denhaag.raadsinformatie.nl/document/1"))

    assert ActionReport.objects.get().link == "https://denhaag.raadsinformatie.nl/document/1"


def test_word_documents_are_accepted(client):
    post(client, valid_data(document=SimpleUploadedFile("motie.docx", word_document())))
    post(client, valid_data(document=SimpleUploadedFile("motie.doc", OLE)))

    names = sorted(r.document.name.rsplit(".", 1)[-1] for r in ActionReport.objects.all())
    assert names == ["doc", "docx"]


def test_thanks_page_says_what_happens_next_and_shows_what_was_sent(client):
    response = post(client, valid_data(happened="04-2025"), follow=True)

    html = response.content.decode()
    assert response.status_code == 200
    assert "Bedankt voor uw melding" in html
    assert "Een vrijwilliger van de campagne controleert uw melding" in html
    assert "verschijnt de motie op de site" in html
    assert "s-Gravenhage" in html
    assert "april 2025" in html
    assert "griffie@example.org" in html


def test_thanks_page_shows_the_summary_only_once(client):
    post(client, valid_data())
    client.get(THANKS)

    html = client.get(THANKS).content.decode()

    assert "Bedankt voor uw melding" in html
    assert "griffie@example.org" not in html


# --- the e-mails -------------------------------------------------------------------


def test_reporter_gets_a_plain_text_confirmation_in_dutch(client):
    post(client, valid_data(document=pdf()))

    [confirmation] = [m for m in mail.outbox if m.to == ["griffie@example.org"]]
    assert confirmation.subject == "Uw melding over 's-Gravenhage is ontvangen"
    assert confirmation.content_subtype == "plain"
    assert not getattr(confirmation, "alternatives", [])
    assert "Gemeente: 's-Gravenhage" in confirmation.body
    assert "Wat er gebeurde: motie aangenomen" in confirmation.body
    assert "Wanneer: 15 april 2025" in confirmation.body
    assert "Document: ja" in confirmation.body
    assert "Een vrijwilliger van de campagne controleert uw melding" in confirmation.body


def test_confirmation_has_no_link_to_the_document_and_no_free_text(client):
    post(client, valid_data(document=pdf("motie-den-haag.pdf"), message="Bel mij: 06-1234"))

    [confirmation] = mail.outbox
    report = ActionReport.objects.get()
    assert "motie-den-haag" not in confirmation.body
    assert report.document.name not in confirmation.body
    assert "/media/" not in confirmation.body
    assert "Bel mij" not in confirmation.body


def test_volunteers_are_notified_with_a_link_to_the_report(client, volunteer):
    post(client, valid_data())

    [notification] = [m for m in mail.outbox if m.to == [volunteer.email]]
    assert notification.subject == "Nieuwe melding: 's-Gravenhage, motie aangenomen"
    report = ActionReport.objects.get()
    assert f"{settings.SITE_URL}/werk/meldingen/{report.pk}/" in notification.body
    assert "Griet Griffier" not in notification.body
    assert "griffie@example.org" not in notification.body


def test_notify_emails_setting_replaces_the_volunteer_accounts(client, settings, volunteer):
    settings.REPORT_NOTIFY_EMAILS = ["campagne@example.org"]

    post(client, valid_data())

    assert sorted(m.to[0] for m in mail.outbox) == ["campagne@example.org", "griffie@example.org"]


def test_each_volunteer_gets_their_own_message(client, volunteer, coordinator):
    post(client, valid_data())

    notified = [m.to for m in mail.outbox if m.to != ["griffie@example.org"]]
    assert sorted(notified) == [[coordinator.email], [volunteer.email]]


def test_mail_server_failure_keeps_the_report_and_still_thanks(client, settings, caplog):
    settings.EMAIL_BACKEND = "tests.test_report_form.FailingEmailBackend"

    with caplog.at_level(logging.ERROR, logger="motions.reports"):
        response = post(client, valid_data(), follow=True)

    assert response.redirect_chain == [(THANKS, 302)]
    assert "Bedankt voor uw melding" in response.content.decode()
    assert ActionReport.objects.get().reporter_email == "griffie@example.org"
    assert "Confirmation e-mail for report" in caplog.text
    assert "SMTPException" in caplog.text


# --- refused -------------------------------------------------------------------------


def test_missing_required_fields_are_refused(client):
    response = post(client, {"website": ""})

    assert_refused(response, "Dit veld is verplicht.")
    form = response.context["form"]
    assert set(form.errors) == {
        "reporter_name",
        "reporter_role",
        "reporter_email",
        "municipality",
        "action",
        "happened",
        "consent",
    }
    assert "Uw melding is nog niet verstuurd" in response.content.decode()


def test_bad_email_address_is_refused(client):
    response = post(client, valid_data(reporter_email="griffie@"))

    assert_refused(response, "Voer een geldig e-mailadres in.")


def test_unknown_municipality_is_refused_with_suggestions(client):
    response = post(client, valid_data(municipality="Amsterdm"))

    assert_refused(response, "We kennen geen gemeente “Amsterdm”. Bedoelt u Amsterdam?")


def test_ambiguous_municipality_is_refused_listing_the_candidates(client):
    make_municipality(name="Steenbergen", slug="steenbergen")

    response = post(client, valid_data(municipality="Bergen"))

    assert_refused(
        response,
        "Meerdere gemeenten passen bij “Bergen”: Bergen (L.) of Bergen (NH.). "
        "Typ de volledige naam.",
    )


def test_former_name_leads_to_todays_municipality_and_says_why(client, municipalities):
    make_municipality(
        name="Weesp",
        slug="weesp",
        dissolved_on=datetime.date(2022, 3, 24),
        successor=municipalities["amsterdam"],
    )

    response = post(client, valid_data(municipality="Weesp"), follow=True)

    assert ActionReport.objects.get().municipality == municipalities["amsterdam"]
    assert "Weesp hoort sinds 24 maart 2022 bij Amsterdam." in response.content.decode()


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("gisteren", "&quot;gisteren&quot; is geen datum"),
        ("31-02-2025", "31-2-2025 bestaat niet."),
        ("01-01-2099", "Deze datum ligt in de toekomst."),
    ],
)
def test_unreadable_impossible_or_future_dates_are_refused(client, typed, message):
    response = post(client, valid_data(happened=typed))

    assert_refused(response, message)


def test_oversized_document_is_refused(client, settings):
    settings.MAX_UPLOAD_MB = 1
    big = PDF + b"%" * (1024 * 1024)

    response = post(client, valid_data(document=pdf(content=big)))

    assert_refused(response, "Het document is groter dan 1 MB.")


def test_program_renamed_to_pdf_is_refused(client, private_storage):
    response = post(client, valid_data(document=pdf("motie.pdf", EXE)))

    assert_refused(response, "Dit bestand is geen echt PDF-bestand")
    assert not private_storage.exists() or not any(private_storage.rglob("*.pdf"))


def test_word_document_renamed_to_pdf_is_refused(client):
    response = post(client, valid_data(document=pdf("motie.pdf", word_document())))

    assert_refused(response, "de inhoud past niet bij .pdf")


def test_other_file_types_are_refused(client):
    upload = SimpleUploadedFile("motie.exe", EXE, content_type="application/octet-stream")

    response = post(client, valid_data(document=upload))

    assert_refused(response, "Kies een PDF- of Word-bestand (.pdf, .doc, .docx of .odt).")


def test_report_without_consent_is_refused(client):
    data = valid_data()
    del data["consent"]

    response = post(client, data)

    assert_refused(response, "Zonder uw toestemming kunnen we uw melding niet bewaren.")


@pytest.mark.parametrize(
    ("field", "length", "limit"),
    [("message", 5001, 5000), ("reporter_name", 151, 150), ("factions", 301, 300)],
)
def test_over_long_text_is_refused(client, field, length, limit):
    response = post(client, valid_data(**{field: "x" * length}))

    assert_refused(response, f"Zorg dat deze waarde niet meer dan {limit} tekens bevat")


def test_script_tags_are_stored_as_text_and_never_rendered(client):
    script = '<script>alert("x")</script>'

    response = post(client, valid_data(message=f"Zie {script}\nregel twee"), follow=True)

    assert ActionReport.objects.get().message == f"Zie {script}\nregel twee"
    html = response.content.decode()
    assert "<script" not in html
    assert "Zie &lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;<br>regel twee" in html
    assert all(m.content_subtype == "plain" for m in mail.outbox)


def test_script_tags_in_a_refused_form_are_shown_as_text(client):
    response = post(client, valid_data(municipality="<script>x</script>"))

    html = response.content.decode()
    assert "<script" not in html
    assert "&lt;script&gt;x&lt;/script&gt;" in html


# --- robots --------------------------------------------------------------------------


def test_filled_honeypot_looks_accepted_but_stores_nothing(client, volunteer, caplog):
    with caplog.at_level(logging.INFO, logger="motions.reports"):
        response = post(client, valid_data(website="https://spam.example"), follow=True)

    assert response.redirect_chain == [(THANKS, 302)]
    assert "Bedankt voor uw melding" in response.content.decode()
    assert ActionReport.objects.count() == 0
    assert mail.outbox == []
    assert "honeypot" in caplog.text


def test_rate_limit_per_address_refuses_with_429_and_stores_nothing_more(client, settings):
    settings.REPORT_RATE_LIMIT = 3
    for n in range(3):
        assert post(client, valid_data(reporter_email=f"raad{n}@example.org")).status_code == 302

    response = post(client, valid_data(reporter_email="raad9@example.org"))

    assert response.status_code == 429
    assert "te veel meldingen verstuurd" in response.content.decode()
    assert ActionReport.objects.count() == 3


def test_rate_limit_per_email_address_holds_across_addresses(client, settings):
    settings.REPORT_RATE_LIMIT = 2
    for n in range(2):
        response = post(client, valid_data(), REMOTE_ADDR=f"192.0.2.{n + 1}")
        assert response.status_code == 302

    response = post(
        client, valid_data(reporter_email="GRIFFIE@example.org "), REMOTE_ADDR="192.0.2.9"
    )

    assert response.status_code == 429
    assert ActionReport.objects.count() == 2


def test_refused_posts_count_towards_the_rate_limit(client, settings):
    settings.REPORT_RATE_LIMIT = 2
    post(client, valid_data(reporter_email="griffie@"))
    post(client, valid_data(reporter_email="griffie@"))

    response = post(client, valid_data())

    assert response.status_code == 429
    assert ActionReport.objects.count() == 0


def test_other_addresses_may_still_report_when_one_is_limited(client, settings):
    settings.REPORT_RATE_LIMIT = 1
    post(client, valid_data(reporter_email="a@example.org"), REMOTE_ADDR="192.0.2.1")
    assert (
        post(
            client, valid_data(reporter_email="b@example.org"), REMOTE_ADDR="192.0.2.1"
        ).status_code
        == 429
    )

    response = post(client, valid_data(reporter_email="c@example.org"), REMOTE_ADDR="192.0.2.2")

    assert response.status_code == 302
    assert ActionReport.objects.count() == 2


# --- privacy -------------------------------------------------------------------------


def test_public_pages_never_show_reporter_data(client, municipalities):
    make_motion(municipality=municipalities["den-haag"])
    post(client, valid_data(message="Geheime toelichting van de melder"))
    secrets = ["Griet Griffier", "griffie@example.org", "Geheime toelichting van de melder"]

    for url in ["/", municipalities["den-haag"].get_absolute_url(), "/moties/"]:
        response = client.get(url)
        assert response.status_code == 200, url
        assert [s for s in secrets if s in response.content.decode()] == [], url


def test_volunteers_are_told_in_dutch_even_when_the_reporter_wrote_in_english(client, volunteer):
    response = client.post("/en" + reverse("motions:report"), valid_data())

    assert response.status_code == 302
    [notice] = [m for m in mail.outbox if m.to == [volunteer.email]]
    assert notice.subject.startswith("Nieuwe melding: ")
