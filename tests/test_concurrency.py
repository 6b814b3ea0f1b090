"""Two people editing the same record never lose each other's work: a save over
a newer version is refused with who changed what, the input stays on the page
beside what is stored, and a second save puts it on top knowingly."""

import datetime
import re

import pytest
from django import forms
from django.test import Client
from django.urls import reverse

from motions.models import FactionVote, Motion, Sponsorship
from municipalities.models import ContactMoment, Faction, Municipality
from tests.conftest import make_faction, make_motion, make_municipality, make_party, make_user
from tests.test_triage import shown_values
from workspace import roles

pytestmark = pytest.mark.django_db


@pytest.fixture
def anna():
    client = Client()
    client.force_login(make_user("anna", roles.VOLUNTEER, first_name="Anna"))
    return client


@pytest.fixture
def bert():
    client = Client()
    client.force_login(make_user("bert", roles.VOLUNTEER, first_name="Bert"))
    return client


@pytest.fixture
def coordinators():
    clients = []
    for name in ("carla", "dirk"):
        client = Client()
        client.force_login(make_user(name, roles.COORDINATOR, is_staff=True, first_name=name))
        clients.append(client)
    return clients


@pytest.fixture
def motion():
    municipality = make_municipality(name="Zwolle")
    green = make_faction(municipality=municipality, party=make_party(abbreviation="GL"), seats=10)
    make_faction(municipality=municipality, party=make_party(abbreviation="CU"), seats=8)
    motion = make_motion(
        municipality=municipality,
        title="Motie kinderpardon",
        status=Motion.Status.ADOPTED,
        votes_for=10,
        summary="Oproep aan het college",
    )
    FactionVote.objects.create(motion=motion, faction=green, vote=FactionVote.Vote.FOR)
    return motion


def edit_url(motion) -> str:
    return reverse("workspace:motion_edit", args=[motion.pk])


def opened_form(client, motion) -> dict[str, str]:
    """What the decision page holds when a volunteer opens it."""
    return shown_values(client.get(edit_url(motion)))


def vote_row(data: dict, vote: str) -> dict:
    """The form with the first faction vote changed."""
    return {**data, "stemmen-0-vote": vote}


def text(response) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", response.content.decode()).split())


# --- the decision page -----------------------------------------------------------


def test_an_older_form_does_not_undo_a_colleagues_save(anna, bert, motion):
    annas, berts = opened_form(anna, motion), opened_form(bert, motion)
    anna.post(edit_url(motion), vote_row({**annas, "votes_for": "12", "summary": "Nieuw"}, "split"))

    response = bert.post(edit_url(motion), {**berts, "title": "Motie gewortelde kinderen"})

    assert response.status_code == 200
    stored = Motion.objects.get()
    assert (stored.title, stored.votes_for, stored.summary) == ("Motie kinderpardon", 12, "Nieuw")
    assert FactionVote.objects.get().vote == FactionVote.Vote.SPLIT
    page = text(response)
    assert "Niet opgeslagen: iemand anders heeft dit gewijzigd" in page
    assert "Anna" in page and "stemmen voor" in page and "samenvatting" in page
    assert "Stem van een fractie gewijzigd: stem" in page
    # His own change stays on the page (only he changed it: no conflict to
    # point at); what only Anna changed now shows her values.
    shown = shown_values(response)
    assert shown["title"] == "Motie gewortelde kinderen"
    assert "Nu opgeslagen" not in page
    assert (shown["votes_for"], shown["summary"], shown["stemmen-0-vote"]) == (
        "12",
        "Nieuw",
        "split",
    )
    assert "Nu opgeslagen: 12" not in page
    assert "Nu opgeslagen: Zwolle" not in page  # nobody changed the council


def test_after_the_warning_a_second_save_keeps_both_changes(anna, bert, motion):
    annas, berts = opened_form(anna, motion), opened_form(bert, motion)
    anna.post(edit_url(motion), vote_row({**annas, "votes_for": "12"}, "split"))
    refused = bert.post(edit_url(motion), {**berts, "title": "Motie gewortelde kinderen"})

    response = bert.post(edit_url(motion), shown_values(refused))

    assert response.status_code == 302
    stored = Motion.objects.get()
    assert (stored.title, stored.votes_for) == ("Motie gewortelde kinderen", 12)
    assert FactionVote.objects.get().vote == FactionVote.Vote.SPLIT


