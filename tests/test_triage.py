"""Triage of the reports councils send in: the queue, a report's page, accepting
it through the decision form, rejecting it, marking it a duplicate, the e-mail
to the reporter, the private document, and what the public never sees."""

import datetime
import json
import smtplib

import pytest
from django import forms
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core import mail
from django.core.files.base import ContentFile
from django.core.mail.backends.base import BaseEmailBackend
from django.urls import reverse
from django.utils import timezone

from motions.models import ActionReport, Council, Motion, MunicipalityStatus
from municipalities.models import Boundary, Municipality
from workspace.outreach.worklists import DASHBOARD_ROWS
from workspace.triage.forms import DUPLICATE_CHOICES

from .conftest import make_faction, make_motion, make_municipality, make_party, make_province
from .test_workspace_contacts import make_contact

pytestmark = pytest.mark.django_db

QUEUE = reverse("workspace:reports")
PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
# What only the reporter sent: none of it may ever reach a public page.
PRIVATE = {
    "reporter_name": "Griet Geheimhouder",
    "reporter_email": "griet.geheim@example.org",
    "message": "Bel mij gerust op 06-12345678",
}


class FailingEmailBackend(BaseEmailBackend):
    """A mail server that is down."""

    def send_messages(self, email_messages):
        raise smtplib.SMTPException("421 service not available")


@pytest.fixture(autouse=True)
def private_storage(settings, tmp_path):
    """Reporters' documents land in a temporary private directory."""
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"
    settings.MEDIA_ROOT = tmp_path / "media"


def make_report(**kwargs) -> ActionReport:
    if "municipality" not in kwargs:
        kwargs["municipality"] = make_municipality()
    kwargs.setdefault("action", ActionReport.Action.ADOPTED)
    kwargs.setdefault("happened_on", datetime.date(2025, 4, 1))
    kwargs.setdefault("happened_precision", "month")
    kwargs.setdefault("reporter_role", ActionReport.Role.CLERK)
    kwargs.setdefault("factions", "GroenLinks-PvdA, ChristenUnie")
    kwargs.setdefault("link", "https://raad.example.org/motie/12")
    kwargs.setdefault("consent", True)
    for name, value in PRIVATE.items():
        kwargs.setdefault(name, value)
    return ActionReport.objects.create(**kwargs)


def with_document(report: ActionReport, name: str = "Motie Zwolle (def).pdf") -> ActionReport:
    report.document.save(name, ContentFile(PDF))
    return report


def report_url(report: ActionReport, name: str = "workspace:report") -> str:
    return reverse(name, args=[report.pk])


def accept_url(report: ActionReport, motion: Motion | None = None) -> str:
    if motion is None:
        return f"{reverse('workspace:motion_create')}?melding={report.pk}"
    return f"{reverse('workspace:motion_edit', args=[motion.pk])}?melding={report.pk}"


def shown_values(response) -> dict[str, str]:
    """What the decision page holds as shown: what a browser sends when the
    volunteer checks it and presses Save without changing anything."""
    data = {}

    def add(field):
        value = field.value()
        if isinstance(field.field.widget, forms.CheckboxInput):
            if value:
                data[field.html_name] = "on"
        elif not isinstance(field.field.widget, forms.FileInput):
            data[field.html_name] = "" if value is None else str(value)

    for field in response.context["decision"].form.hidden_fields():
        add(field)
    for section in response.context["sections"]:
        for field in section.fields:
            add(field)
        if section.formset is not None:
            for field in section.formset.management_form:
                add(field)
            for row in section.formset:
                for field in row:
                    add(field)
    return data


def accept_as_shown(client, report, motion=None, **changes):
    """Open the decision form from the report and save it: the two clicks."""
    url = accept_url(report, motion)
    data = shown_values(client.get(url))
    data.update(changes)
    return client.post(url, data)


def messages_of(response) -> list[str]:
    return [str(m) for m in response.context["messages"]]


