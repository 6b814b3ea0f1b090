"""Every change kept: who changed what, reverting to an earlier version, and
bringing back a deleted motion, through the real workspace URLs."""

import datetime

import pytest
from django.urls import reverse

from motions.models import FactionVote, Motion, MotionEvent, Sponsorship
from municipalities.models import Faction

from .conftest import make_faction, make_motion, make_municipality, make_party, opened
from .test_workspace_decisions import decision, rows

pytestmark = pytest.mark.django_db


def history_url(model: str, pk: int) -> str:
    return reverse("workspace:history", args=[model, pk])


def revert_url(model: str, record) -> str:
    return reverse("workspace:revert", args=[model, record.id, record.history_id])


def edit_url(motion) -> str:
    return reverse("workspace:motion_edit", args=[motion.pk])


@pytest.fixture
def motion():
    """A submitted motion of a council with two factions, logged by a script."""
    municipality = make_municipality(name="Zwolle")
    make_faction(municipality=municipality, party=make_party(abbreviation="GL"), seats=10)
    make_faction(municipality=municipality, party=make_party(abbreviation="CU"), seats=8)
    return make_motion(
        municipality=municipality, title="Motie kinderpardon", status=Motion.Status.SUBMITTED
    )


def edit_status(client, motion, status: str, **fields):
    """Change a motion through the decision page, as a volunteer would."""
    data = decision(motion.municipality, title=motion.title, status=status, **fields)
    return client.post(reverse("workspace:motion_edit", args=[motion.pk]), data | opened(motion))


def test_history_shows_who_changed_the_status_from_what_to_what(volunteer_client, motion):
    edit_status(volunteer_client, motion, Motion.Status.ADOPTED, decided_on="4-2025")

    response = volunteer_client.get(history_url("motion", motion.pk))

    newest = response.context["entries"][0]
    changes = {c.label: (c.old, c.new) for c in newest.changes}
    assert newest.record.history_user.username == "vrijwilliger"
    assert changes["Status"] == ("ingediend", "aangenomen")
    assert changes["Besloten op"] == ("", "april 2025")
    html = response.content.decode()
    assert "vrijwilliger" in html
    assert "ingediend</span>" in html
    assert "aangenomen</span>" in html


def test_history_of_a_motion_includes_its_sponsors_and_votes(volunteer_client, motion):
    green = Faction.objects.get(party__abbreviation="GL")
    data = {
        **rows("indieners", [{"faction": green.pk, "role": "submitter"}]),
        **rows("stemmen", [{"faction": green.pk, "vote": "for"}]),
    }
    edit_status(volunteer_client, motion, Motion.Status.SUBMITTED, **data)

    response = volunteer_client.get(history_url("motion", motion.pk))

    subjects = [e.subject for e in response.context["entries"] if e.subject]
    assert sorted(subjects) == [
        "Indiener: GL (Zwolle, 2022)",
        "Stem van een fractie: GL (Zwolle, 2022)",
    ]


def test_history_is_newest_first_and_starts_with_the_creation(volunteer_client, motion):
    edit_status(volunteer_client, motion, Motion.Status.HELD)

    entries = volunteer_client.get(history_url("motion", motion.pk)).context["entries"]

    assert [e.record.history_type for e in entries] == ["~", "+"]
    assert ("Titel", "", "Motie kinderpardon") in [
        (c.label, c.old, c.new) for c in entries[1].changes
    ]


def test_history_of_a_model_outside_the_list_is_not_found(volunteer_client, motion):
    assert volunteer_client.get(history_url("user", 1)).status_code == 404
    assert volunteer_client.get(history_url("sponsorship", 1)).status_code == 404
    assert volunteer_client.get(history_url("motion", motion.pk + 1)).status_code == 404


def test_history_of_a_faction_and_a_municipality_is_shown(volunteer_client, motion):
    faction = Faction.objects.get(party__abbreviation="GL")
    faction.seats = 11
    faction.save()

    faction_page = volunteer_client.get(history_url("faction", faction.pk))
    municipality_page = volunteer_client.get(history_url("municipality", motion.municipality_id))

    changes = faction_page.context["entries"][0].changes
    assert [(c.label, c.old, c.new) for c in changes] == [("Zetels", "10", "11")]
    assert municipality_page.status_code == 200


def test_anonymous_visitor_is_sent_to_the_login(client, motion):
    response = client.get(history_url("motion", motion.pk))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("workspace:login"))


