"""The Django admin as a coordinator uses it, through the real admin URLs."""

import datetime

import pytest
from django.contrib import admin
from django.contrib.auth.models import Group
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from motions.models import (
    ActionReport,
    ElectionCommitment,
    FactionVote,
    ModelMotion,
    Motion,
    MotionEvent,
    Source,
    Sponsorship,
)
from municipalities.models import Boundary, ContactMoment, Municipality

from .conftest import (
    make_faction,
    make_motion,
    make_municipality,
    make_party,
    make_province,
    opened,
)

pytestmark = pytest.mark.django_db

# The campaign's own models; Django's user and group admin are Django's.
REGISTERED = sorted(
    (m for m in admin.site._registry if m._meta.app_label in ("municipalities", "motions")),
    key=lambda model: model._meta.label,
)
OUTSIDERS = ["volunteer_client", "client"]
# A recognisable coordinate that must never be rendered in full.
COORDINATE = 5.123456789


def admin_url(model, view: str, *args) -> str:
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_{view}", args=args)


def names(response) -> list[str]:
    """What the changelist shows, as the objects' names, in order."""
    return [str(obj) for obj in response.context["cl"].result_list]


def inline_management(prefix: str, total: int = 0) -> dict[str, str]:
    return {
        f"{prefix}-TOTAL_FORMS": str(total),
        f"{prefix}-INITIAL_FORMS": "0",
        f"{prefix}-MIN_NUM_FORMS": "0",
        f"{prefix}-MAX_NUM_FORMS": "1000",
    }


def motion_form(**fields) -> dict[str, str]:
    data = {
        "level": Motion.Level.MUNICIPAL,
        "title": "Motie gewortelde kinderen",
        "kind": Motion.Kind.MOTION,
        "status": Motion.Status.SUBMITTED,
        "submitted_precision": "day",
        "decided_precision": "day",
        **inline_management("sponsorships"),
        **inline_management("faction_votes"),
        **inline_management("events"),
    }
    data.update(fields)
    return data


@pytest.fixture
def one_of_each(coordinator):
    """A row of every registered model, so that each change page has an object."""
    faction = make_faction()
    municipality = faction.municipality
    motion = make_motion(municipality=municipality)
    Boundary.objects.create(
        municipality=municipality,
        year=2025,
        geometry={
            "type": "Polygon",
            "coordinates": [[[COORDINATE, 52.0], [5.2, 52.1], [5.3, 52.0]]],
        },
    )
    ContactMoment.objects.create(
        municipality=municipality,
        faction=faction,
        date=datetime.date(2025, 9, 1),
        channel=ContactMoment.Channel.EMAIL,
        direction=ContactMoment.Direction.SENT,
        summary="Voorbeeldmotie gestuurd",
        volunteer=coordinator,
    )
    motion.sources.add(Source.objects.create(title="Kinderpardon evaluatie", publisher="WODC"))
    Sponsorship.objects.create(motion=motion, faction=faction)
    FactionVote.objects.create(motion=motion, faction=faction, vote=FactionVote.Vote.FOR)
    MotionEvent.objects.create(motion=motion, kind=MotionEvent.Kind.VOTED)
    ModelMotion.objects.create(slug="gewortelde-kinderen", title="Gewortelde kinderen", text="…")
    ActionReport.objects.create(municipality=municipality, action=ActionReport.Action.ADOPTED)
    ElectionCommitment.objects.create(faction=faction, election_date=datetime.date(2026, 3, 18))
    Group.objects.create(name="vrijwilligers")


@pytest.mark.parametrize("model", REGISTERED, ids=lambda model: model._meta.label)
def test_coordinator_opens_changelist_add_and_change_page(coordinator_client, one_of_each, model):
    obj = model._default_manager.first()
    for url in [
        admin_url(model, "changelist"),
        admin_url(model, "add"),
        admin_url(model, "change", obj.pk),
    ]:
        assert coordinator_client.get(url).status_code == 200, url


