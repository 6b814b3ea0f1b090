"""Volunteers add a council's factions from its workspace page, so that the
sponsors and votes of a motion can be logged."""

import pytest
from django.urls import reverse

from municipalities.models import Faction, Party

from .conftest import make_faction, make_municipality, make_party

pytestmark = pytest.mark.django_db


def add_url(municipality) -> str:
    return reverse("workspace:faction_add", args=[municipality.slug])


def test_volunteer_adds_a_national_party_faction(volunteer_client):
    municipality = make_municipality()
    party = make_party(name="Socialistische Partij", abbreviation="SP")

    response = volunteer_client.post(
        add_url(municipality), {"party": party.pk, "election_year": 2026, "seats": 3}
    )

    assert response.status_code == 302
    faction = Faction.objects.get()
    assert (faction.municipality, faction.party, faction.election_year, faction.seats) == (
        municipality,
        party,
        2026,
        3,
    )


def test_volunteer_adds_a_local_party_by_name(volunteer_client):
    municipality = make_municipality()

    volunteer_client.post(
        add_url(municipality), {"local_party": "Gemeentebelangen", "election_year": 2026}
    )

    party = Party.objects.get(name="Gemeentebelangen")
    assert party.scope == Party.Scope.LOCAL
    assert party.municipality == municipality
    assert Faction.objects.get().party == party


def test_the_new_faction_can_be_chosen_when_logging_a_decision(volunteer_client):
    municipality = make_municipality()
    volunteer_client.post(
        add_url(municipality), {"local_party": "Stadspartij", "election_year": 2026}
    )

    page = volunteer_client.get(reverse("workspace:motion_create"), {"gemeente": municipality.slug})

    assert "Stadspartij" in page.content.decode()


def test_same_faction_twice_is_refused_with_a_message(volunteer_client):
    faction = make_faction(election_year=2026)

    response = volunteer_client.post(
        add_url(faction.municipality), {"party": faction.party.pk, "election_year": 2026}
    )

    assert response.status_code == 200
    assert "al een fractie in deze raad" in response.content.decode()
    assert Faction.objects.count() == 1


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"election_year": 2026}, "Kies een partij of typ de naam van een lokale partij."),
        ({"party": "PARTY", "local_party": "Lokaal", "election_year": 2026}, "niet allebei"),
    ],
)
def test_party_must_be_chosen_or_typed_but_not_both(volunteer_client, data, message):
    municipality = make_municipality()
    party = make_party()
    data = {k: (party.pk if v == "PARTY" else v) for k, v in data.items()}

    response = volunteer_client.post(add_url(municipality), data)

    assert response.status_code == 200
    assert message in response.content.decode()
    assert not Faction.objects.exists()
    assert not Party.objects.filter(name="Lokaal").exists()


def test_another_municipalitys_local_party_is_not_offered(volunteer_client):
    municipality = make_municipality()
    other = make_party(
        name="Elders Lokaal", scope=Party.Scope.LOCAL, municipality=make_municipality()
    )

    response = volunteer_client.get(reverse("workspace:municipality", args=[municipality.slug]))

    parties = response.context["faction_form"].fields["party"].queryset
    assert other not in parties


def test_decision_form_without_factions_points_to_where_they_are_added(volunteer_client):
    municipality = make_municipality()

    page = volunteer_client.get(reverse("workspace:motion_create"), {"gemeente": municipality.slug})

    url = reverse("workspace:municipality", args=[municipality.slug])
    assert f'<a href="{url}#factions-heading">' in page.content.decode()
