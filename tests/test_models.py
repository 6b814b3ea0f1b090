"""The rules of the domain: each refused with a clear Dutch message by
``full_clean`` and, where it is a rule of the data, by the database itself."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from motions.models import (
    ActionReport,
    Council,
    FactionVote,
    ModelMotion,
    Motion,
    MunicipalityStatus,
    Source,
    Sponsorship,
)
from municipalities.models import (
    Boundary,
    ContactMoment,
    Faction,
    Municipality,
    Party,
    Succession,
)

from .conftest import make_faction, make_motion, make_municipality, make_party

pytestmark = pytest.mark.django_db

APRIL_2025 = datetime.date(2025, 4, 1)


def refused_by_database(save) -> None:
    with pytest.raises(IntegrityError), transaction.atomic():
        save()


def messages(error: ValidationError) -> str:
    return " ".join(str(m) for m in error.messages)


def test_municipal_motion_without_municipality_is_refused():
    motion = Motion(level=Motion.Level.MUNICIPAL, title="x", status=Motion.Status.SUBMITTED)
    with pytest.raises(ValidationError) as error:
        motion.full_clean()
    assert "Kies de gemeente van deze motie" in messages(error.value)
    refused_by_database(motion.save)


def test_national_motion_with_municipality_is_refused():
    motion = Motion(
        level=Motion.Level.NATIONAL,
        municipality=make_municipality(),
        title="x",
        status=Motion.Status.SUBMITTED,
    )
    with pytest.raises(ValidationError) as error:
        motion.full_clean()
    assert "Tweede Kamer hoort niet bij een gemeente" in messages(error.value)
    refused_by_database(motion.save)


def test_kamerstuk_on_a_municipal_motion_is_refused():
    motion = Motion(
        municipality=make_municipality(),
        title="x",
        status=Motion.Status.SUBMITTED,
        kamerstuk="19637-1",
    )
    with pytest.raises(ValidationError) as error:
        motion.full_clean()
    assert "Kamerstuknummer" in messages(error.value)
    refused_by_database(motion.save)


def test_decided_before_submitted_is_refused():
    motion = Motion(
        municipality=make_municipality(),
        title="x",
        status=Motion.Status.ADOPTED,
        submitted_on=datetime.date(2025, 5, 10),
        decided_on=datetime.date(2025, 5, 1),
    )
    with pytest.raises(ValidationError) as error:
        motion.full_clean()
    assert "vóór de datum van indienen" in messages(error.value)
    refused_by_database(motion.save)


def test_decided_on_the_day_of_submission_is_accepted():
    day = datetime.date(2025, 5, 10)
    motion = make_motion(submitted_on=day, decided_on=day, decided_precision="day")
    motion.full_clean()
    assert Motion.objects.filter(pk=motion.pk).exists()


def test_adopted_motion_without_decision_date_is_refused():
    motion = Motion(municipality=make_municipality(), title="x", status=Motion.Status.ADOPTED)
    with pytest.raises(ValidationError) as error:
        motion.full_clean()
    assert "besluitdatum" in messages(error.value)
    refused_by_database(motion.save)


def test_negative_votes_are_refused():
    motion = make_motion(votes_for=20, votes_against=5)
    motion.votes_against = -1
    with pytest.raises(ValidationError):
        motion.full_clean()
    refused_by_database(motion.save)


def test_month_precision_is_stored_as_first_of_the_month():
    motion = Motion(
        municipality=make_municipality(),
        title="x",
        status=Motion.Status.ADOPTED,
        decided_on=datetime.date(2025, 3, 17),
        decided_precision="month",
    )
    motion.full_clean()
    assert motion.decided_on == datetime.date(2025, 3, 1)
    assert motion.decided_display == "maart 2025"


def test_year_precision_is_shown_as_the_year_alone():
    motion = make_motion(decided_on=datetime.date(2024, 1, 1), decided_precision="year")
    assert motion.decided_display == "2024"


def test_duplicate_cbs_code_is_refused():
    existing = make_municipality(code="GM0363")
    duplicate = Municipality(
        code="GM0363", name="Amsterdam", slug="amsterdam-2", province=existing.province
    )
    with pytest.raises(ValidationError) as error:
        duplicate.full_clean()
    assert "code" in error.value.message_dict
    refused_by_database(duplicate.save)


def test_duplicate_slug_is_refused():
    existing = make_municipality(slug="bergen-nh")
    duplicate = Municipality(
        code="GM0001", name="Bergen", slug="bergen-nh", province=existing.province
    )
    with pytest.raises(ValidationError) as error:
        duplicate.full_clean()
    assert "slug" in error.value.message_dict
    refused_by_database(duplicate.save)


def test_aliases_too_many_to_search_are_refused_and_never_overflow_on_save():
    """128 one-letter aliases fit their 255 characters but not, with " | " between
    them, the 400 of the search text (PostgreSQL refuses an over-long value)."""
    municipality = make_municipality(name="Utrecht")
    municipality.aliases = ",".join(["U"] * 128)
    with pytest.raises(ValidationError) as error:
        municipality.full_clean()
    assert error.value.message_dict["aliases"] == [
        "Deze andere namen zijn samen te lang; laat er een paar weg."
    ]
    municipality.save()  # what skips clean() still saves
    municipality.refresh_from_db()
    assert len(municipality.search_text) == 400


def test_successor_without_dissolution_is_refused():
    succession = Succession(
        predecessor=make_municipality(name="Nog actief"), successor=make_municipality(), source="x"
    )
    with pytest.raises(ValidationError) as error:
        succession.full_clean()
    assert "Nog actief is niet opgeheven" in messages(error.value)


def test_successor_must_exist_on_the_day_of_the_ending():
    later = make_municipality(name="Later", began_on=datetime.date(2022, 1, 1))
    gone = make_municipality(name="Eerder", dissolved_on=datetime.date(2015, 1, 1))
    predecessor = make_municipality(name="Oud", dissolved_on=datetime.date(2019, 1, 1))
    for successor in (later, gone):
        succession = Succession(predecessor=predecessor, successor=successor, source="x")
        with pytest.raises(ValidationError) as error:
            succession.full_clean()
        assert f"{successor.name} bestond niet op 1 januari 2019" in messages(error.value)


def test_successor_existing_on_the_day_of_the_ending_is_accepted():
    successor = make_municipality(began_on=datetime.date(2019, 1, 1))
    predecessor = make_municipality(dissolved_on=datetime.date(2019, 1, 1))
    Succession(predecessor=predecessor, successor=successor, source="x").full_clean()


def test_municipality_cannot_be_its_own_successor():
    municipality = make_municipality(dissolved_on=datetime.date(2023, 1, 1))
    succession = Succession(predecessor=municipality, successor=municipality, source="x")
    with pytest.raises(ValidationError) as error:
        succession.full_clean()
    assert "in zichzelf" in messages(error.value)
    refused_by_database(succession.save)


def test_municipality_cannot_end_before_it_began():
    municipality = make_municipality()
    municipality.began_on = datetime.date(2019, 1, 1)
    municipality.dissolved_on = datetime.date(2019, 1, 1)
    with pytest.raises(ValidationError) as error:
        municipality.full_clean()
    assert "opgeheven zijn vóór of op de dag dat ze ontstond" in messages(error.value)
    refused_by_database(municipality.save)


def test_one_boundary_per_municipality_and_year():
    municipality = make_municipality()
    geometry = {"type": "Polygon", "coordinates": [[[5, 52], [5.1, 52], [5, 52.1], [5, 52]]]}
    Boundary.objects.create(municipality=municipality, year=2025, geometry=geometry)
    duplicate = Boundary(municipality=municipality, year=2025, geometry=geometry)
    with pytest.raises(ValidationError):
        duplicate.full_clean()
    refused_by_database(duplicate.save)


def test_local_party_needs_a_municipality():
    party = Party(name="Gemeentebelangen", scope=Party.Scope.LOCAL)
    with pytest.raises(ValidationError) as error:
        party.full_clean()
    assert "lokale partij hoort bij een gemeente" in messages(error.value)
    refused_by_database(party.save)


def test_same_local_party_name_in_two_municipalities_is_allowed():
    for _ in range(2):
        make_party(
            name="Gemeentebelangen", scope=Party.Scope.LOCAL, municipality=make_municipality()
        )
    assert Party.objects.filter(name="Gemeentebelangen").count() == 2


def test_duplicate_national_party_is_refused():
    make_party(name="Socialistische Partij")
    refused_by_database(lambda: Party.objects.create(name="Socialistische Partij"))


def test_faction_once_per_party_and_term():
    faction = make_faction()
    duplicate_faction = lambda: make_faction(  # noqa: E731
        municipality=faction.municipality, party=faction.party, election_year=faction.election_year
    )
    refused_by_database(duplicate_faction)


def test_sponsorship_must_name_someone():
    sponsorship = Sponsorship(motion=make_motion())
    with pytest.raises(ValidationError) as error:
        sponsorship.full_clean()
    assert "fractie of partij" in messages(error.value)
    refused_by_database(sponsorship.save)


def test_faction_votes_once_per_motion():
    motion = make_motion()
    faction = make_faction(municipality=motion.municipality)
    FactionVote.objects.create(motion=motion, faction=faction, vote=FactionVote.Vote.FOR)
    refused_by_database(
        lambda: FactionVote.objects.create(
            motion=motion, faction=faction, vote=FactionVote.Vote.AGAINST
        )
    )


def test_duplicate_report_must_name_the_original():
    report = ActionReport(
        municipality=make_municipality(),
        action=ActionReport.Action.ADOPTED,
        outcome=ActionReport.Outcome.DUPLICATE,
    )
    with pytest.raises(ValidationError) as error:
        report.full_clean()
    assert "dubbel" in messages(error.value)
    refused_by_database(report.save)


def test_model_motion_version_is_unique():
    ModelMotion.objects.create(slug="voorbeeld", version=1, title="Voorbeeld", text="{gemeente}")
    refused_by_database(
        lambda: ModelMotion.objects.create(slug="voorbeeld", version=1, title="Kopie", text="x")
    )


def test_model_motion_fills_in_the_municipality():
    municipality = make_municipality(name="Súdwest-Fryslân")
    model = ModelMotion(title="Voorbeeld", text="De raad van {gemeente} in {provincie}")
    rendered = model.render(municipality)
    assert rendered == f"De raad van Súdwest-Fryslân in {municipality.province.name}"


def test_source_date_is_shown_at_its_precision():
    source = Source(title="Rapport", published_on=datetime.date(2024, 12, 18))
    source.published_precision = "month"
    source.full_clean()
    assert source.published_display == "december 2024"


@pytest.mark.parametrize(
    ("statuses", "expected"),
    [
        ([], MunicipalityStatus.NONE),
        ([Motion.Status.DRAFT], MunicipalityStatus.NONE),
        ([Motion.Status.WITHDRAWN], MunicipalityStatus.REJECTED),
        ([Motion.Status.REJECTED, Motion.Status.HELD], MunicipalityStatus.PENDING),
        ([Motion.Status.REJECTED, Motion.Status.ADOPTED], MunicipalityStatus.ADOPTED),
        ([Motion.Status.SUBMITTED, Motion.Status.ADOPTED], MunicipalityStatus.ADOPTED),
    ],
)
def test_municipality_status_is_the_most_advanced_public_motion(statuses, expected):
    municipality = make_municipality()
    for status in statuses:
        make_motion(municipality=municipality, status=status)
    annotated = Council.objects.with_status().get(pk=municipality.pk)
    assert annotated.status == expected
    assert annotated.status_label == expected.label


def test_contacted_shows_only_in_the_volunteers_view(volunteer):
    municipality = make_municipality()
    municipality.contact_moments.create(
        date=APRIL_2025, channel="email", direction="sent", summary="Brief verstuurd"
    )
    public = Council.objects.with_status().get(pk=municipality.pk)
    private = Council.objects.with_status(include_contacted=True).get(pk=municipality.pk)
    assert public.status == MunicipalityStatus.NONE
    assert private.status == MunicipalityStatus.CONTACTED


def test_latest_motion_date_is_annotated():
    municipality = make_municipality()
    make_motion(municipality=municipality, decided_on=datetime.date(2024, 1, 1))
    make_motion(municipality=municipality, decided_on=APRIL_2025)
    annotated = Council.objects.with_latest_motion().get(pk=municipality.pk)
    assert annotated.latest_motion_on == APRIL_2025
    assert annotated.latest_motion_display == "april 2025"


def test_decision_known_as_a_month_may_follow_a_submission_in_that_month():
    motion = Motion(
        municipality=make_municipality(),
        title="x",
        status=Motion.Status.ADOPTED,
        submitted_on=datetime.date(2025, 4, 10),
        decided_on=datetime.date(2025, 4, 1),
        decided_precision="month",
    )
    motion.full_clean()
    motion.save()
    assert motion.decided_display == "april 2025"


def test_decision_known_as_a_year_before_the_submission_year_is_refused():
    motion = Motion(
        municipality=make_municipality(),
        title="x",
        status=Motion.Status.ADOPTED,
        submitted_on=datetime.date(2025, 4, 10),
        decided_on=datetime.date(2024, 1, 1),
        decided_precision="year",
    )
    with pytest.raises(ValidationError) as error:
        motion.full_clean()
    assert "vóór de datum van indienen" in messages(error.value)


def test_follow_up_before_the_contact_is_refused_by_the_database():
    contact = ContactMoment(
        municipality=make_municipality(),
        date=datetime.date(2025, 5, 1),
        channel=ContactMoment.Channel.EMAIL,
        direction=ContactMoment.Direction.SENT,
        summary="Brief",
        follow_up_on=datetime.date(2025, 4, 1),
    )
    with pytest.raises(ValidationError) as error:
        contact.full_clean()
    assert "opvolgdatum ligt vóór" in messages(error.value)
    refused_by_database(contact.save)


def test_active_means_begun_and_not_yet_ended_on_the_day_asked():
    today = timezone.localdate()
    day = datetime.timedelta(days=1)
    make_municipality(name="Eindigt morgen", dissolved_on=today + day)
    make_municipality(name="Eindigde vandaag", dissolved_on=today)
    make_municipality(name="Begint morgen", began_on=today + day)
    make_municipality(name="Begon vandaag", began_on=today)

    assert sorted(m.name for m in Municipality.objects.active()) == [
        "Begon vandaag",
        "Eindigt morgen",
    ]
    tomorrow = Municipality.objects.active(today + day)
    assert sorted(m.name for m in tomorrow) == ["Begint morgen", "Begon vandaag"]
    assert [m.is_active for m in Municipality.objects.order_by("name")] == [
        False,
        True,
        False,
        True,
    ]


@pytest.mark.parametrize(
    ("year", "message"),
    [
        (2099, "De raadsperiode van 2099 is nog niet begonnen."),
        (2019, "Aalburg is opgeheven per 1 januari 2019"),
        (2026, "Aalburg is opgeheven per 1 januari 2019"),
    ],
)
def test_a_faction_of_a_term_that_cannot_have_been_is_refused(year, message):
    aalburg = make_municipality(name="Aalburg", dissolved_on=datetime.date(2019, 1, 1))
    faction = Faction(municipality=aalburg, party=make_party(), election_year=year)

    with pytest.raises(ValidationError) as error:
        faction.full_clean()
    assert message in messages(error.value)


def test_a_faction_before_its_council_began_is_refused():
    dijk_en_waard = make_municipality(name="Dijk en Waard", began_on=datetime.date(2022, 1, 1))
    faction = Faction(municipality=dijk_en_waard, party=make_party(), election_year=2018)

    with pytest.raises(ValidationError) as error:
        faction.full_clean()
    assert "Dijk en Waard bestond op 1 januari 2018 nog niet" in messages(error.value)
    Faction(municipality=dijk_en_waard, party=make_party(), election_year=2022).full_clean()


def test_a_contact_with_a_council_that_had_ended_is_refused():
    aalburg = make_municipality(name="Aalburg", dissolved_on=datetime.date(2019, 1, 1))
    contact = ContactMoment(
        municipality=aalburg,
        date=datetime.date(2026, 11, 1),
        channel=ContactMoment.Channel.EMAIL,
        direction=ContactMoment.Direction.SENT,
        summary="Brief",
    )

    with pytest.raises(ValidationError) as error:
        contact.full_clean()
    assert "Aalburg is opgeheven per 1 januari 2019" in messages(error.value)


def test_an_alias_that_is_another_municipalitys_name_is_refused():
    make_municipality(name="Utrecht")
    amersfoort = make_municipality(name="Amersfoort", aliases="utrecht")

    with pytest.raises(ValidationError) as error:
        amersfoort.full_clean()
    assert "Utrecht is de naam van een andere gemeente." in messages(error.value)


def test_a_successor_cannot_begin_after_the_predecessors_that_went_into_it():
    beekdaelen = make_municipality(name="Beekdaelen", began_on=datetime.date(2019, 1, 1))
    make_municipality(name="Nuth", dissolved_on=datetime.date(2019, 1, 1), successor=beekdaelen)
    beekdaelen.began_on = datetime.date(2020, 1, 1)

    with pytest.raises(ValidationError) as error:
        beekdaelen.full_clean()
    assert "Beekdaelen bestond niet op 1 januari 2019" in messages(error.value)
