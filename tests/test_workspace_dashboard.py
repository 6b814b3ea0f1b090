"""The volunteers' dashboard, and who may reach the outreach pages at all."""

import datetime
import re

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse
from django.utils import timezone

from motions.models import ActionReport
from municipalities.models import ContactMoment

from .conftest import make_faction, make_motion, make_municipality, make_province
from .test_workspace_contacts import make_contact

pytestmark = pytest.mark.django_db

DASHBOARD = reverse("workspace:dashboard")
TODAY = timezone.localdate()


def days_ago(days: int) -> datetime.date:
    return TODAY - datetime.timedelta(days=days)


def section(client, heading_id: str) -> str:
    """The HTML of one dashboard section, found by its heading's id."""
    response = client.get(DASHBOARD)
    assert response.status_code == 200
    content = response.content.decode()
    match = re.search(
        rf'<section[^>]*aria-labelledby="{heading_id}">(.*?)</section>', content, re.S
    )
    assert match, f"no section {heading_id}"
    return match.group(1)


# --- who may come in ------------------------------------------------------------


def outreach_urls() -> list[tuple[str, str]]:
    """(method, url) of every page of the outreach log, with a record to point at."""
    contact = make_contact(follow_up_on=datetime.date(2025, 4, 1))
    return [
        ("get", DASHBOARD),
        ("get", reverse("workspace:contacts")),
        ("get", reverse("workspace:municipality", args=[contact.municipality.slug])),
        ("post", reverse("workspace:municipality", args=[contact.municipality.slug])),
        ("post", reverse("workspace:follow_up_done", args=[contact.pk])),
    ]


def test_anonymous_visitor_is_sent_to_the_login_everywhere(client):
    login = reverse("workspace:login")
    for method, url in outreach_urls():
        response = getattr(client, method)(url)
        assert response.status_code == 302, url
        assert response.url.startswith(f"{login}?next="), url
    assert ContactMoment.objects.get().follow_up_done is False


def test_user_without_a_role_is_refused_everywhere(client):
    client.force_login(get_user_model().objects.create_user("buitenstaander"))
    for method, url in outreach_urls():
        assert getattr(client, method)(url, {"summary": "x"}).status_code == 403, url
    assert ContactMoment.objects.count() == 1


@pytest.mark.parametrize("who", ["volunteer_client", "coordinator_client"])
def test_volunteer_and_coordinator_see_every_page(request, who):
    client = request.getfixturevalue(who)
    for method, url in outreach_urls():
        if method == "get":
            assert client.get(url).status_code == 200, url


# --- my follow-ups ----------------------------------------------------------------


def test_my_overdue_follow_up_is_listed_with_its_button(volunteer_client, volunteer):
    contact = make_contact(volunteer=volunteer, follow_up_on=days_ago(3), summary="Nabellen Ede")

    html = section(volunteer_client, "follow-ups-heading")

    assert "Nabellen Ede" in html
    assert "te laat" in html
    assert f'action="{reverse("workspace:follow_up_done", args=[contact.pk])}"' in html
    assert f'href="{reverse("workspace:municipality", args=[contact.municipality.slug])}"' in html


def test_my_follow_up_due_today_is_listed(volunteer_client, volunteer):
    make_contact(volunteer=volunteer, follow_up_on=TODAY, summary="Vandaag bellen")

    assert "Vandaag bellen" in section(volunteer_client, "follow-ups-heading")


def test_my_follow_up_in_the_future_is_not_listed(volunteer_client, volunteer):
    make_contact(volunteer=volunteer, follow_up_on=TODAY + datetime.timedelta(days=1))

    assert "Voorbeeldmotie gestuurd" not in section(volunteer_client, "follow-ups-heading")


def test_someone_elses_follow_up_is_not_listed(volunteer_client, coordinator):
    make_contact(volunteer=coordinator, follow_up_on=days_ago(3), summary="Van een ander")

    assert "Van een ander" not in section(volunteer_client, "follow-ups-heading")


def test_done_follow_up_is_not_listed(volunteer_client, volunteer):
    make_contact(
        volunteer=volunteer, follow_up_on=days_ago(3), follow_up_done=True, summary="Al gedaan"
    )

    assert "Al gedaan" not in section(volunteer_client, "follow-ups-heading")


def test_ticking_off_from_the_dashboard_returns_to_it(volunteer_client, volunteer):
    contact = make_contact(volunteer=volunteer, follow_up_on=days_ago(3), summary="Afvinken")

    response = volunteer_client.post(
        reverse("workspace:follow_up_done", args=[contact.pk]), {"next": DASHBOARD}, follow=True
    )

    assert response.redirect_chain[-1][0] == DASHBOARD
    assert "Afvinken" not in section(volunteer_client, "follow-ups-heading")