@pytest.mark.parametrize("who", OUTSIDERS)
@pytest.mark.parametrize("model", REGISTERED, ids=lambda model: model._meta.label)
def test_outsider_is_sent_to_login(request, one_of_each, who, model):
    client = request.getfixturevalue(who)
    obj = model._default_manager.first()
    for url in [
        admin_url(model, "changelist"),
        admin_url(model, "add"),
        admin_url(model, "change", obj.pk),
    ]:
        response = client.get(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith(reverse("admin:login")), url


@pytest.mark.parametrize("who", OUTSIDERS)
@pytest.mark.parametrize("model", REGISTERED, ids=lambda model: model._meta.label)
def test_outsider_post_deletes_nothing(request, one_of_each, who, model):
    client = request.getfixturevalue(who)
    obj = model._default_manager.first()
    responses = [
        client.post(admin_url(model, "delete", obj.pk), {"post": "yes"}),
        client.post(
            admin_url(model, "changelist"),
            {"action": "delete_selected", "post": "yes", "_selected_action": [obj.pk]},
        ),
    ]
    for response in responses:
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("admin:login"))
    assert model._default_manager.filter(pk=obj.pk).exists()


@pytest.mark.parametrize("who", OUTSIDERS)
def test_outsider_post_adds_and_changes_nothing(request, who):
    client = request.getfixturevalue(who)
    municipality = make_municipality(name="Utrecht")
    data = {
        "code": "GM0344",
        "name": "Nieuwegein",
        "slug": "nieuwegein",
        "province": municipality.province.pk,
    }
    client.post(admin_url(Municipality, "add"), data)
    client.post(admin_url(Municipality, "change", municipality.pk), data)
    assert list(Municipality.objects.values_list("name", flat=True)) == ["Utrecht"]


def test_coordinator_delete_by_post_works(coordinator_client):
    """The control for the outsider tests: the same POST does delete for a coordinator."""
    source = Source.objects.create(title="Brief aan de Kamer")
    response = coordinator_client.post(admin_url(Source, "delete", source.pk), {"post": "yes"})
    assert response.status_code == 302
    assert not Source.objects.exists()


@pytest.mark.parametrize(
    "term", ["sudwest", "Súdwest-Fryslân", "SÚDWEST-FRYSLAN", "sudwest fryslan"]
)
def test_municipality_search_ignores_accents_and_case(coordinator_client, term):
    make_municipality(name="Súdwest-Fryslân")
    make_municipality(name="Sittard-Geleen")
    response = coordinator_client.get(admin_url(Municipality, "changelist"), {"q": term})
    assert names(response) == ["Súdwest-Fryslân"]


def test_municipality_search_finds_alias(coordinator_client):
    make_municipality(name="'s-Hertogenbosch", aliases="Den Bosch")
    make_municipality(name="Den Helder")
    response = coordinator_client.get(admin_url(Municipality, "changelist"), {"q": "den bosch"})
    assert names(response) == ["'s-Hertogenbosch"]


def test_aliases_too_long_to_search_are_refused_in_dutch(coordinator_client):
    municipality = make_municipality(name="Utrecht", slug="utrecht")
    url = admin_url(Municipality, "change", municipality.pk)
    data = {
        "code": municipality.code,
        "name": "Utrecht",
        "slug": "utrecht",
        "province": municipality.province.pk,
        "aliases": ",".join(["U"] * 128),
        **opened(municipality),
    }
    for inline in coordinator_client.get(url).context["inline_admin_formsets"]:
        data.update(inline_management(inline.formset.prefix))

    response = coordinator_client.post(url, data)

    assert response.status_code == 200
    assert "Deze andere namen zijn samen te lang; laat er een paar weg." in (
        response.content.decode()
    )
    municipality.refresh_from_db()
    assert municipality.aliases == ""


def autocomplete(client, model, field: str, term: str) -> list[str]:
    """What the coordinator is offered when typing ``term`` in a related field."""
    params = {
        "app_label": model._meta.app_label,
        "model_name": model._meta.model_name,
        "field_name": field,
        "term": term,
    }
    response = client.get(reverse("admin:autocomplete"), params)
    assert response.status_code == 200
    return [result["text"] for result in response.json()["results"]]