def test_revert_buttons_are_shown_to_coordinators_only(
    volunteer_client, coordinator_client, motion
):
    edit_status(volunteer_client, motion, Motion.Status.HELD)
    first = motion.history.earliest()

    assert (
        revert_url("motion", first)
        not in volunteer_client.get(history_url("motion", motion.pk)).content.decode()
    )
    assert (
        revert_url("motion", first)
        in coordinator_client.get(history_url("motion", motion.pk)).content.decode()
    )


def test_coordinator_reverts_to_an_earlier_version(volunteer_client, coordinator_client, motion):
    edit_status(volunteer_client, motion, Motion.Status.ADOPTED, decided_on="4-2025")
    first = motion.history.earliest()

    response = coordinator_client.post(revert_url("motion", first))

    motion.refresh_from_db()
    newest = motion.history.latest()
    assert response["Location"] == history_url("motion", motion.pk)
    assert (motion.status, motion.decided_on) == (Motion.Status.SUBMITTED, None)
    assert newest.history_user.username == "coordinator"
    assert newest.history_change_reason.startswith("Teruggezet naar versie van")
    assert motion.history.count() == 3


def test_revert_refuses_a_version_that_is_no_longer_valid(coordinator_client, motion):
    faction = Faction.objects.get(party__abbreviation="GL")
    faction.election_year = 2018
    faction.save()
    # Since then the party has a faction in this council for 2022 again.
    make_faction(municipality=faction.municipality, party=faction.party, election_year=2022)
    version_2022 = faction.history.earliest()

    response = coordinator_client.post(revert_url("faction", version_2022), follow=True)

    faction.refresh_from_db()
    assert faction.election_year == 2018
    assert "Niet teruggezet" in response.content.decode()
    assert faction.history.count() == 2


def test_volunteer_may_not_revert(volunteer_client, motion):
    edit_status(volunteer_client, motion, Motion.Status.HELD)

    response = volunteer_client.post(revert_url("motion", motion.history.earliest()))

    motion.refresh_from_db()
    assert response.status_code == 403
    assert motion.status == Motion.Status.HELD
    assert motion.history.count() == 2


def test_revert_is_post_only(coordinator_client, motion):
    response = coordinator_client.get(revert_url("motion", motion.history.earliest()))

    assert response.status_code == 405


# --- reverting a whole decision ------------------------------------------------


@pytest.fixture
def logged(volunteer_client):
    """A decision logged in one go: adopted, two sponsors, two votes, an event."""
    municipality = make_municipality(name="Zwolle")
    green, christian = (
        make_faction(municipality=municipality, party=make_party(abbreviation=abbr), seats=seats)
        for abbr, seats in (("GL", 10), ("CU", 8))
    )
    data = decision(
        municipality,
        status="adopted",
        decided_on="4-2025",
        sponsors=[
            {"faction": green.pk, "role": "submitter"},
            {"faction": christian.pk, "role": "co_signer"},
        ],
        votes=[{"faction": green.pk, "vote": "for"}, {"faction": christian.pk, "vote": "for"}],
        events=[{"kind": "voted", "happened_on": "4-2025"}],
    )
    volunteer_client.post(reverse("workspace:motion_create"), data)
    return Motion.objects.get(), green, christian


def public_state(client, motion) -> tuple:
    """What the public sees of a decision."""
    content = client.get(motion.get_absolute_url()).content.decode()
    motion = Motion.objects.get(pk=motion.pk)
    return (
        motion.status,
        sorted((s.faction.party.abbreviation, s.role) for s in motion.sponsorships.all()),
        sorted((v.faction.party.abbreviation, v.vote) for v in motion.faction_votes.all()),
        sorted(e.kind for e in motion.events.all()),
        "aangenomen" in content,
    )