def add_boundary(municipality: Municipality) -> None:
    Boundary.objects.create(
        municipality=municipality,
        year=2025,
        geometry={"type": "Polygon", "coordinates": [[[6, 52], [6.1, 52], [6.1, 52.1], [6, 52]]]},
    )


def map_statuses(client) -> dict[str, str]:
    features = json.loads(client.get(reverse("motions:map_data")).content)["features"]
    return {f["properties"]["name"]: f["properties"]["status"] for f in features}


# --- who may come in ------------------------------------------------------------------


def triage_urls(report: ActionReport) -> list[tuple[str, str]]:
    return [
        ("get", QUEUE),
        ("get", report_url(report)),
        ("get", report_url(report, "workspace:report_document")),
        ("post", report_url(report, "workspace:report_reject")),
        ("post", report_url(report, "workspace:report_duplicate")),
        ("get", accept_url(report)),
        ("post", accept_url(report)),
    ]


def refused_posts(client, report: ActionReport, original: ActionReport) -> None:
    client.post(report_url(report, "workspace:report_reject"), {"afwijzen-reason": "Onzin"})
    client.post(report_url(report, "workspace:report_duplicate"), {"dubbel-original": original.pk})


def test_anonymous_visitor_is_sent_to_the_login_for_every_triage_url(client):
    report = with_document(make_report())
    login = reverse("workspace:login")
    for method, url in triage_urls(report):
        response = getattr(client, method)(url)
        assert response.status_code == 302, url
        assert response.url.startswith(f"{login}?next="), url


def test_user_without_a_role_is_refused_every_triage_url(client):
    report = with_document(make_report())
    client.force_login(get_user_model().objects.create_user("buitenstaander"))
    for method, url in triage_urls(report):
        assert getattr(client, method)(url).status_code == 403, url


def test_volunteer_may_open_the_queue_the_report_and_its_document(volunteer_client):
    report = with_document(make_report())
    for url in [QUEUE, report_url(report), report_url(report, "workspace:report_document")]:
        assert volunteer_client.get(url).status_code == 200, url


@pytest.mark.parametrize("who", ["anonymous", "no_role"])
def test_refused_posts_change_nothing(client, who):
    municipality = make_municipality()
    original = make_report(municipality=municipality)
    report = make_report(municipality=municipality)
    if who == "no_role":
        client.force_login(get_user_model().objects.create_user("buitenstaander"))

    refused_posts(client, report, original)

    report.refresh_from_db()
    assert (report.outcome, report.outcome_reason, report.duplicate_of) == ("new", "", None)
    assert mail.outbox == []


def test_reject_and_duplicate_only_take_a_post(volunteer_client):
    report = make_report()
    for name in ["workspace:report_reject", "workspace:report_duplicate"]:
        assert volunteer_client.get(report_url(report, name)).status_code == 405


# --- the queue ------------------------------------------------------------------------


def test_queue_shows_a_new_report_next_to_what_we_have(volunteer_client):
    municipality = make_municipality(name="Zwolle")
    make_motion(
        municipality=municipality,
        title="Motie kinderpardon Zwolle",
        status=Motion.Status.SUBMITTED,
        submitted_on=datetime.date(2025, 3, 4),
    )
    report = with_document(make_report(municipality=municipality))

    content = volunteer_client.get(QUEUE).content.decode()

    assert f'href="{report_url(report)}"' in content
    assert "Zwolle: motie aangenomen" in content
    assert "april 2025" in content
    assert "GroenLinks-PvdA, ChristenUnie" in content
    assert 'href="https://raad.example.org/motie/12"' in content
    assert "<dt>Document</dt><dd>ja</dd>" in content
    assert "Ingediend of aangehouden" in content  # the municipality's status now
    assert "Motie kinderpardon Zwolle" in content
    assert "4 maart 2025" in content
    assert "wordt: motie aangenomen" in content  # accepting it would be news for the map


