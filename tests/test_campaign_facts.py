"""The campaign's known facts: loaded as the letters give them, nothing more,
and a second load changes nothing."""

import datetime
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db.models import Model
from django.utils import translation

from kinderpardon.dates import DatePrecision
from motions.facts import MissingMunicipalities, load_campaign_facts
from motions.models import ModelMotion, Motion, MotionEvent, Source, Sponsorship
from municipalities.models import Municipality, Party

from .conftest import make_municipality

pytestmark = pytest.mark.django_db

# The councils the KinderpardonNU letter names, with their CBS codes.
COUNCILS = {
    "GM0935": "Maastricht",
    "GM0917": "Heerlen",
    "GM1954": "Beekdaelen",
    "GM0363": "Amsterdam",
    "GM0307": "Amersfoort",
    "GM0166": "Kampen",
    "GM0216": "Culemborg",
}
OCTOBER_2_2025 = datetime.date(2025, 10, 2)


def make_councils(codes=COUNCILS) -> list[Municipality]:
    return [
        make_municipality(code=code, name=COUNCILS[code], slug=COUNCILS[code].lower())
        for code in codes
    ]


@pytest.fixture
def loaded():
    make_councils()
    return load_campaign_facts()


def municipal_motion(name: str) -> Motion:
    return Motion.objects.municipal().get(municipality__name=name)


def snapshot() -> dict[str, list[dict]]:
    """Every row the loader may touch, field by field."""
    models: list[type[Model]] = [
        Party,
        Source,
        Motion,
        Motion.sources.through,
        Sponsorship,
        MotionEvent,
        ModelMotion,
    ]
    return {m._meta.label: list(m._default_manager.order_by("pk").values()) for m in models}


def test_seven_adopted_municipal_motions_for_the_councils_the_letter_names(loaded):
    motions = Motion.objects.municipal()
    assert sorted(m.municipality.code for m in motions) == sorted(COUNCILS)
    assert {m.status for m in motions} == {Motion.Status.ADOPTED}
    assert {m.kind for m in motions} == {Motion.Kind.MOTION}


def test_municipal_motions_cite_the_kinderpardon_letter(loaded):
    for motion in Motion.objects.municipal():
        assert [s.publisher for s in motion.sources.all()] == ["KinderpardonNU"]


def test_municipal_dates_are_stored_as_first_day_with_their_precision(loaded):
    amersfoort, maastricht = municipal_motion("Amersfoort"), municipal_motion("Maastricht")
    assert (amersfoort.decided_on, amersfoort.decided_precision) == (
        datetime.date(2025, 3, 1),
        DatePrecision.MONTH,
    )
    assert (maastricht.decided_on, maastricht.decided_precision) == (
        datetime.date(2024, 1, 1),
        DatePrecision.YEAR,
    )


def test_municipal_dates_are_shown_in_dutch_at_their_precision(loaded):
    expected = {"Amersfoort": "maart 2025", "Maastricht": "2024", "Kampen": "april 2025"}
    assert {name: municipal_motion(name).decided_display for name in expected} == expected
    with translation.override("nl"):
        assert {name: municipal_motion(name).decided_display for name in expected} == expected


def test_five_national_motions_decided_on_2_october_2025_without_municipality(loaded):
    motions = Motion.objects.national()
    assert motions.count() == 5
    assert {(m.municipality_id, m.decided_on, m.decided_precision) for m in motions} == {
        (None, OCTOBER_2_2025, DatePrecision.DAY)
    }
    assert {m.status for m in motions} == {Motion.Status.ADOPTED}
    assert {m.kamerstuk for m in motions} == {""}


def test_national_motions_name_their_submitters_and_parties(loaded):
    sponsors = Sponsorship.objects.filter(motion__level=Motion.Level.NATIONAL)
    assert sorted((s.member_name, s.party and s.party.abbreviation, s.role) for s in sponsors) == [
        ("Piri", "GL-PvdA", Sponsorship.Role.SUBMITTER),
        ("Podt", "D66", Sponsorship.Role.SUBMITTER),
        ("Van Nispen", "SP", Sponsorship.Role.SUBMITTER),
        ("Van Nispen", "SP", Sponsorship.Role.SUBMITTER),
        ("Van Zanten", "NSC", Sponsorship.Role.SUBMITTER),
    ]


def test_national_motions_have_their_vote_on_the_timeline(loaded):
    events = MotionEvent.objects.filter(motion__level=Motion.Level.NATIONAL)
    assert events.count() == 5
    assert {(e.kind, e.happened_on) for e in events} == {(MotionEvent.Kind.VOTED, OCTOBER_2_2025)}


