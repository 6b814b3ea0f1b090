"""The outreach log: a municipality's contact history and its form, ticking off
follow-ups, and the filtered list of all contact moments."""

import datetime
import re

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse
from django.utils import timezone

from municipalities.models import ContactMoment
from workspace import roles
from workspace.outreach.views import MOTIONS_PER_PAGE
from workspace.outreach.worklists import DASHBOARD_ROWS

from .conftest import make_faction, make_motion, make_municipality, make_province, make_user

pytestmark = pytest.mark.django_db

CONTACTS = reverse("workspace:contacts")


def make_contact(**kwargs) -> ContactMoment:
    if "municipality" not in kwargs:
        kwargs["municipality"] = make_municipality()
    kwargs.setdefault("date", datetime.date(2025, 3, 3))
    kwargs.setdefault("channel", ContactMoment.Channel.EMAIL)
    kwargs.setdefault("direction", ContactMoment.Direction.SENT)
    kwargs.setdefault("summary", "Voorbeeldmotie gestuurd")
    return ContactMoment.objects.create(**kwargs)


def log_url(municipality) -> str:
    return reverse("workspace:municipality", args=[municipality.slug])


def done_url(contact) -> str:
    return reverse("workspace:follow_up_done", args=[contact.pk])


def form_data(**overrides) -> dict:
    data = {
        "date": "2025-03-03",
        "channel": "email",
        "direction": "sent",
        "faction": "",
        "contact_name": "",
        "contact_email": "",
        "summary": "Voorbeeldmotie gestuurd aan de griffie",
        "follow_up_on": "",
    }
    return data | overrides


def listed(client, **params) -> str:
    response = client.get(CONTACTS, params)
    assert response.status_code == 200
    return response.content.decode()


# --- the municipality's log ---------------------------------------------------------


def test_log_shows_name_province_private_status_and_griffie(volunteer_client):
    municipality = make_municipality(
        name="Zwolle",
        province=make_province(name="Overijssel"),
        griffie_email="griffie@zwolle.example",
        website="https://www.zwolle.example",
    )
    make_contact(municipality=municipality)

    content = volunteer_client.get(log_url(municipality)).content.decode()

    assert "<h1>Zwolle</h1>" in content
    assert "Overijssel" in content
    assert '<span class="status status-contacted">Benaderd</span>' in content
    assert 'href="mailto:griffie@zwolle.example"' in content
    assert 'href="https://www.zwolle.example"' in content


def test_log_links_its_motions_to_their_edit_page(volunteer_client):
    motion = make_motion(title="Motie gewortelde kinderen Kampen")

    content = volunteer_client.get(log_url(motion.municipality)).content.decode()

    assert f'href="{reverse("workspace:motion_edit", args=[motion.pk])}"' in content
    assert "Motie gewortelde kinderen Kampen" in content


def test_log_lists_the_current_factions(volunteer_client):
    faction = make_faction(election_year=2022, seats=4, chair_name="A. de Vries")
    make_faction(municipality=faction.municipality, election_year=2018, chair_name="Oud Lid")

    content = volunteer_client.get(log_url(faction.municipality)).content.decode()

    assert "A. de Vries" in content
    assert "Oud Lid" not in content


def test_contact_date_defaults_to_today(volunteer_client):
    municipality = make_municipality()

    content = volunteer_client.get(log_url(municipality)).content.decode()

    today = timezone.localdate().isoformat()
    assert re.search(rf'<input type="date" name="date" value="{today}"', content)


def test_valid_contact_is_stored_for_the_logged_in_volunteer_and_redirects(
    volunteer_client, volunteer
):
    municipality = make_municipality()
    faction = make_faction(municipality=municipality)

    response = volunteer_client.post(
        log_url(municipality),
        form_data(faction=faction.pk, follow_up_on="2025-03-31", contact_name="Griffier"),
    )

    assert response.status_code == 302
    assert response.url == log_url(municipality)
    contact = ContactMoment.objects.get()
    assert contact.municipality == municipality
    assert contact.volunteer == volunteer
    assert contact.faction == faction
    assert contact.follow_up_on == datetime.date(2025, 3, 31)
    assert contact.history.get().history_user == volunteer