def change_everything(client, motion, green, christian):
    """Rejected instead, one sponsor removed, a vote changed, an event added."""
    sponsor = motion.sponsorships.get(faction=christian)
    vote = motion.faction_votes.get(faction=green)
    event = motion.events.get()
    data = decision(motion.municipality, title=motion.title, status="rejected", decided_on="4-2025")
    data |= rows(
        "indieners",
        [{"id": sponsor.pk, "motion": motion.pk, "faction": christian.pk, "role": "co_signer"}]
        + [
            {"id": s.pk, "motion": motion.pk, "faction": s.faction_id, "role": s.role}
            | {"DELETE": "on"}
            for s in motion.sponsorships.exclude(pk=sponsor.pk)
        ],
        initial=2,
    )
    data |= rows(
        "stemmen",
        [
            {"id": vote.pk, "motion": motion.pk, "faction": green.pk, "vote": "against"},
            {
                "id": motion.faction_votes.get(faction=christian).pk,
                "motion": motion.pk,
                "faction": christian.pk,
                "vote": "for",
            },
        ],
        initial=2,
    )
    data |= rows(
        "tijdlijn",
        [
            {"id": event.pk, "motion": motion.pk, "kind": "voted", "happened_on": "4-2025"},
            {"kind": "answer_received", "happened_on": "5-2025"},
        ],
        initial=1,
    )
    response = client.post(edit_url(motion), data | opened(motion))
    assert response.status_code == 302, response.content.decode()[:3000]


def test_revert_puts_back_the_decision_with_its_sponsors_votes_and_events(
    volunteer_client, coordinator_client, client, logged
):
    motion, green, christian = logged
    before = public_state(client, motion)
    change_everything(volunteer_client, motion, green, christian)
    assert public_state(client, motion) != before

    response = coordinator_client.post(revert_url("motion", motion.history.earliest()))

    assert response.status_code == 302
    assert public_state(client, motion) == before
    assert motion.history.latest().history_change_reason.startswith("Teruggezet naar versie")


def test_a_revert_can_itself_be_reverted(volunteer_client, coordinator_client, client, logged):
    motion, green, christian = logged
    change_everything(volunteer_client, motion, green, christian)
    changed = public_state(client, motion)
    after_the_change = motion.history.latest()
    coordinator_client.post(revert_url("motion", motion.history.earliest()))

    coordinator_client.post(revert_url("motion", after_the_change))

    assert public_state(client, motion) == changed


def test_a_revert_puts_back_what_it_can_and_names_what_it_cannot(
    volunteer_client, coordinator_client, client, logged
):
    motion, green, christian = logged
    before = public_state(client, motion)
    change_everything(volunteer_client, motion, green, christian)
    # The sponsor removed by the change named a faction deleted since.
    sponsor = Sponsorship.history.filter(history_type="-").get()
    Faction.objects.get(pk=sponsor.faction_id).votes.all().delete()
    Faction.objects.filter(pk=sponsor.faction_id).delete()

    response = coordinator_client.post(revert_url("motion", motion.history.earliest()), follow=True)

    content = response.content.decode()
    assert "Teruggezet naar de versie van" in content
    assert "Niet teruggezet, omdat de fractie niet meer bestaat: indiener van GL" in content
    assert public_state(client, motion)[0] == before[0]  # the status is back


def test_a_restore_puts_back_what_it_can_and_names_what_it_cannot(coordinator_client, decided):
    delete_through_the_page(coordinator_client, decided)
    gone = Faction.objects.get(party__abbreviation="CU")
    gone.delete()
    record = Motion.history.get(history_type="-")

    response = coordinator_client.post(
        reverse("workspace:motion_restore", args=[record.history_id]), follow=True
    )

    assert "Niet teruggezet, omdat de fractie niet meer bestaat" in response.content.decode()
    motion = Motion.objects.get(pk=decided.pk)
    assert motion.sponsorships.count() == motion.faction_votes.count() == 1
    assert motion.events.count() == 1


# --- delete and restore -------------------------------------------------------


def delete_through_the_page(client, motion):
    return client.post(reverse("workspace:motion_delete", args=[motion.pk]))


@pytest.fixture
def decided(motion):
    """The motion adopted, with two sponsors, their votes and an event."""
    motion.status, motion.decided_on = Motion.Status.ADOPTED, datetime.date(2025, 4, 1)
    motion.save()
    for faction in Faction.objects.filter(municipality=motion.municipality):
        Sponsorship.objects.create(motion=motion, faction=faction)
        FactionVote.objects.create(motion=motion, faction=faction, vote="for")
    MotionEvent.objects.create(motion=motion, kind=MotionEvent.Kind.VOTED)
    return motion


def test_deleted_motion_is_listed_for_restoring(coordinator_client, decided):
    delete_through_the_page(coordinator_client, decided)

    response = coordinator_client.get(reverse("workspace:motions_deleted"))

    assert [r.id for r in response.context["records"]] == [decided.pk]
    assert "Motie kinderpardon" in response.content.decode()


