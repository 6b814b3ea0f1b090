"""Who may do what in the workspace: every URL and method, for each of the
cast. A refused request answers 302 (to the login) or 403 (or 405 for the
wrong method) and leaves the database exactly as it was."""

import datetime

import pytest
from django.apps import apps
from django.contrib.auth import get_user_model
from django.core.files.base import ContentFile
from django.test import Client
from django.urls import reverse

from motions.models import ActionReport, Motion
from municipalities.models import ContactMoment
from workspace.models import Job

from .conftest import make_faction, make_motion, make_user

pytestmark = pytest.mark.django_db

ANONYMOUS, NO_ROLE, VOLUNTEER, COORDINATOR = "anonymous", "no role", "volunteer", "coordinator"
LOGIN = 302  # anonymous visitors are sent to the login page
OK = {200, 302}  # a page, or a form that redirects after doing its work
Expected = dict[str, int | set[int]]  # the status (or one of the statuses) per actor


@pytest.fixture
def world(settings, tmp_path):
    """One of everything a workspace URL can point at."""
    settings.PRIVATE_MEDIA_ROOT = tmp_path
    faction = make_faction()
    municipality = faction.municipality
    motion = make_motion(municipality=municipality)
    motion.title = "Gewijzigde titel"
    motion.save()  # a second historical version, to revert to the first
    gone = make_motion(municipality=municipality)
    gone_id = gone.pk
    gone.delete()
    contact = ContactMoment.objects.create(
        municipality=municipality,
        date=datetime.date(2025, 5, 1),
        channel=ContactMoment.Channel.EMAIL,
        direction=ContactMoment.Direction.SENT,
        summary="Brief verstuurd",
        follow_up_on=datetime.date(2025, 6, 1),
    )
    report = ActionReport.objects.create(
        municipality=municipality,
        reporter_name="Melder",
        reporter_email="melder@example.org",
        action=ActionReport.Action.ADOPTED,
        consent=True,
    )
    report.document.save("besluit.pdf", ContentFile(b"%PDF-1.4 besluit"))
    other_user = make_user("ander", "vrijwilliger")
    others_job = Job.objects.create(title="Import van ander.csv", started_by=other_user)
    return {
        "job": others_job,
        "municipality": municipality,
        "motion": motion,
        "first_version": motion.history.earliest().history_id,
        "deleted_version": Motion.history.filter(id=gone_id, history_type="-").get().history_id,
        "contact": contact,
        "report": report,
        "user": other_user,
    }