def test_stored_contact_shows_a_success_message_and_is_in_the_history(volunteer_client):
    municipality = make_municipality(name="Kampen")

    response = volunteer_client.post(log_url(municipality), form_data(), follow=True)

    content = response.content.decode()
    assert "Contact met Kampen vastgelegd." in content
    assert "Voorbeeldmotie gestuurd aan de griffie" in content
    assert "vastgelegd door vrijwilliger" in content


def test_follow_up_before_the_contact_date_is_refused(volunteer_client):
    municipality = make_municipality()

    response = volunteer_client.post(
        log_url(municipality), form_data(date="2025-03-03", follow_up_on="2025-03-01")
    )

    assert response.status_code == 200
    assert "De opvolgdatum ligt vóór de datum van het contact." in response.content.decode()
    assert not ContactMoment.objects.exists()


def test_contact_date_far_in_the_future_is_refused(volunteer_client):
    municipality = make_municipality()

    response = volunteer_client.post(log_url(municipality), form_data(date="2205-03-03"))

    assert "Deze datum ligt te ver in de toekomst" in response.content.decode()
    assert not ContactMoment.objects.exists()


def test_follow_up_far_in_the_future_is_refused(volunteer_client):
    municipality = make_municipality()

    response = volunteer_client.post(log_url(municipality), form_data(follow_up_on="2205-03-03"))

    assert "Plan een opvolging binnen een jaar" in response.content.decode()
    assert not ContactMoment.objects.exists()


def test_missing_summary_is_refused_in_dutch(volunteer_client):
    response = volunteer_client.post(log_url(make_municipality()), form_data(summary=""))

    assert "Dit veld is verplicht." in response.content.decode()
    assert not ContactMoment.objects.exists()


def test_faction_of_another_municipality_is_refused(volunteer_client):
    municipality = make_municipality()
    elsewhere = make_faction()

    response = volunteer_client.post(log_url(municipality), form_data(faction=elsewhere.pk))

    assert "Kies een fractie uit de raad van deze gemeente." in response.content.decode()
    assert not ContactMoment.objects.exists()


def test_faction_choices_are_only_this_municipalitys(volunteer_client):
    faction = make_faction()
    elsewhere = make_faction()

    response = volunteer_client.get(log_url(faction.municipality))

    choices = [pk for pk, _label in response.context["form"].fields["faction"].choices if pk]
    assert [choice.value for choice in choices] == [faction.pk]
    assert elsewhere.pk not in [choice.value for choice in choices]


def test_history_is_newest_first_with_who_logged_it(volunteer_client, coordinator):
    municipality = make_municipality()
    make_contact(municipality=municipality, date=datetime.date(2025, 1, 5), summary="Eerste brief")
    make_contact(
        municipality=municipality,
        date=datetime.date(2025, 2, 5),
        summary="Antwoord van de griffie",
        volunteer=coordinator,
    )

    content = volunteer_client.get(log_url(municipality)).content.decode()

    assert content.index("Antwoord van de griffie") < content.index("Eerste brief")
    assert "vastgelegd door coordinator" in content


def test_open_follow_up_in_the_history_has_a_done_button(volunteer_client):
    contact = make_contact(follow_up_on=datetime.date(2025, 3, 10))
    done = make_contact(municipality=contact.municipality, follow_up_on=datetime.date(2025, 3, 10))
    done.follow_up_done = True
    done.save()

    content = volunteer_client.get(log_url(contact.municipality)).content.decode()

    assert f'action="{done_url(contact)}"' in content
    assert f'action="{done_url(done)}"' not in content


def test_unknown_municipality_is_404(volunteer_client):
    assert volunteer_client.get("/werk/gemeenten/bestaat-niet/").status_code == 404


@pytest.mark.parametrize("size", [2, 3 * MOTIONS_PER_PAGE])
def test_log_query_count_does_not_grow(volunteer_client, django_assert_num_queries, size):
    municipality = make_municipality()
    for _ in range(size):
        make_contact(municipality=municipality, follow_up_on=datetime.date(2025, 4, 1))
        make_faction(municipality=municipality)
        make_motion(municipality=municipality)
    # 1: session; 2: user; 3, 4: the user's own and group permissions;
    # 5: municipality with its derived status and province; 6, 7: how many
    # motions, and a page of them; 8: current factions with party; 9, 10: the
    # newest contacts with volunteer and faction party, and how many;
    # 11: faction choices of the contact form; 12: the latest term, for the
    # faction form's default; 13: party choices of the faction form
    with django_assert_num_queries(13):
        volunteer_client.get(log_url(municipality))


