"""The public data's one version: what renews it, what does not, and that a
saved motion shows in another process at once (kinderpardon/public_data.py)."""

import datetime
import json
import os
import sqlite3
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from urllib.parse import quote

import pytest
import redis
from django.conf import settings
from django.db import connection
from django.db.models import Model
from django.urls import reverse

from kinderpardon import public_data
from motions.facts import load_campaign_facts
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
from municipalities.boundaries import import_boundaries
from municipalities.models import Boundary, ContactMoment, Succession
from municipalities.register import import_municipalities

from .conftest import make_faction, make_motion, make_municipality, make_party, make_province
from .test_admin import admin_url
from .test_history import edit_status, revert_url
from .test_map import square
from .test_spreadsheets import DUTCH_EXCEL_MOTIONS, apply, preview, write
from .test_workspace_accounts import PASSWORD, login

pytestmark = pytest.mark.django_db

REDIS_TEST_URL = "redis://127.0.0.1:6379/5"


def make_boundary(**kwargs) -> Boundary:
    kwargs.setdefault("municipality", make_municipality())
    kwargs.setdefault("year", 2025)
    kwargs.setdefault("geometry", square())
    return Boundary.objects.create(**kwargs)


def prepare(kind: str) -> Callable[[], Model]:
    """What a row of a model the public pages show needs, made now; returns
    what makes the row itself."""
    if kind == "province":
        return make_province
    if kind == "party":
        return make_party
    if kind == "source":
        return lambda: Source.objects.create(title="Bron")
    if kind == "example motion":
        return lambda: ModelMotion.objects.create(slug="kinderen", title="Kinderen", text="…")
    municipality, party = make_municipality(), make_party()
    if kind == "municipality":
        return lambda: make_municipality(province=municipality.province)
    if kind == "succession":
        successor = make_municipality()
        return lambda: Succession.objects.create(
            predecessor=municipality, successor=successor, source="test"
        )
    if kind == "boundary":
        return lambda: make_boundary(municipality=municipality)
    if kind == "faction":
        return lambda: make_faction(municipality=municipality, party=party)
    if kind == "motion":
        return lambda: make_motion(municipality=municipality)
    faction = make_faction(municipality=municipality, party=party)
    if kind == "election commitment":
        return lambda: ElectionCommitment.objects.create(
            faction=faction, election_date=datetime.date(2026, 3, 18)
        )
    motion = make_motion(municipality=municipality)
    if kind == "sponsorship":
        return lambda: Sponsorship.objects.create(motion=motion, faction=faction)
    if kind == "faction vote":
        return lambda: FactionVote.objects.create(
            motion=motion, faction=faction, vote=FactionVote.Vote.FOR
        )
    assert kind == "motion event"
    return lambda: MotionEvent.objects.create(motion=motion, kind=MotionEvent.Kind.VOTED)


PUBLIC = [
    *("province", "municipality", "succession", "boundary", "party", "faction"),
    *("motion", "sponsorship", "faction vote", "motion event", "source"),
    *("election commitment", "example motion"),
]


# The version itself ----------------------------------------------------------


def test_the_version_stays_the_same_without_a_change():
    assert public_data.version() == public_data.version()


def test_renewing_gives_a_new_version():
    before = public_data.version()
    public_data.renew()
    assert public_data.version() != before


def test_the_version_carries_the_day(settings):
    assert public_data.version().endswith(datetime.date.today().strftime("-%Y%m%d"))


def test_with_a_ttl_another_process_renewal_shows_once_the_copy_is_that_old(settings, monkeypatch):
    settings.PUBLIC_DATA_VERSION_TTL_MS = 500
    now = [1000.0]
    monkeypatch.setattr(public_data.time, "monotonic", lambda: now[0])
    monkeypatch.setattr(public_data, "_copy", None)  # read on another clock
    before = public_data.version()
    public_data.caches["default"].set(public_data.KEY, "from-another-process", None)
    now[0] += 0.25
    assert public_data.version() == before
    now[0] += 0.25  # 0.5 s: binary fractions, exact
    assert public_data.version().startswith("from-another-process-")


def test_with_a_ttl_this_process_renewal_shows_at_once(settings, monkeypatch):
    settings.PUBLIC_DATA_VERSION_TTL_MS = 60_000
    monkeypatch.setattr(public_data.time, "monotonic", lambda: 1000.0)
    monkeypatch.setattr(public_data, "_copy", None)  # read on another clock
    before = public_data.version()
    public_data.renew()
    assert public_data.version() != before


# What renews it ----------------------------------------------------------------