def test_municipality_autocomplete_ignores_accents_and_case(coordinator_client):
    make_municipality(name="Súdwest-Fryslân")
    make_municipality(name="Sittard-Geleen")
    offered = autocomplete(coordinator_client, Motion, "municipality", "SÚDWEST-FRYSLAN")
    assert offered == ["Súdwest-Fryslân"]


def test_faction_autocomplete_finds_council_without_accents(coordinator_client):
    make_faction(
        municipality=make_municipality(name="Súdwest-Fryslân"), party=make_party(abbreviation="FNP")
    )
    make_faction(municipality=make_municipality(name="Sittard-Geleen"))
    offered = autocomplete(coordinator_client, Sponsorship, "faction", "sudwest")
    assert offered == ["FNP (Súdwest-Fryslân, 2022)"]


def test_municipality_changelist_shows_derived_status(coordinator_client):
    make_motion(municipality=make_municipality(name="Leiden"), status=Motion.Status.ADOPTED)
    make_municipality(name="Delft")
    response = coordinator_client.get(admin_url(Municipality, "changelist"))
    assert "motie aangenomen" in response.content.decode()
    assert "geen motie bekend" in response.content.decode()


def test_municipality_changelist_filters_on_derived_status(coordinator_client):
    make_motion(municipality=make_municipality(name="Leiden"), status=Motion.Status.ADOPTED)
    make_motion(municipality=make_municipality(name="Delft"), status=Motion.Status.SUBMITTED)
    make_municipality(name="Gouda")
    response = coordinator_client.get(admin_url(Municipality, "changelist"), {"status": "pending"})
    assert names(response) == ["Delft"]


def test_municipality_changelist_sorts_on_derived_status(coordinator_client):
    make_motion(municipality=make_municipality(name="Leiden"), status=Motion.Status.ADOPTED)
    make_motion(municipality=make_municipality(name="Delft"), status=Motion.Status.SUBMITTED)
    make_municipality(name="Alkmaar")
    # Column 4 is the status column.
    response = coordinator_client.get(admin_url(Municipality, "changelist"), {"o": "-4"})
    assert names(response) == ["Leiden", "Delft", "Alkmaar"]


def test_municipality_changelist_filters_dissolved(coordinator_client):
    successor = make_municipality(name="Land van Cuijk")
    make_municipality(name="Boxmeer", dissolved_on=datetime.date(2022, 1, 1), successor=successor)
    response = coordinator_client.get(admin_url(Municipality, "changelist"), {"actief": "nee"})
    assert names(response) == ["Boxmeer"]


def test_municipality_change_page_lists_boundary_years_without_geometry(
    coordinator_client, one_of_each
):
    municipality = Boundary.objects.get().municipality
    response = coordinator_client.get(admin_url(Municipality, "change", municipality.pk))
    content = response.content.decode()
    assert "2025" in content
    assert str(COORDINATE) not in content


@pytest.mark.parametrize("view", ["changelist", "municipality"])
def test_boundary_lists_never_load_geometry(coordinator_client, one_of_each, view):
    boundary = Boundary.objects.get()
    if view == "changelist":
        url = admin_url(Boundary, "changelist")
    else:
        url = admin_url(Municipality, "change", boundary.municipality.pk)
    with CaptureQueriesContext(connection) as queries:
        assert coordinator_client.get(url).status_code == 200
    assert not [q["sql"] for q in queries if "geometry" in q["sql"]]


def test_boundary_change_page_summarises_geometry(coordinator_client, one_of_each):
    boundary = Boundary.objects.get()
    response = coordinator_client.get(admin_url(Boundary, "change", boundary.pk))
    content = response.content.decode()
    assert "Polygon, 3 punten" in content
    assert str(COORDINATE) not in content


def test_motion_changelist_filters_on_status(coordinator_client):
    make_motion(title="Aangenomen motie", status=Motion.Status.ADOPTED)
    make_motion(title="Verworpen motie", status=Motion.Status.REJECTED)
    response = coordinator_client.get(
        admin_url(Motion, "changelist"), {"status__exact": "rejected"}
    )
    assert names(response) == ["Verworpen motie"]