def test_queue_shows_contacted_as_the_status_of_a_council_we_wrote_to(volunteer_client):
    municipality = make_municipality()
    make_contact(municipality=municipality)
    make_report(municipality=municipality)

    claim = volunteer_client.get(QUEUE).context["claims"][0]

    assert claim.municipality.status == MunicipalityStatus.CONTACTED
    assert claim.latest_motion is None


def test_queue_lists_only_new_reports_unless_asked(volunteer_client):
    new = make_report(municipality=make_municipality(name="Nieuwstad"))
    make_report(
        municipality=make_municipality(name="Afgewezenstad"),
        outcome=ActionReport.Outcome.REJECTED,
        handled_at=timezone.now(),
    )

    default = volunteer_client.get(QUEUE).content.decode()
    rejected = volunteer_client.get(QUEUE, {"afhandeling": "rejected"}).content.decode()
    everything = volunteer_client.get(QUEUE, {"afhandeling": "alle"})

    assert "Nieuwstad" in default and "Afgewezenstad" not in default
    assert "Afgewezenstad" in rejected and "Nieuwstad" not in rejected
    assert everything.context["claims"][0].report == new


def test_queue_shows_the_oldest_new_report_first(volunteer_client):
    older, newer = make_report(), make_report()
    ActionReport.objects.filter(pk=older.pk).update(
        created_at=timezone.now() - datetime.timedelta(days=3)
    )

    claims = volunteer_client.get(QUEUE).context["claims"]

    assert [c.report.pk for c in claims] == [older.pk, newer.pk]


@pytest.mark.parametrize("size", [3, 30])
def test_queue_query_count_does_not_grow(volunteer_client, django_assert_num_queries, size):
    province = make_province()
    for n in range(size):
        municipality = make_municipality(province=province)
        make_contact(municipality=municipality)
        make_motion(municipality=municipality)
        report = make_report(municipality=municipality)
        if n % 2:
            with_document(report)
    volunteer_client.get(QUEUE)  # the session is read once before counting
    # 1 session, 2 user, 3-4 the user's permissions (own and through groups),
    # 5 count of the listed reports, 6 the page of reports,
    # 7 their municipalities with status and latest motion, 8 those motions
    with django_assert_num_queries(8):
        response = volunteer_client.get(QUEUE)
    assert len(response.context["claims"]) == size


# --- a report's page ------------------------------------------------------------------


def test_report_page_shows_what_the_reporter_sent_escaped(volunteer_client):
    report = with_document(make_report(message="<script>alert(1)</script>\nTweede regel"))

    content = volunteer_client.get(report_url(report)).content.decode()

    assert "Griet Geheimhouder" in content
    assert 'href="mailto:griet.geheim@example.org"' in content
    assert "griffier" in content
    assert "&lt;script&gt;alert(1)&lt;/script&gt;<br>Tweede regel" in content
    assert "<script>alert" not in content
    assert f'href="{report_url(report, "workspace:report_document")}"' in content


def test_report_page_offers_a_new_motion_and_each_existing_one_to_update(volunteer_client):
    municipality = make_municipality()
    motion = make_motion(municipality=municipality, status=Motion.Status.SUBMITTED)
    report = make_report(municipality=municipality)

    content = volunteer_client.get(report_url(report)).content.decode()

    assert f'href="{accept_url(report)}"'.replace("&", "&amp;") in content
    assert "Verwerken als nieuwe motie" in content
    assert f'href="{accept_url(report, motion)}"' in content
    assert f'action="{report_url(report, "workspace:report_reject")}"' in content


def test_duplicate_choice_offers_only_other_reports_of_the_same_municipality(volunteer_client):
    municipality = make_municipality()
    earlier = make_report(municipality=municipality)
    report = make_report(municipality=municipality)
    elsewhere = make_report()

    form = volunteer_client.get(report_url(report)).context["duplicate_form"]

    choices = [value for value, _ in form.fields["original"].choices if value]
    assert choices == [earlier.pk]
    assert elsewhere.pk not in choices