def routes(world) -> list[tuple[str, str, list, Expected]]:
    """(method, URL name, its arguments, expected status per actor)."""
    motion, report = world["motion"], world["report"]
    refused_to_volunteers: Expected = {ANONYMOUS: LOGIN, NO_ROLE: 403, VOLUNTEER: 403}
    refused_without_role: Expected = {ANONYMOUS: LOGIN, NO_ROLE: 403}
    for_volunteers: Expected = {ANONYMOUS: LOGIN, NO_ROLE: 403, VOLUNTEER: OK, COORDINATOR: OK}
    for_coordinators: Expected = {**refused_to_volunteers, COORDINATOR: OK}
    post_only: Expected = {ANONYMOUS: LOGIN, NO_ROLE: 403, VOLUNTEER: 405, COORDINATOR: 405}
    coordinator_post_only: Expected = {**refused_to_volunteers, COORDINATOR: 405}
    return [
        ("GET", "dashboard", [], for_volunteers),
        (
            "GET",
            "password_change",
            [],
            {ANONYMOUS: LOGIN, NO_ROLE: OK, VOLUNTEER: OK, COORDINATOR: OK},
        ),
        ("GET", "users", [], for_coordinators),
        ("GET", "user_create", [], for_coordinators),
        ("POST", "user_create", [], {**refused_to_volunteers}),
        ("GET", "user_edit", [world["user"].pk], for_coordinators),
        ("POST", "user_edit", [world["user"].pk], {**refused_to_volunteers}),
        ("GET", "user_unblock", [world["user"].pk], coordinator_post_only),
        ("POST", "user_unblock", [world["user"].pk], {**refused_to_volunteers, COORDINATOR: OK}),
        ("GET", "contacts", [], for_volunteers),
        ("GET", "municipality", [world["municipality"].slug], for_volunteers),
        (
            "POST",
            "municipality",
            [world["municipality"].slug],
            {ANONYMOUS: LOGIN, NO_ROLE: 403},
        ),
        ("POST", "faction_add", [world["municipality"].slug], {**refused_without_role}),
        ("GET", "faction_add", [world["municipality"].slug], post_only),
        ("GET", "follow_up_done", [world["contact"].pk], post_only),
        (
            "POST",
            "follow_up_done",
            [world["contact"].pk],
            {ANONYMOUS: LOGIN, NO_ROLE: 403},
        ),
        ("GET", "motion_create", [], for_volunteers),
        ("POST", "motion_create", [], {ANONYMOUS: LOGIN, NO_ROLE: 403}),
        ("GET", "motion_edit", [motion.pk], for_volunteers),
        ("POST", "motion_edit", [motion.pk], {ANONYMOUS: LOGIN, NO_ROLE: 403}),
        ("GET", "motion_delete", [motion.pk], for_coordinators),
        ("POST", "motion_delete", [motion.pk], {**refused_to_volunteers}),
        ("GET", "motions_deleted", [], for_coordinators),
        (
            "GET",
            "motion_restore",
            [world["deleted_version"]],
            coordinator_post_only,
        ),
        (
            "POST",
            "motion_restore",
            [world["deleted_version"]],
            {**refused_to_volunteers},
        ),
        ("GET", "history", ["motion", motion.pk], for_volunteers),
        (
            "GET",
            "revert",
            ["motion", motion.pk, world["first_version"]],
            coordinator_post_only,
        ),
        (
            "POST",
            "revert",
            ["motion", motion.pk, world["first_version"]],
            {**refused_to_volunteers},
        ),
        ("GET", "reports", [], for_volunteers),
        ("GET", "report", [report.pk], for_volunteers),
        ("GET", "report_reject", [report.pk], post_only),
        ("POST", "report_reject", [report.pk], {ANONYMOUS: LOGIN, NO_ROLE: 403}),
        ("GET", "report_duplicate", [report.pk], post_only),
        ("POST", "report_duplicate", [report.pk], {ANONYMOUS: LOGIN, NO_ROLE: 403}),
        ("GET", "report_document", [report.pk], for_volunteers),
        ("GET", "import", [], for_coordinators),
        ("POST", "import", [], {**refused_to_volunteers}),
        ("GET", "import_preview", ["onbekend"], for_coordinators),
        ("POST", "import_preview", ["onbekend"], {**refused_to_volunteers}),
        ("GET", "export", ["moties", "csv"], for_volunteers),
        ("GET", "export", ["contacten", "xlsx"], for_volunteers),
        # Another volunteer's job: only its starter and the coordinators see it.
        (
            "GET",
            "job",
            [world["job"].pk],
            {**refused_without_role, VOLUNTEER: 404, COORDINATOR: 200},
        ),
    ]


def snapshot() -> dict:
    """Every row of every model the workspace can change, history included."""
    labels = ("municipalities", "motions", "auth")
    return {
        model._meta.label: sorted(map(repr, model._default_manager.values_list()))
        for model in apps.get_models()
        if model._meta.app_label in labels
    }


def client_for(actor: str) -> Client:
    client = Client()
    if actor != ANONYMOUS:
        roles = {NO_ROLE: None, VOLUNTEER: "vrijwilliger", COORDINATOR: "coördinator"}
        user = get_user_model().objects.create_user(f"matrix-{actor.replace(' ', '-')}")
        if roles[actor]:
            user.groups.add(apps.get_model("auth", "Group").objects.get(name=roles[actor]))
        user.is_staff = actor == COORDINATOR
        user.save()
        client.force_login(user)
    return client


@pytest.mark.parametrize("actor", [ANONYMOUS, NO_ROLE, VOLUNTEER, COORDINATOR])
def test_each_workspace_url_answers_each_role_as_expected(world, actor):
    client = client_for(actor)
    failures = []
    for method, name, args, expected_by_actor in routes(world):
        url = reverse(f"workspace:{name}", args=args)
        if actor not in expected_by_actor:
            continue  # an allowed change: its own tests check what it does
        expected = expected_by_actor[actor]
        before = snapshot() if method == "POST" else None
        response = client.get(url) if method == "GET" else client.post(url, {})
        allowed = expected if isinstance(expected, set) else {expected}
        if response.status_code not in allowed:
            failures.append(f"{method} {url}: {response.status_code}, expected {expected}")
        redirected = response.status_code == LOGIN == expected
        location = response.get("Location", "")
        if redirected and not location.startswith(reverse("workspace:login")):
            failures.append(f"{method} {url}: redirected to {location}, not the login")
        if before is not None and snapshot() != before:
            failures.append(f"{method} {url}: the database changed")
    assert failures == []


def test_every_workspace_url_is_in_the_matrix(world):
    from workspace.urls import urlpatterns

    account_pages_for_everyone = {
        "login",
        "logout",
        "password_change_done",
        "password_reset",
        "password_reset_done",
        "password_reset_confirm",
        "password_reset_complete",
    }
    in_matrix = {name for _, name, _, _ in routes(world)}
    assert {p.name for p in urlpatterns} - account_pages_for_everyone - in_matrix == set()