def test_where_both_changed_the_same_field_the_second_sees_it_and_decides(anna, bert, motion):
    annas, berts = opened_form(anna, motion), opened_form(bert, motion)
    anna.post(edit_url(motion), {**annas, "votes_for": "12"})

    refused = bert.post(edit_url(motion), {**berts, "votes_for": "14"})

    assert "Nu opgeslagen: 12" in text(refused)
    assert shown_values(refused)["votes_for"] == "14"
    bert.post(edit_url(motion), shown_values(refused))
    assert Motion.objects.get().votes_for == 14


def test_a_change_to_a_faction_vote_alone_makes_an_open_form_stale(anna, bert, motion):
    berts = opened_form(bert, motion)
    anna.post(edit_url(motion), vote_row(opened_form(anna, motion), "against"))

    response = bert.post(edit_url(motion), {**berts, "summary": "Iets anders"})

    assert "Niet opgeslagen" in text(response)
    assert Motion.objects.get().summary == "Oproep aan het college"
    assert FactionVote.objects.get().vote == FactionVote.Vote.AGAINST


def test_a_sponsor_added_elsewhere_is_kept_and_named(anna, bert, motion):
    berts = opened_form(bert, motion)
    faction = Faction.objects.get(party__abbreviation="CU")
    Sponsorship.objects.create(motion=motion, faction=faction)  # as through the admin

    response = bert.post(edit_url(motion), {**berts, "summary": "Iets anders"})

    assert "Indiener toegevoegd" in text(response)
    bert.post(edit_url(motion), shown_values(response))
    assert Motion.objects.get().summary == "Iets anders"
    assert Sponsorship.objects.get().faction == faction


def test_a_row_deleted_elsewhere_keeps_what_the_user_typed_in_it(anna, bert, motion):
    berts = opened_form(bert, motion)
    FactionVote.objects.get().delete()  # Anna removed the vote

    refused = bert.post(edit_url(motion), vote_row(berts, "against"))

    assert "Stem van een fractie verwijderd" in text(refused)
    response = bert.post(edit_url(motion), shown_values(refused))
    assert response.status_code == 302
    assert FactionVote.objects.get().vote == FactionVote.Vote.AGAINST


def test_a_row_deleted_elsewhere_and_left_alone_stays_deleted(anna, bert, motion):
    berts = opened_form(bert, motion)
    FactionVote.objects.get().delete()  # Anna removed the vote

    refused = bert.post(edit_url(motion), {**berts, "summary": "Iets anders"})
    bert.post(edit_url(motion), shown_values(refused))

    assert Motion.objects.get().summary == "Iets anders"
    assert not FactionVote.objects.exists()


def test_an_unchanged_form_saved_twice_by_the_same_person_is_no_conflict(anna, motion):
    response = anna.post(edit_url(motion), {**opened_form(anna, motion), "votes_for": "11"})
    response = anna.post(edit_url(motion), {**opened_form(anna, motion), "votes_for": "12"})

    assert response.status_code == 302
    assert Motion.objects.get().votes_for == 12


@pytest.mark.parametrize(
    ("changes", "dropped"),
    [
        ({}, ["opened_version"]),
        ({"opened_version": "x"}, []),
        ({"opened_version": "0", "opened_at": "gisteren"}, []),
        ({"opened_version": "0", "opened_at": "0001-01-01T00:00:00+00:00"}, []),
        ({}, ["opened_version", "opened_at"]),
    ],
    ids=["no-version", "bad-version", "bad-time", "year-one", "page-from-before-the-check"],
)
def test_a_form_without_a_readable_version_is_refused_not_saved_blindly(
    anna, motion, changes, dropped
):
    data = {**opened_form(anna, motion), **changes, "votes_for": "12"}
    for name in dropped:
        del data[name]

    response = anna.post(edit_url(motion), data)

    assert response.status_code == 200
    assert "Niet opgeslagen: iemand anders heeft dit gewijzigd" in text(response)
    assert Motion.objects.get().votes_for == 10
    # What the page now holds can be saved, knowingly.
    assert anna.post(edit_url(motion), shown_values(response)).status_code == 302
    assert Motion.objects.get().votes_for == 12


# --- the admin: every record volunteers edit ----------------------------------------


def admin_url(instance) -> str:
    meta = instance._meta
    return reverse(f"admin:{meta.app_label}_{meta.model_name}_change", args=[instance.pk])