def test_log_shows_the_newest_contacts_and_links_to_the_rest(volunteer_client):
    municipality = make_municipality(name="Zwolle")
    for n in range(DASHBOARD_ROWS + 3):
        make_contact(
            municipality=municipality,
            date=datetime.date(2025, 1, 1) + datetime.timedelta(days=n),
            summary=f"Gesprek nummer {n}",
        )

    content = volunteer_client.get(log_url(municipality)).content.decode()

    assert f"Contactgeschiedenis ({DASHBOARD_ROWS + 3})" in content
    assert f"Gesprek nummer {DASHBOARD_ROWS + 2}" in content
    assert "Gesprek nummer 2<" not in content
    assert f'href="{reverse("workspace:contacts")}?q=Zwolle">En nog 3 contacten' in content


def test_log_pages_through_the_motions(volunteer_client):
    municipality = make_municipality()
    for n in range(MOTIONS_PER_PAGE + 1):
        make_motion(
            municipality=municipality,
            title=f"Besluit nummer {n}",
            decided_on=datetime.date(2024, 1, 1) + datetime.timedelta(days=n),
        )

    first = volunteer_client.get(log_url(municipality)).content.decode()
    second = volunteer_client.get(log_url(municipality) + "?page=2").content.decode()

    assert f"Besluit nummer {MOTIONS_PER_PAGE}<" in first
    assert "Besluit nummer 0<" not in first
    assert f"pagina 1 van 2 ({MOTIONS_PER_PAGE + 1} moties)" in first
    assert "Besluit nummer 0<" in second


# --- ticking off a follow-up -----------------------------------------------------


def test_follow_up_done_refuses_get(volunteer_client):
    contact = make_contact(follow_up_on=datetime.date(2025, 3, 10))

    assert volunteer_client.get(done_url(contact)).status_code == 405
    contact.refresh_from_db()
    assert not contact.follow_up_done


def test_follow_up_done_marks_it_and_returns_to_next(volunteer_client):
    contact = make_contact(follow_up_on=datetime.date(2025, 3, 10))
    back = log_url(contact.municipality)

    response = volunteer_client.post(done_url(contact), {"next": back})

    assert response.status_code == 302
    assert response.url == back
    contact.refresh_from_db()
    assert contact.follow_up_done


def test_follow_up_done_ignores_an_unsafe_next(volunteer_client):
    contact = make_contact(follow_up_on=datetime.date(2025, 3, 10))

    response = volunteer_client.post(done_url(contact), {"next": "https://evil.example/"})

    assert response.url == reverse("workspace:dashboard")


def test_follow_up_done_of_unknown_contact_is_404(volunteer_client):
    assert volunteer_client.post("/werk/contacten/999999/opgevolgd/").status_code == 404


def test_user_without_role_cannot_tick_off_a_follow_up(client):
    contact = make_contact(follow_up_on=datetime.date(2025, 3, 10))
    client.force_login(get_user_model().objects.create_user("buitenstaander"))

    assert client.post(done_url(contact)).status_code == 403
    contact.refresh_from_db()
    assert not contact.follow_up_done


# --- the list of all contact moments -----------------------------------------------


def test_list_shows_contacts_with_count_and_links_to_their_log(volunteer_client):
    contact = make_contact(summary="Brief aan de raad")

    content = listed(volunteer_client)

    assert "1 contactmoment gevonden" in content
    assert "Brief aan de raad" in content
    assert f'href="{log_url(contact.municipality)}"' in content


def test_volunteer_filter(volunteer_client, volunteer, coordinator):
    make_contact(volunteer=volunteer, summary="Van de vrijwilliger")
    make_contact(volunteer=coordinator, summary="Van de coordinator")

    content = listed(volunteer_client, volunteer=volunteer.pk)

    assert "Van de vrijwilliger" in content
    assert "Van de coordinator" not in content


def test_province_filter(volunteer_client):
    friesland = make_province(name="Fryslân", slug="fryslan")
    make_contact(municipality=make_municipality(province=friesland), summary="In Friesland")
    make_contact(summary="Elders")

    content = listed(volunteer_client, province="fryslan")

    assert "In Friesland" in content
    assert "Elders" not in content