def test_duplicate_choice_offers_the_newest_other_reports_oldest_first(volunteer_client):
    municipality = make_municipality()
    others = [make_report(municipality=municipality) for _ in range(DUPLICATE_CHOICES + 1)]
    report = make_report(municipality=municipality)

    form = volunteer_client.get(report_url(report)).context["duplicate_form"]

    choices = [value for value, _ in form.fields["original"].choices if value]
    assert choices == [other.pk for other in others[1:]]


@pytest.mark.parametrize("size", [1, 3 * DASHBOARD_ROWS])
def test_report_page_query_count_does_not_grow(volunteer_client, django_assert_num_queries, size):
    municipality = make_municipality()
    for _ in range(size):
        make_motion(municipality=municipality)
        make_report(municipality=municipality)
    report = make_report(municipality=municipality)
    volunteer_client.get(report_url(report))
    # 1 session, 2 user, 3-4 the user's permissions (own and through groups),
    # 5 the report with who handled it, its original and its motion,
    # 6 its municipality with its status, 7-8 the municipality's newest motions
    # and how many, 9 the other reports of the municipality (the duplicate choice)
    with django_assert_num_queries(9):
        volunteer_client.get(report_url(report))


def test_report_page_shows_the_newest_motions_and_links_to_the_rest(volunteer_client):
    municipality = make_municipality(slug="zwolle")
    for n in range(DASHBOARD_ROWS + 2):
        make_motion(
            municipality=municipality,
            title=f"Besluit nummer {n}",
            decided_on=datetime.date(2024, 1, 1) + datetime.timedelta(days=n),
        )

    content = volunteer_client.get(report_url(make_report(municipality=municipality))).content
    content = content.decode()

    assert f"Besluit nummer {DASHBOARD_ROWS + 1}<" in content
    assert "Besluit nummer 1<" not in content
    log = reverse("workspace:municipality", args=["zwolle"])
    assert f'href="{log}#motions-heading">En nog 2 moties' in content


# --- the document -----------------------------------------------------------------------


def test_document_is_downloaded_as_an_attachment_with_a_safe_name(volunteer_client):
    report = with_document(make_report())

    response = volunteer_client.get(report_url(report, "workspace:report_document"))

    assert b"".join(response.streaming_content) == PDF
    assert response["Content-Disposition"] == (
        f'attachment; filename="melding-{report.pk}-motie-zwolle-def.pdf"'
    )
    assert "no-store" in response["Cache-Control"]
    assert "private" in response["Cache-Control"]


def test_document_download_is_404_without_a_document(volunteer_client):
    report = make_report()

    assert volunteer_client.get(report_url(report, "workspace:report_document")).status_code == 404


def test_document_download_is_404_once_personal_data_is_erased(volunteer_client):
    report = with_document(make_report())
    ActionReport.objects.filter(pk=report.pk).update(personal_data_erased_at=timezone.now())

    assert volunteer_client.get(report_url(report, "workspace:report_document")).status_code == 404


# --- accepting: through the decision form ---------------------------------------------


@pytest.fixture
def council():
    """Zwolle, with two factions in its council."""
    municipality = make_municipality(name="Zwolle", slug="zwolle")
    for name in ["GroenLinks", "ChristenUnie"]:
        make_faction(municipality=municipality, party=make_party(name=name), seats=10)
    return municipality


def test_accept_link_opens_the_decision_form_filled_in_from_the_report(volunteer_client, council):
    report = make_report(municipality=council)

    response = volunteer_client.get(accept_url(report))

    form = response.context["decision"].form
    content = response.content.decode()
    assert form["municipality"].value() == "Zwolle"
    assert form["status"].value() == Motion.Status.ADOPTED
    assert form["decided_on"].value() == "04-2025"
    assert form["source_url"].value() == "https://raad.example.org/motie/12"
    assert form["summary"].value() == "Gemeld door een griffier via het meldformulier."
    assert f'<input type="hidden" name="melding" value="{report.pk}"' in content
    assert 'name="notify" id="id_notify" checked' in content