def test_national_parties_have_full_names_and_abbreviations(loaded):
    parties = Party.objects.filter(scope=Party.Scope.NATIONAL, municipality=None)
    assert parties.count() == 19
    assert parties.get(abbreviation="VVD").name == "Volkspartij voor Vrijheid en Democratie"
    assert parties.get(abbreviation="CDA").name == "Christen-Democratisch Appèl"


def test_each_source_is_stored_once(loaded):
    assert Source.objects.count() == 12
    igj = Source.objects.get(publisher="Inspectie Gezondheidszorg en Jeugd")
    assert igj.url.startswith("https://www.igj.nl/publicaties/publicaties/2025/02/26/")


def test_ecli_ruling_is_dated_20_december_2022(loaded):
    ruling = Source.objects.get(reference="ECLI:NL:GHDHA:2022:2429")
    assert ruling.kind == Source.Kind.RULING
    assert ruling.publisher == "Gerechtshof Den Haag"
    assert (ruling.published_on, ruling.published_precision) == (
        datetime.date(2022, 12, 20),
        DatePrecision.DAY,
    )


def test_december_2024_report_is_shown_with_month_precision(loaded):
    report = Source.objects.get(title="We moeten het als ons thuis zien, maar zo voelt het niet")
    assert report.published_precision == DatePrecision.MONTH
    assert report.published_display == "december 2024"


def test_the_two_letters_are_sources_without_url(loaded):
    letters = Source.objects.filter(publisher__in=["KinderpardonNU", "Werkgroep Kind in azc"])
    letters = letters.filter(kind=Source.Kind.LETTER)
    assert letters.count() == 2
    assert {(s.url, s.published_display) for s in letters} == {("", "2025")}


def test_loaded_rows_pass_model_validation(loaded):
    for model in (Party, Source, Motion, Sponsorship, MotionEvent, ModelMotion):
        for obj in model.objects.all():
            obj.full_clean()


def test_no_motion_has_votes_or_text(loaded):
    assert not Motion.objects.exclude(votes_for=None).exists()
    assert not Motion.objects.exclude(votes_against=None).exists()
    assert set(Motion.objects.values_list("text", "source_url", "submitted_on").distinct()) == {
        ("", "", None)
    }


def test_loading_twice_changes_nothing(loaded):
    before = snapshot()
    load_campaign_facts()
    assert snapshot() == before


def test_second_load_reports_nothing_created(loaded):
    again = load_campaign_facts()
    assert again.created_total == 0
    assert again.present == loaded.created


def test_missing_municipality_names_it_and_loads_nothing():
    make_councils([code for code in COUNCILS if code != "GM0216"])
    with pytest.raises(MissingMunicipalities) as error:
        load_campaign_facts()
    assert "Culemborg (GM0216)" in str(error.value)
    assert "import_municipalities" in str(error.value)
    assert not Motion.objects.exists()
    assert not Source.objects.exists()
    assert not Party.objects.exists()


def test_command_reports_missing_municipality_as_command_error():
    with pytest.raises(CommandError, match="import_municipalities"):
        call_command("load_campaign_facts", stdout=StringIO())
    assert not Motion.objects.exists()


def test_command_prints_what_it_created():
    make_councils()
    out = StringIO()
    call_command("load_campaign_facts", stdout=out)
    assert "gemeentelijke moties: 7 nieuw, 0 al aanwezig" in out.getvalue()
    assert "landelijke moties: 5 nieuw, 0 al aanwezig" in out.getvalue()


def test_example_motion_renders_the_municipality_in_every_placeholder(loaded):
    example = ModelMotion.objects.get(slug="gewortelde-kinderen", version=1)
    kampen = Municipality.objects.get(code="GM0166")
    text = example.render(kampen)
    assert "{" not in text
    assert text.count("Kampen") == example.text.count("{gemeente}") >= 2
    assert "en gaat over tot de orde van de dag." in text


def test_example_motion_is_a_draft(loaded):
    example = ModelMotion.objects.get(slug="gewortelde-kinderen", version=1)
    assert example.status == ModelMotion.Status.DRAFT
    assert "kinderpardonnu@gmail.com" in example.introduction


def test_edited_example_motion_is_not_overwritten(loaded):
    example = ModelMotion.objects.get(slug="gewortelde-kinderen", version=1)
    example.text = "Aangepaste tekst voor {gemeente}."
    example.status = ModelMotion.Status.PUBLISHED
    example.save()
    load_campaign_facts()
    example.refresh_from_db()
    assert example.text == "Aangepaste tekst voor {gemeente}."
    assert example.status == ModelMotion.Status.PUBLISHED
    assert ModelMotion.objects.count() == 1