def admin_values(response) -> dict[str, str | list[str]]:
    """What the admin's change form holds as shown, inlines included."""
    data: dict[str, str | list[str]] = {}

    def add(form):
        for field in form:
            value = field.value()
            widget = getattr(field.field.widget, "widget", field.field.widget)  # admin wrapper
            if isinstance(widget, forms.CheckboxInput):
                if value:
                    data[field.html_name] = "on"
            elif isinstance(widget, forms.SelectMultiple):
                data[field.html_name] = [str(v) for v in value or []]
            elif not isinstance(widget, forms.FileInput):
                data[field.html_name] = "" if value is None else str(value)
                if isinstance(value, list | tuple) and hasattr(field.field, "fields"):
                    for index, part in enumerate(value):
                        data[f"{field.html_name}_{index}"] = "" if part is None else str(part)

    add(response.context["adminform"].form)
    for inline in response.context["inline_admin_formsets"]:
        add(inline.formset.management_form)
        for form in inline.formset.forms:
            add(form)
    return data


def contact() -> ContactMoment:
    return ContactMoment.objects.create(
        municipality=make_municipality(),
        date=datetime.date(2026, 11, 2),
        channel=ContactMoment.Channel.EMAIL,
        direction=ContactMoment.Direction.SENT,
        summary="Brief gestuurd",
    )


RECORDS = {
    "motion": (lambda: make_motion(title="Motie"), "title"),
    "contact": (contact, "summary"),
    "faction": (lambda: make_faction(seats=3), "seats"),
    "municipality": (lambda: make_municipality(website="https://a.example"), "website"),
}


@pytest.mark.parametrize("kind", RECORDS)
def test_the_admin_refuses_a_save_over_a_newer_version(coordinators, kind):
    make, field = RECORDS[kind]
    record = make()
    carla, dirk = coordinators
    carlas = admin_values(carla.get(admin_url(record)))
    dirks = admin_values(dirk.get(admin_url(record)))
    first = {"title": "Eerste", "summary": "Eerste", "seats": "4", "website": "https://b.example"}
    second = {"title": "Tweede", "summary": "Tweede", "seats": "5", "website": "https://c.example"}
    assert carla.post(admin_url(record), {**carlas, field: first[field]}).status_code == 302

    response = dirk.post(admin_url(record), {**dirks, field: second[field]})

    assert response.status_code == 200
    assert "Niet opgeslagen: iemand anders heeft dit gewijzigd" in text(response)
    assert "carla" in text(response)
    record.refresh_from_db()
    assert str(getattr(record, field)) == first[field]


def test_the_municipality_private_fields_are_versioned_in_the_admin(coordinators):
    municipality = make_municipality()
    carla, dirk = coordinators
    carlas = admin_values(carla.get(admin_url(municipality)))
    dirks = admin_values(dirk.get(admin_url(municipality)))
    carla.post(admin_url(municipality), {**carlas, "griffie_email": "griffie@zwolle.example"})

    dirk.post(admin_url(municipality), {**dirks, "website": "https://zwolle.example"})

    stored = Municipality.objects.get()
    assert (stored.griffie_email, stored.website) == ("griffie@zwolle.example", "")


def test_a_form_opened_before_a_delete_and_restore_is_still_refused(
    anna, bert, coordinator_client, motion
):
    berts = opened_form(bert, motion)
    anna.post(edit_url(motion), {**opened_form(anna, motion), "summary": "Van Anna"})
    coordinator_client.post(reverse("workspace:motion_delete", args=[motion.pk]))
    deleted = Motion.history.filter(history_type="-").get()
    coordinator_client.post(reverse("workspace:motion_restore", args=[deleted.history_id]))

    response = bert.post(edit_url(motion), {**berts, "summary": "Van Bert"})

    assert "Niet opgeslagen" in text(response)
    assert Motion.objects.get().summary == "Van Anna"


def test_two_people_adding_the_same_faction_vote_get_a_message_not_an_error(anna, bert, motion):
    Motion.objects.get().faction_votes.all().delete()
    christian = Faction.objects.get(party__abbreviation="CU")
    annas, berts = opened_form(anna, motion), opened_form(bert, motion)
    row = {"stemmen-0-faction": str(christian.pk), "stemmen-0-vote": "for"}
    assert anna.post(edit_url(motion), {**annas, **row}).status_code == 302

    refused = bert.post(edit_url(motion), {**berts, **row, "stemmen-0-vote": "against"})
    again = bert.post(edit_url(motion), shown_values(refused))

    assert again.status_code == 200
    assert "staat al bij deze motie" in text(again)
    assert FactionVote.objects.get().vote == FactionVote.Vote.FOR


@pytest.mark.parametrize("count", ["x", "3000000", "-1", ""])
def test_tampered_row_counts_are_refused_not_an_error(anna, motion, count):
    data = {**opened_form(anna, motion), "stemmen-INITIAL_FORMS": count}

    response = anna.post(edit_url(motion), data)

    assert response.status_code == 200
    assert "Er is niets opgeslagen" in text(response)