def test_decision_form_copies_no_personal_data_from_the_report(volunteer_client, council):
    report = make_report(municipality=council)

    content = volunteer_client.get(accept_url(report)).content.decode()

    assert all(value not in content for value in PRIVATE.values())


def test_saving_the_form_creates_the_motion_and_accepts_the_report(
    volunteer_client, volunteer, council
):
    report = make_report(municipality=council)

    response = accept_as_shown(volunteer_client, report)

    motion = Motion.objects.get()
    report.refresh_from_db()
    assert response.status_code == 302
    assert response["Location"] == reverse("workspace:motion_edit", args=[motion.pk])
    assert (motion.municipality, motion.status) == (council, Motion.Status.ADOPTED)
    assert (motion.decided_on, motion.decided_precision) == (datetime.date(2025, 4, 1), "month")
    assert motion.source_url == "https://raad.example.org/motie/12"
    assert (report.outcome, report.motion, report.handled_by) == ("accepted", motion, volunteer)
    assert report.handled_at is not None


def test_submitted_report_fills_in_the_submitted_date(volunteer_client, council):
    report = make_report(
        municipality=council,
        action=ActionReport.Action.SUBMITTED,
        happened_on=datetime.date(2025, 3, 12),
        happened_precision="day",
    )

    accept_as_shown(volunteer_client, report)

    motion = Motion.objects.get()
    assert motion.status == Motion.Status.SUBMITTED
    assert (motion.submitted_on, motion.submitted_precision) == (datetime.date(2025, 3, 12), "day")
    assert motion.decided_on is None


def test_accepting_changes_the_municipalitys_public_status(volunteer_client, client, council):
    add_boundary(council)
    report = make_report(municipality=council)
    assert map_statuses(client) == {"Zwolle": "none"}

    accept_as_shown(volunteer_client, report)

    status = Council.objects.with_status().get(pk=council.pk).status
    assert status == MunicipalityStatus.ADOPTED
    assert map_statuses(client) == {"Zwolle": "adopted"}


def test_accepting_emails_the_reporter_a_link_to_the_public_motion(volunteer_client, council):
    report = make_report(municipality=council)

    accept_as_shown(volunteer_client, report)

    motion = Motion.objects.get()
    [message] = mail.outbox
    assert message.to == [PRIVATE["reporter_email"]]
    assert message.subject == "Uw melding over Zwolle is verwerkt"
    assert f"{settings.SITE_URL}{motion.get_absolute_url()}" in message.body


def test_accepting_without_the_email_box_sends_nothing(volunteer_client, council):
    report = make_report(municipality=council)
    url = accept_url(report)
    data = shown_values(volunteer_client.get(url))
    del data["notify"]

    volunteer_client.post(url, data)

    assert ActionReport.objects.get().outcome == ActionReport.Outcome.ACCEPTED
    assert mail.outbox == []


def test_accepting_onto_an_existing_motion_updates_it(volunteer_client, council):
    motion = make_motion(
        municipality=council,
        title="Motie gewortelde kinderen Zwolle",
        status=Motion.Status.SUBMITTED,
        submitted_on=datetime.date(2025, 3, 12),
    )
    report = make_report(municipality=council)

    shown = volunteer_client.get(accept_url(report, motion)).context["decision"].form
    accept_as_shown(volunteer_client, report, motion)

    motion.refresh_from_db()
    report.refresh_from_db()
    assert (shown["status"].value(), shown["decided_on"].value()) == ("adopted", "04-2025")
    assert shown["title"].value() == "Motie gewortelde kinderen Zwolle"
    assert Motion.objects.count() == 1
    assert motion.status == Motion.Status.ADOPTED
    assert (motion.decided_on, motion.decided_precision) == (datetime.date(2025, 4, 1), "month")
    assert motion.submitted_on == datetime.date(2025, 3, 12)
    assert (report.outcome, report.motion) == ("accepted", motion)