def test_motion_changelist_filters_on_decision_year(coordinator_client):
    make_motion(title="Motie 2024", decided_on=datetime.date(2024, 1, 1), decided_precision="year")
    make_motion(title="Motie 2025", decided_on=datetime.date(2025, 3, 1))
    response = coordinator_client.get(admin_url(Motion, "changelist"), {"jaar": "2024"})
    assert names(response) == ["Motie 2024"]


def test_motion_changelist_shows_decision_date_at_its_precision(coordinator_client):
    make_motion(decided_on=datetime.date(2025, 3, 1), decided_precision="month")
    response = coordinator_client.get(admin_url(Motion, "changelist"))
    assert "maart 2025" in response.content.decode()
    assert "1 maart 2025" not in response.content.decode()


def test_adding_municipal_motion_without_municipality_shows_dutch_message(coordinator_client):
    response = coordinator_client.post(admin_url(Motion, "add"), motion_form())
    assert response.status_code == 200
    assert "Kies de gemeente van deze motie." in response.content.decode()
    assert not Motion.objects.exists()


def test_adding_motion_with_sponsorship_stores_both(coordinator_client):
    faction = make_faction()
    data = motion_form(
        municipality=faction.municipality.pk,
        **inline_management("sponsorships", total=1),
        **{"sponsorships-0-faction": faction.pk, "sponsorships-0-role": "submitter"},
    )
    response = coordinator_client.post(admin_url(Motion, "add"), data)
    assert response.status_code == 302
    motion = Motion.objects.get()
    assert motion.municipality == faction.municipality
    assert list(motion.sponsorships.values_list("faction", flat=True)) == [faction.pk]


def test_adding_contact_moment_records_the_coordinator(coordinator_client, coordinator):
    municipality = make_municipality()
    data = {
        "municipality": municipality.pk,
        "date": "2025-10-02",
        "channel": ContactMoment.Channel.PHONE,
        "direction": ContactMoment.Direction.SENT,
        "summary": "Griffie gebeld",
    }
    response = coordinator_client.post(admin_url(ContactMoment, "add"), data)
    assert response.status_code == 302
    assert ContactMoment.objects.get().volunteer == coordinator


def test_action_marks_follow_up_done(coordinator_client, one_of_each):
    moment = ContactMoment.objects.get()
    moment.follow_up_on = datetime.date(2025, 10, 1)
    moment.save()
    response = coordinator_client.post(
        admin_url(ContactMoment, "changelist"),
        {"action": "mark_followed_up", "_selected_action": [moment.pk]},
    )
    assert response.status_code == 302
    moment.refresh_from_db()
    assert moment.follow_up_done


def test_publishing_replaces_the_earlier_version(coordinator_client):
    first = ModelMotion.objects.create(
        slug="kinderen", version=1, title="Kinderen", text="…", status=ModelMotion.Status.PUBLISHED
    )
    second = ModelMotion.objects.create(slug="kinderen", version=2, title="Kinderen", text="…")
    response = coordinator_client.post(
        admin_url(ModelMotion, "changelist"),
        {"action": "publish", "_selected_action": [second.pk]},
    )
    assert response.status_code == 302
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.status, second.status) == (
        ModelMotion.Status.ARCHIVED,
        ModelMotion.Status.PUBLISHED,
    )


def test_changing_report_outcome_records_who_handled_it(coordinator_client, coordinator):
    report = ActionReport.objects.create(
        municipality=make_municipality(), action=ActionReport.Action.ADOPTED
    )
    data = {
        "municipality": report.municipality.pk,
        "action": report.action,
        "happened_precision": "day",
        "reporter_role": ActionReport.Role.OTHER,
        "outcome": ActionReport.Outcome.REJECTED,
        "outcome_reason": "Geen motie over kinderen",
    }
    response = coordinator_client.post(admin_url(ActionReport, "change", report.pk), data)
    assert response.status_code == 302
    report.refresh_from_db()
    assert report.outcome == ActionReport.Outcome.REJECTED
    assert report.handled_by == coordinator
    assert report.handled_at is not None


def count_queries(client, url: str, rows: int) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    assert len(response.context["cl"].result_list) == rows
    return len(queries)