# --- municipalities never contacted ----------------------------------------------


def test_never_contacted_municipalities_are_grouped_per_province(volunteer_client):
    utrecht = make_province(name="Utrecht")
    zeeland = make_province(name="Zeeland")
    houten = make_municipality(name="Houten", province=utrecht)
    make_municipality(name="Zeist", province=utrecht)
    make_municipality(name="Goes", province=zeeland)
    make_contact(municipality=make_municipality(name="Woerden", province=utrecht))

    html = section(volunteer_client, "never-heading")

    assert "Nog nooit benaderd (3 gemeenten)" in html
    assert '<summary>Utrecht <span class="count">(2)</span></summary>' in html
    assert '<summary>Zeeland <span class="count">(1)</span></summary>' in html
    assert f'href="{reverse("workspace:municipality", args=[houten.slug])}#contact-form"' in html
    assert "Woerden" not in html


def test_dissolved_municipality_is_not_to_be_contacted(volunteer_client):
    make_municipality(name="Opgeheven", dissolved_on=datetime.date(2023, 1, 1))

    assert "Opgeheven" not in section(volunteer_client, "never-heading")


# --- waiting for an answer --------------------------------------------------------


def test_sent_contact_older_than_the_weeks_without_answer_is_listed(volunteer_client):
    make_contact(municipality=make_municipality(name="Stilte"), date=days_ago(5 * 7))

    assert "Stilte" in section(volunteer_client, "awaiting-heading")


def test_sent_contact_with_a_later_answer_is_not_listed(volunteer_client):
    municipality = make_municipality(name="Beantwoord")
    make_contact(municipality=municipality, date=days_ago(8 * 7))
    make_contact(
        municipality=municipality,
        date=days_ago(7 * 7),
        direction=ContactMoment.Direction.RECEIVED,
    )

    assert "Beantwoord" not in section(volunteer_client, "awaiting-heading")


def test_recent_sent_contact_is_not_listed_yet(volunteer_client):
    make_contact(municipality=make_municipality(name="Net verstuurd"), date=days_ago(3 * 7))

    assert "Net verstuurd" not in section(volunteer_client, "awaiting-heading")


def test_weeks_to_wait_come_from_the_setting(volunteer_client, settings):
    settings.FOLLOW_UP_WEEKS = 2
    make_contact(municipality=make_municipality(name="Na drie weken"), date=days_ago(3 * 7))

    html = section(volunteer_client, "awaiting-heading")

    assert "Geen antwoord na 2 weken" in html
    assert "Na drie weken" in html


# --- reports and changes --------------------------------------------------------


def test_new_report_is_listed_with_a_link_to_handle_it(coordinator_client):
    report = ActionReport.objects.create(
        municipality=make_municipality(name="Meldstad"), action=ActionReport.Action.ADOPTED
    )
    ActionReport.objects.create(
        municipality=make_municipality(name="Afgehandeld"),
        action=ActionReport.Action.ADOPTED,
        outcome=ActionReport.Outcome.REJECTED,
    )

    html = section(coordinator_client, "reports-heading")

    assert "Meldstad: motie aangenomen" in html
    assert reverse("workspace:report", args=[report.pk]) in html
    assert "Afgehandeld" not in html


def test_change_saved_by_a_user_appears_in_the_latest_changes(volunteer_client, coordinator):
    motion = make_motion(title="Oude titel")
    motion.title = "Motie gewortelde kinderen Zwolle"
    motion._history_user = coordinator
    motion.save()

    html = section(volunteer_client, "changes-heading")

    assert "Motie gewortelde kinderen Zwolle" in html
    assert "gewijzigd" in html
    assert "door coordinator" in html
    assert f'href="{reverse("workspace:motion_edit", args=[motion.pk])}"' in html


def test_latest_changes_show_only_the_fifteen_newest(volunteer_client):
    municipality = make_municipality()
    for n in range(20):
        make_contact(municipality=municipality, summary=f"Contact {n}")

    html = section(volunteer_client, "changes-heading")

    assert html.count("<li>") == 15


def test_choosing_a_municipality_goes_to_its_contact_form(volunteer_client):
    municipality = make_municipality()

    response = volunteer_client.get(DASHBOARD, {"gemeente": municipality.slug})

    assert response.status_code == 302
    assert response.url == (
        reverse("workspace:municipality", args=[municipality.slug]) + "#contact-form"
    )