def test_accepting_a_report_handled_meanwhile_saves_no_motion(volunteer_client, council):
    report = make_report(municipality=council)
    url = accept_url(report)
    data = shown_values(volunteer_client.get(url))
    ActionReport.objects.filter(pk=report.pk).update(outcome=ActionReport.Outcome.REJECTED)

    response = volunteer_client.post(url, data, follow=True)

    assert response.redirect_chain[-1][0] == report_url(report)
    assert "al afgehandeld" in messages_of(response)[0]
    assert not Motion.objects.exists()
    assert ActionReport.objects.get().outcome == ActionReport.Outcome.REJECTED


def test_decision_form_from_a_handled_report_is_not_filled_in(volunteer_client, council):
    report = make_report(municipality=council, outcome=ActionReport.Outcome.REJECTED)

    response = volunteer_client.get(accept_url(report))

    assert response.context.get("choose_municipality") is True
    assert "al afgehandeld" in messages_of(response)[0]


# --- rejecting and duplicates ------------------------------------------------------------


def test_reject_without_a_reason_shows_a_message_and_changes_nothing(volunteer_client):
    report = make_report()

    response = volunteer_client.post(
        report_url(report, "workspace:report_reject"), {"afwijzen-reason": " "}
    )

    report.refresh_from_db()
    assert response.status_code == 200
    assert "Geef een reden om de melding af te wijzen." in response.content.decode()
    assert (report.outcome, report.handled_at) == ("new", None)
    assert mail.outbox == []


def test_reject_with_a_reason_keeps_the_report_and_emails_the_reason(volunteer_client, volunteer):
    report = make_report()

    response = volunteer_client.post(
        report_url(report, "workspace:report_reject"),
        {"afwijzen-reason": "Dit ging over een andere motie.", "afwijzen-notify": "on"},
    )

    report.refresh_from_db()
    assert response["Location"] == report_url(report)
    assert (report.outcome, report.outcome_reason) == (
        "rejected",
        "Dit ging over een andere motie.",
    )
    assert (report.handled_by, report.reporter_name) == (volunteer, PRIVATE["reporter_name"])
    [message] = mail.outbox
    assert message.to == [PRIVATE["reporter_email"]]
    assert "Dit ging over een andere motie." in message.body


def test_duplicate_keeps_the_report_with_its_original(volunteer_client):
    municipality = make_municipality()
    original = make_report(municipality=municipality)
    report = make_report(municipality=municipality)

    volunteer_client.post(
        report_url(report, "workspace:report_duplicate"), {"dubbel-original": original.pk}
    )

    report.refresh_from_db()
    assert (report.outcome, report.duplicate_of) == ("duplicate", original)
    assert ActionReport.objects.count() == 2
    assert mail.outbox == []


def test_duplicate_emails_the_reporter_that_it_was_already_known(volunteer_client):
    municipality = make_municipality(name="Ede")
    motion = make_motion(municipality=municipality)
    original = make_report(municipality=municipality, outcome="accepted", motion=motion)
    report = make_report(municipality=municipality)

    volunteer_client.post(
        report_url(report, "workspace:report_duplicate"),
        {"dubbel-original": original.pk, "dubbel-notify": "on"},
    )

    [message] = mail.outbox
    assert message.subject == "Uw melding over Ede was al bij ons bekend"
    assert f"{settings.SITE_URL}{motion.get_absolute_url()}" in message.body


def test_duplicate_of_a_report_about_another_municipality_is_refused(volunteer_client):
    municipality = make_municipality()
    make_report(municipality=municipality)
    report = make_report(municipality=municipality)
    elsewhere = make_report()

    response = volunteer_client.post(
        report_url(report, "workspace:report_duplicate"), {"dubbel-original": elsewhere.pk}
    )

    assert "Kies een melding over dezelfde gemeente." in response.content.decode()
    assert ActionReport.objects.get(pk=report.pk).outcome == ActionReport.Outcome.NEW