@pytest.mark.parametrize("kind", PUBLIC)
def test_saving_a_public_row_renews_the_version(kind):
    make_row = prepare(kind)
    before = public_data.version()
    make_row()
    assert public_data.version() != before


@pytest.mark.parametrize("kind", PUBLIC)
def test_deleting_a_public_row_renews_the_version(kind):
    row = prepare(kind)()
    before = public_data.version()
    row.delete()
    assert public_data.version() != before


def test_adding_a_source_to_a_motion_renews_the_version():
    motion, source = make_motion(), Source.objects.create(title="Bron")
    before = public_data.version()
    motion.sources.add(source)
    assert public_data.version() != before


def test_a_contact_moment_leaves_the_version(coordinator):
    faction = make_faction()
    before = public_data.version()
    ContactMoment.objects.create(
        municipality=faction.municipality,
        faction=faction,
        date=datetime.date(2025, 9, 1),
        channel=ContactMoment.Channel.EMAIL,
        direction=ContactMoment.Direction.SENT,
        summary="Voorbeeldmotie gestuurd",
        volunteer=coordinator,
    )
    assert public_data.version() == before


def test_a_report_leaves_the_version():
    municipality = make_municipality()
    before = public_data.version()
    ActionReport.objects.create(municipality=municipality, action=ActionReport.Action.ADOPTED)
    assert public_data.version() == before


def test_a_login_leaves_the_version(client, volunteer):
    before = public_data.version()
    assert login(client, "vrijwilliger", PASSWORD).status_code == 302
    assert public_data.version() == before


# Bulk paths, which send no post_save ---------------------------------------------


def test_every_import_renews_the_version():
    versions = [public_data.version()]
    import_municipalities(as_of=datetime.date(2025, 1, 1))
    versions.append(public_data.version())
    import_boundaries(year=2025)
    versions.append(public_data.version())
    load_campaign_facts()
    versions.append(public_data.version())
    assert len(set(versions)) == 4


def test_the_publish_action_renews_the_version(coordinator_client):
    ModelMotion.objects.create(
        slug="kinderen", version=1, title="Kinderen", text="…", status=ModelMotion.Status.PUBLISHED
    )
    second = ModelMotion.objects.create(slug="kinderen", version=2, title="Kinderen", text="…")
    before = public_data.version()
    coordinator_client.post(
        admin_url(ModelMotion, "changelist"),
        {"action": "publish", "_selected_action": [second.pk]},
    )
    assert public_data.version() != before


def test_a_spreadsheet_import_renews_the_version(coordinator_client, tmp_path):
    make_municipality(code="GM1900", name="Súdwest-Fryslân", slug="sudwest")
    make_municipality(code="GM0796", name="'s-Hertogenbosch", slug="s-hertogenbosch")
    url, previewed = preview(coordinator_client, write(tmp_path, "moties.csv", DUTCH_EXCEL_MOTIONS))
    before = public_data.version()
    apply(coordinator_client, url, previewed)
    assert Motion.objects.count() == 2
    assert public_data.version() != before


def test_reverting_a_motion_renews_the_version(volunteer_client, coordinator_client):
    municipality = make_municipality()
    make_faction(municipality=municipality, party=make_party(abbreviation="GL"), seats=10)
    motion = make_motion(municipality=municipality, status=Motion.Status.SUBMITTED)
    edit_status(volunteer_client, motion, Motion.Status.ADOPTED, decided_on="4-2025")
    before = public_data.version()
    coordinator_client.post(revert_url("motion", motion.history.earliest()))
    motion.refresh_from_db()
    assert motion.status == Motion.Status.SUBMITTED
    assert public_data.version() != before


def test_deleting_a_motion_in_the_workspace_renews_the_version(coordinator_client):
    motion = make_motion()
    before = public_data.version()
    response = coordinator_client.post(reverse("workspace:motion_delete", args=[motion.pk]))
    assert response.status_code == 302
    assert not Motion.objects.filter(pk=motion.pk).exists()
    assert public_data.version() != before


# Two processes on the real Redis -------------------------------------------------

# Process B: the map's data as the view builds it, and the municipality's page
# as a visitor gets it (twice: the second from this process's page cache), then
# both again after a line on stdin.
READER = """
import json, sys
import django
django.setup()
from django.core.cache import caches
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from kinderpardon import public_data
from motions.maps import render

def page():
    with CaptureQueriesContext(connection) as queries:
        response = Client(HTTP_HOST="localhost").get(sys.argv[2])
    assert response.status_code == 200, response.status_code
    return {"adopted": b"status-adopted" in response.content, "queries": len(queries)}

def state():
    build = render.cached_build("geojson", render.build_geojson, "application/geo+json")
    features = json.loads(build.body)["features"]
    return {
        "cache": type(caches["default"]).__name__,
        "version": public_data.version(),
        "status": {f["id"]: f["properties"]["status"] for f in features}.get(sys.argv[1]),
        "pages": [page(), page()],
    }

print(json.dumps(state()), flush=True)
sys.stdin.readline()
print(json.dumps(state()), flush=True)
"""