def test_dashboard_links_to_log_a_decision(volunteer_client):
    content = volunteer_client.get(DASHBOARD).content.decode()

    assert f'href="{reverse("workspace:motion_create")}"' in content
    assert 'href="#contact-vastleggen"' in content


@pytest.mark.parametrize("size", [3, 30])
def test_dashboard_query_count_does_not_grow(
    volunteer_client, volunteer, django_assert_num_queries, size
):
    province = make_province()
    for _ in range(size):
        municipality = make_municipality(province=province)
        make_municipality(province=province)  # never contacted
        make_contact(municipality=municipality, volunteer=volunteer, follow_up_on=days_ago(1))
        make_contact(municipality=municipality, date=days_ago(60))
        make_faction(municipality=municipality)
        make_motion(municipality=municipality)
        ActionReport.objects.create(municipality=municipality, action="adopted")
    # 1: session; 2: user; 3, 4: the user's own and group permissions;
    # 5, 6: my first due follow-ups and how many; 7: never contacted; 8: waiting
    # for an answer; 9, 10: the first new reports and how many; 11-16: latest
    # history of motions, events, contacts, municipalities, factions and example
    # motions; 17: municipalities to choose from
    with django_assert_num_queries(17):
        volunteer_client.get(DASHBOARD)


def test_a_deleted_motion_in_the_latest_changes_links_to_its_history(volunteer_client):
    from .conftest import make_motion

    motion = make_motion()
    motion_id = motion.pk
    motion.delete()

    response = volunteer_client.get(reverse("workspace:dashboard"))
    history = reverse("workspace:history", args=["motion", motion_id])

    assert f'href="{history}"' in response.content.decode()
    assert volunteer_client.get(history).status_code == 200


def test_the_dashboard_shows_the_first_rows_of_long_worklists_with_counts_and_links(
    volunteer_client, volunteer
):
    from workspace.outreach.worklists import DASHBOARD_ROWS

    province = make_province()
    for number in range(DASHBOARD_ROWS + 2):
        municipality = make_municipality(province=province, name=f"Gemeente {number:02}")
        make_contact(municipality=municipality, volunteer=volunteer, follow_up_on=days_ago(1))
        ActionReport.objects.create(municipality=municipality, action="adopted")

    content = volunteer_client.get(DASHBOARD).content.decode()

    follow_ups = content.split('id="follow-ups-heading"')[1].split("</section>")[0]
    reports = content.split('id="reports-heading"')[1].split("</section>")[0]
    assert f"Mijn opvolgingen voor vandaag ({DASHBOARD_ROWS + 2})" in follow_ups
    assert follow_ups.count("<li>") == DASHBOARD_ROWS
    assert "En nog 2 opvolgingen: al mijn open opvolgingen" in follow_ups
    contacts = reverse("workspace:contacts")
    assert f'href="{contacts}?volunteer={volunteer.pk}&amp;follow_up=open"' in follow_ups
    assert f"Meldingen om af te handelen ({DASHBOARD_ROWS + 2})" in reports
    assert reports.count("<li>") == DASHBOARD_ROWS
    assert "En nog 2 meldingen: alle meldingen" in reports
    listed = volunteer_client.get(contacts, {"volunteer": volunteer.pk, "follow_up": "open"})
    assert all(f"Gemeente {n:02}" in listed.content.decode() for n in range(DASHBOARD_ROWS + 2))


def make_new_reports(number: int) -> None:
    municipality = make_municipality()
    ActionReport.objects.bulk_create(
        ActionReport(municipality=municipality, action="adopted") for _ in range(number)
    )


def test_the_dashboard_counts_reports_with_a_thousands_separator(volunteer_client):
    from workspace.outreach.worklists import COUNT_LIMIT, DASHBOARD_ROWS

    make_new_reports(COUNT_LIMIT)

    reports = section(volunteer_client, "reports-heading")

    assert "Meldingen om af te handelen (1.000)" in reports
    assert f"En nog {COUNT_LIMIT - DASHBOARD_ROWS} meldingen: alle meldingen" in reports


def test_the_dashboard_says_more_than_a_thousand_reports_without_counting_them_all(
    volunteer_client,
):
    from workspace.outreach.worklists import COUNT_LIMIT

    make_new_reports(COUNT_LIMIT + 1)

    reports = section(volunteer_client, "reports-heading")

    assert "Meldingen om af te handelen (meer dan 1.000)" in reports
    assert f'<a href="{reverse("workspace:reports")}">Alle meldingen</a>' in reports