def add_municipalities(count: int, provinces) -> None:
    for n in range(count):
        municipality = make_municipality(province=provinces[n % 2])
        make_motion(municipality=municipality)
        if n % 3 == 0:
            make_municipality(
                province=provinces[0],
                dissolved_on=datetime.date(2020, 1, 1),
                successor=municipality,
            )


def test_municipality_changelist_queries_do_not_grow_with_rows(coordinator_client):
    provinces = [make_province(), make_province()]
    url = admin_url(Municipality, "changelist")
    add_municipalities(2, provinces)  # 2 + 1 dissolved
    coordinator_client.get(url)  # warm the session and caches
    small = count_queries(coordinator_client, url, rows=3)
    add_municipalities(20, provinces)  # 20 + 7 dissolved
    # session, user, user permissions, group permissions, filtered count, total count,
    # rows with status subqueries (joined province), their successors, provinces for
    # the filter
    assert count_queries(coordinator_client, url, rows=30) == small == 9


def test_motion_changelist_queries_do_not_grow_with_rows(coordinator_client):
    province = make_province()
    url = admin_url(Motion, "changelist")

    def add_motions(count: int) -> None:
        for n in range(count):
            if n % 3 == 0:
                make_motion(level=Motion.Level.NATIONAL, status=Motion.Status.SUBMITTED)
            else:
                make_motion(municipality=make_municipality(province=province))

    add_motions(3)
    coordinator_client.get(url)  # warm the session and caches
    small = count_queries(coordinator_client, url, rows=3)
    add_motions(27)
    # session, user, user permissions, group permissions, filtered count, total count,
    # rows (joined municipality),
    # provinces for the filter, years for the year filter
    assert count_queries(coordinator_client, url, rows=30) == small == 9


def test_admin_refuses_a_program_renamed_to_pdf(coordinator_client):
    from django.core.files.uploadedfile import SimpleUploadedFile

    motion = make_motion()
    url = admin_url(Motion, "change", motion.pk)
    form = coordinator_client.get(url).context["adminform"].form
    data = {k: v for k, v in form.initial.items() if v is not None and not hasattr(v, "pk")}
    data.update(
        {
            "document": SimpleUploadedFile("motie.pdf", b"MZ\x90\x00program"),
            "sponsorships-TOTAL_FORMS": 0,
            "sponsorships-INITIAL_FORMS": 0,
            "faction_votes-TOTAL_FORMS": 0,
            "faction_votes-INITIAL_FORMS": 0,
            "events-TOTAL_FORMS": 0,
            "events-INITIAL_FORMS": 0,
        }
    )

    response = coordinator_client.post(url, data)

    assert response.status_code == 200
    assert "geen echt PDF-bestand" in response.content.decode()
    motion.refresh_from_db()
    assert not motion.document


def test_admin_links_a_reporters_document_through_the_workspace(
    coordinator_client, settings, tmp_path
):
    from django.core.files.base import ContentFile

    settings.PRIVATE_MEDIA_ROOT = tmp_path
    report = ActionReport.objects.create(
        municipality=make_municipality(), action=ActionReport.Action.ADOPTED
    )
    report.document.save("besluit.pdf", ContentFile(b"%PDF-1.4"))

    page = coordinator_client.get(admin_url(ActionReport, "change", report.pk)).content.decode()

    assert reverse("workspace:report_document", args=[report.pk]) in page
    assert "/media/reports/" not in page


def test_contact_changelist_queries_do_not_grow_with_rows(coordinator_client, coordinator):
    from .test_workspace_contacts import make_contact

    url = admin_url(ContactMoment, "changelist")

    def add_contacts(count: int) -> None:
        for n in range(count):
            make_contact(volunteer=coordinator if n % 2 else None)

    add_contacts(3)
    coordinator_client.get(url)  # warm the session and caches
    small = count_queries(coordinator_client, url, rows=3)
    add_contacts(27)
    # session, user, user permissions, group permissions, count, rows (joined
    # municipality, faction, party, volunteer), accounts and provinces for the
    # filters; no second count of every row and no list of years
    assert count_queries(coordinator_client, url, rows=30) == small == 8
    page = coordinator_client.get(url).content.decode()
    assert coordinator.username in page  # the volunteer filter offers the accounts