# Process A: a volunteer's save, the way the decision page saves it.
WRITER = """
import datetime, sys
import django
django.setup()
from motions.models import Motion
motion = Motion.objects.get(pk=int(sys.argv[1]))
motion.status = Motion.Status.ADOPTED
motion.decided_on = datetime.date(2025, 4, 1)
motion.decided_precision = "month"
motion.save()
"""


def database_url(tmp_path: Path) -> str:
    """The test database as a URL another process can open: PostgreSQL's test
    database itself, or SQLite's in-memory one copied to a file."""
    db = connection.settings_dict
    if connection.vendor == "sqlite":
        path = tmp_path / "db.sqlite3"
        connection.ensure_connection()
        with sqlite3.connect(path) as copy:
            connection.connection.backup(copy)
        return f"sqlite:///{path}"
    user = quote(db["USER"] or "", safe="")
    password = f":{quote(db['PASSWORD'], safe='')}" if db["PASSWORD"] else ""
    return f"postgres://{user}{password}@{db['HOST']}:{db['PORT'] or 5432}/{db['NAME']}"


def shared_redis() -> str:
    """The REDIS_URL of this run, or the local Redis's db 5, emptied first. An
    unreachable Redis fails the test: CI has one."""
    url = os.environ.get("REDIS_URL")
    if not url:
        url = REDIS_TEST_URL
        redis.Redis.from_url(url).flushdb()
    redis.Redis.from_url(url).ping()
    return url


@pytest.mark.django_db(transaction=True)
def test_a_motion_saved_in_one_process_shows_at_once_in_another(tmp_path):
    municipality = make_municipality()
    make_boundary(municipality=municipality)
    motion = make_motion(municipality=municipality, status=Motion.Status.SUBMITTED)
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "kinderpardon.settings",
        "DATABASE_URL": database_url(tmp_path),
        "REDIS_URL": shared_redis(),
        "PUBLIC_DATA_VERSION_TTL_MS": str(settings.PUBLIC_DATA_VERSION_TTL_MS),
        "PUBLIC_PAGE_CACHE_MB": str(settings.PUBLIC_PAGE_CACHE_MB),
    }
    cwd = settings.BASE_DIR

    def run(script: str, *args: str, **kwargs):
        return subprocess.Popen(
            [sys.executable, "-c", script, *args], env=env, cwd=cwd, text=True, **kwargs
        )

    page = reverse("motions:municipality", args=[municipality.slug])
    reader = run(READER, municipality.code, page, stdin=subprocess.PIPE, stdout=subprocess.PIPE)
    try:
        assert reader.stdout is not None and reader.stdin is not None
        before = json.loads(reader.stdout.readline())
        writer = run(WRITER, str(motion.pk))
        assert writer.wait(timeout=60) == 0
        # The documented bound: PUBLIC_DATA_VERSION_TTL_MS after the save (100 ms by default).
        time.sleep(settings.PUBLIC_DATA_VERSION_TTL_MS / 1000)
        reader.stdin.write("\n")
        reader.stdin.flush()
        after = json.loads(reader.stdout.readline())
    finally:
        reader.kill()
        reader.wait()
    assert before["cache"] == after["cache"] == "RedisCache"
    assert before["status"] != after["status"]
    assert after["version"] != before["version"]
    # The page: served from the reader's own memory while nothing changed, and
    # built afresh with the adopted motion at the first request after the save.
    assert [page["adopted"] for page in before["pages"]] == [False, False]
    assert before["pages"][1]["queries"] == 0 < before["pages"][0]["queries"]
    assert after["pages"][0]["adopted"] and after["pages"][0]["queries"] > 0


def test_the_version_moves_on_at_midnight_without_a_save(monkeypatch):
    """Which municipalities exist depends on the day: a merger takes effect at
    midnight, and every cached page must follow without anyone saving."""
    today = public_data.version()
    tomorrow = datetime.date.today() + datetime.timedelta(days=1)
    midnight = datetime.datetime.combine(tomorrow, datetime.time()).astimezone().timestamp()
    monkeypatch.setattr(public_data.time, "time", lambda: midnight + 1)
    monkeypatch.setattr(public_data.timezone, "localdate", lambda: tomorrow)

    assert public_data.version() == today.replace(today[-8:], f"{tomorrow:%Y%m%d}")