def test_second_action_on_a_handled_report_is_refused(volunteer_client):
    municipality = make_municipality()
    original = make_report(municipality=municipality)
    report = make_report(municipality=municipality)
    volunteer_client.post(
        report_url(report, "workspace:report_reject"), {"afwijzen-reason": "Geen motie."}
    )

    response = volunteer_client.post(
        report_url(report, "workspace:report_duplicate"),
        {"dubbel-original": original.pk},
        follow=True,
    )

    report.refresh_from_db()
    assert (report.outcome, report.duplicate_of) == ("rejected", None)
    assert any("al afgehandeld" in m for m in messages_of(response))


def test_handled_report_shows_its_outcome_and_no_actions(volunteer_client):
    report = make_report()
    volunteer_client.post(
        report_url(report, "workspace:report_reject"), {"afwijzen-reason": "Geen motie."}
    )

    content = volunteer_client.get(report_url(report)).content.decode()

    assert "Afgewezen door vrijwilliger" in content
    assert "Geen motie." in content
    assert 'action="' + report_url(report, "workspace:report_reject") not in content
    assert "Verwerken als nieuwe motie" not in content


# --- the e-mail to the reporter ----------------------------------------------------------


def test_mail_failure_on_accept_keeps_the_outcome(volunteer_client, settings, council):
    settings.EMAIL_BACKEND = "tests.test_triage.FailingEmailBackend"
    report = make_report(municipality=council)
    url = accept_url(report)

    response = volunteer_client.post(url, shown_values(volunteer_client.get(url)), follow=True)

    report.refresh_from_db()
    assert (report.outcome, report.motion) == ("accepted", Motion.objects.get())
    assert any("kon niet worden verstuurd" in m for m in messages_of(response))


def test_mail_failure_on_reject_keeps_the_outcome(volunteer_client, settings):
    settings.EMAIL_BACKEND = "tests.test_triage.FailingEmailBackend"
    report = make_report()

    response = volunteer_client.post(
        report_url(report, "workspace:report_reject"),
        {"afwijzen-reason": "Geen motie.", "afwijzen-notify": "on"},
        follow=True,
    )

    assert ActionReport.objects.get(pk=report.pk).outcome == ActionReport.Outcome.REJECTED
    assert any("kon niet worden verstuurd" in m for m in messages_of(response))


def test_reporter_with_erased_data_is_not_offered_an_email(volunteer_client):
    report = make_report(reporter_email="", personal_data_erased_at=timezone.now())

    response = volunteer_client.get(report_url(report))
    volunteer_client.post(
        report_url(report, "workspace:report_reject"),
        {"afwijzen-reason": "Geen motie.", "afwijzen-notify": "on"},
    )

    assert "notify" not in response.context["reject_form"].fields
    assert mail.outbox == []


# --- the public -------------------------------------------------------------------------


def public_pages(municipality: Municipality) -> dict[str, str]:
    return {
        "home": reverse("motions:home"),
        "municipality": municipality.get_absolute_url(),
        "motions": reverse("motions:list"),
        "map": reverse("motions:map_data"),
    }


def test_anonymous_visitors_never_see_a_pending_report(client):
    municipality = make_municipality(name="Zwolle", slug="zwolle")
    add_boundary(municipality)
    report = with_document(make_report(municipality=municipality, factions="Meldfractie"))

    for name, url in public_pages(municipality).items():
        content = client.get(url).content.decode()
        assert all(value not in content for value in PRIVATE.values()), name
        assert "Meldfractie" not in content, name
        assert "raad.example.org" not in content, name
    assert map_statuses(client) == {"Zwolle": "none"}
    assert client.get(report_url(report, "workspace:report_document")).status_code == 302


def test_accepted_report_shows_only_through_its_motion(volunteer_client, client, council):
    report = make_report(municipality=council, factions="Meldfractie")
    accept_as_shown(volunteer_client, report)
    motion = Motion.objects.get()

    for name, url in public_pages(council).items():
        content = client.get(url).content.decode()
        assert all(value not in content for value in PRIVATE.values()), name
        assert "Meldfractie" not in content, name
    assert motion.title in client.get(reverse("motions:list")).content.decode()
    assert motion.title in client.get(council.get_absolute_url()).content.decode()