@pytest.mark.parametrize(
    "field, wanted, other",
    [
        ("channel", ContactMoment.Channel.PHONE, ContactMoment.Channel.EMAIL),
        ("direction", ContactMoment.Direction.RECEIVED, ContactMoment.Direction.SENT),
    ],
)
def test_choice_filter_keeps_only_that_choice(volunteer_client, field, wanted, other):
    make_contact(**{field: wanted}, summary="Wel gezocht")
    make_contact(**{field: other}, summary="Niet gezocht")

    content = listed(volunteer_client, **{field: wanted.value})

    assert "Wel gezocht" in content
    assert "Niet gezocht" not in content


def test_date_range_filter_includes_both_ends(volunteer_client):
    for day, summary in [(1, "Te vroeg"), (2, "Begin"), (9, "Eind"), (10, "Te laat")]:
        make_contact(date=datetime.date(2025, 3, day), summary=summary)

    content = listed(volunteer_client, date_from="2025-03-02", date_to="2025-03-09")

    assert "Begin" in content
    assert "Eind" in content
    assert "Te vroeg" not in content
    assert "Te laat" not in content


@pytest.mark.parametrize(
    "value, shown, hidden",
    [("open", "Nog doen", "Al gedaan"), ("none", "Al gedaan", "Nog doen")],
)
def test_follow_up_filter(volunteer_client, value, shown, hidden):
    make_contact(follow_up_on=datetime.date(2025, 4, 1), summary="Nog doen")
    make_contact(follow_up_on=datetime.date(2025, 4, 1), follow_up_done=True, summary="Al gedaan")

    content = listed(volunteer_client, follow_up=value)

    assert shown in content
    assert hidden not in content


def test_municipality_search_ignores_accents_and_case(volunteer_client):
    make_contact(municipality=make_municipality(name="Súdwest-Fryslân"), summary="Fries contact")
    make_contact(summary="Ander contact")

    content = listed(volunteer_client, q="SUDWEST")

    assert "Fries contact" in content
    assert "Ander contact" not in content


def test_filter_state_stays_in_the_page_links(volunteer_client):
    municipality = make_municipality()
    for _ in range(51):
        make_contact(municipality=municipality, channel=ContactMoment.Channel.PHONE)

    content = listed(volunteer_client, channel="phone")

    assert "51 contactmomenten gevonden" in content
    assert 'href="?channel=phone&amp;page=2"' in content


@pytest.mark.parametrize("params", [{"date_from": "abc"}, {"channel": "<script>"}])
def test_bad_filter_value_shows_a_message_not_an_error(volunteer_client, params):
    make_contact(summary="Nog steeds zichtbaar")

    content = listed(volunteer_client, **params)

    assert "Niet elke filterwaarde is begrepen" in content
    assert "Nog steeds zichtbaar" in content


def test_bad_filter_value_is_shown_escaped(volunteer_client):
    content = listed(volunteer_client, channel="<script>alert(1)</script>")

    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in content
    assert "<script>" not in content


@pytest.mark.parametrize("size", [5, 50])
def test_list_query_count_does_not_grow(
    volunteer_client, volunteer, django_assert_num_queries, size
):
    province = make_province()
    for _ in range(size):
        municipality = make_municipality(province=province)
        make_contact(
            municipality=municipality,
            faction=make_faction(municipality=municipality),
            volunteer=volunteer,
            follow_up_on=datetime.date(2025, 4, 1),
        )
    # 1: session; 2: user; 3, 4: the user's own and group permissions;
    # 5: count of the filtered contacts; 6: one page of contacts with municipality,
    # province, volunteer and faction party; 7: provinces and 8: volunteers for the filters
    with django_assert_num_queries(8):
        volunteer_client.get(CONTACTS, {"follow_up": "open", "q": "gemeente"})


def test_volunteer_filter_offers_the_people_who_logged_contacts(volunteer_client, coordinator):
    make_contact(volunteer=coordinator)
    make_user("stil", roles.VOLUNTEER, first_name="Nooit Gelogd")

    content = listed(volunteer_client)

    assert f'<option value="{coordinator.pk}">coordinator</option>' in content
    assert "Nooit Gelogd" not in content