def test_restore_brings_back_the_motion_with_its_sponsors_votes_and_events(
    coordinator_client, client, decided
):
    delete_through_the_page(coordinator_client, decided)
    record = Motion.history.get(history_type="-")

    response = coordinator_client.post(
        reverse("workspace:motion_restore", args=[record.history_id])
    )

    motion = Motion.objects.get(pk=decided.pk)
    assert response["Location"] == reverse("workspace:motion_edit", args=[motion.pk])
    assert (motion.title, motion.status) == ("Motie kinderpardon", Motion.Status.ADOPTED)
    assert motion.sponsorships.count() == 2
    assert motion.faction_votes.count() == 2
    assert motion.events.count() == 1
    assert motion.history.latest().history_change_reason == "Hersteld na verwijdering"
    assert client.get(motion.get_absolute_url()).status_code == 200
    assert coordinator_client.get(reverse("workspace:motions_deleted")).context["records"] == []


def test_sponsor_removed_before_the_deletion_stays_removed(coordinator_client, decided):
    removed = decided.sponsorships.first()
    # An edit a moment before the motion was deleted: another change, however close.
    sponsors = [{"id": removed.pk, "motion": decided.pk, "faction": removed.faction_id}]
    data = decision(
        decided.municipality, title=decided.title, status="adopted", decided_on="4-2025"
    )
    data |= rows("indieners", [sponsors[0] | {"role": "submitter", "DELETE": "on"}], initial=1)
    data |= opened(decided)
    assert coordinator_client.post(edit_url(decided), data).status_code == 302
    delete_through_the_page(coordinator_client, decided)
    record = Motion.history.get(history_type="-")

    coordinator_client.post(reverse("workspace:motion_restore", args=[record.history_id]))

    assert Sponsorship.objects.filter(motion=decided.pk).count() == 1


def test_restore_is_refused_to_volunteers_and_changes_nothing(
    volunteer_client, coordinator_client, decided
):
    delete_through_the_page(coordinator_client, decided)
    record = Motion.history.get(history_type="-")

    response = volunteer_client.post(reverse("workspace:motion_restore", args=[record.history_id]))

    assert response.status_code == 403
    assert not Motion.objects.exists()
    assert not Sponsorship.objects.exists()


# --- query counts ---------------------------------------------------------------


@pytest.mark.parametrize("size", [1, 10])
def test_history_page_query_count_does_not_grow(volunteer_client, django_assert_num_queries, size):
    municipality = make_municipality()
    factions = [make_faction(municipality=municipality) for _ in range(2 * size)]
    motion = make_motion(municipality=municipality)
    for n in range(3 * size):
        motion.votes_for = n
        motion.save()
    for faction in factions:
        Sponsorship.objects.create(motion=motion, faction=faction)
        vote = FactionVote.objects.create(motion=motion, faction=faction, vote="for")
        vote.vote = "against"
        vote.save()
    for _ in range(size):
        MotionEvent.objects.create(motion=motion, kind=MotionEvent.Kind.DEBATED)
    url = history_url("motion", motion.pk)
    volunteer_client.get(url)
    # 1 session, 2 user, 3-4 the user's permissions, 5 the motion's records with
    # their users, 6 its version (left out of its history), 7-9 its sponsors',
    # votes' and events' records, 10 municipality names, 11 faction names (with
    # party and council)
    with django_assert_num_queries(11):
        response = volunteer_client.get(url)
    assert len(response.context["entries"]) == 1 + 3 * size + 3 * len(factions) + size


def test_municipality_contacts_and_factions_link_to_their_history(volunteer_client):
    import datetime

    from municipalities.models import ContactMoment

    from .conftest import make_faction

    faction = make_faction()
    municipality = faction.municipality
    municipality.website = "https://example.org"
    municipality.save()  # a historical record to show
    contact = ContactMoment.objects.create(
        municipality=municipality,
        date=datetime.date(2025, 5, 1),
        channel=ContactMoment.Channel.EMAIL,
        direction=ContactMoment.Direction.SENT,
        summary="Brief verstuurd",
    )
    page = volunteer_client.get(reverse("workspace:municipality", args=[municipality.slug]))
    html = page.content.decode()

    for model, pk in [("municipality", municipality.pk), ("contactmoment", contact.pk)]:
        url = reverse("workspace:history", args=[model, pk])
        assert f'href="{url}"' in html
        assert volunteer_client.get(url).status_code == 200
    assert reverse("workspace:history", args=["faction", faction.pk]) in html
