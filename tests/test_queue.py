"""Background work (README "Background work"): the schedules, the daily erase
run from the queue, a real worker process, and the import's apply step as a
job whose page shows how far it is and how it ended."""

import contextlib
import datetime
import os
import re
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path
from zoneinfo import ZoneInfo

import django_q.scheduler
import pytest
from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connection, connections
from django.urls import reverse
from django.utils import timezone
from django_q.conf import Conf
from django_q.models import OrmQ, Schedule, Task
from django_q.tasks import _sync, async_task

from motions.models import ActionReport, Motion
from motions.reports.retention import erase_expired_personal_data
from workspace.jobs import running
from workspace.models import Job
from workspace.schedules import SCHEDULED, sync_schedules

from . import test_spreadsheets
from .conftest import make_user
from .test_public_data import database_url
from .test_report_form import private_storage  # noqa: F401 (autouse: documents go to tmp_path)
from .test_report_retention import make_report
from .test_spreadsheet_safety import CHANGED_SINCE, motion_file
from .test_spreadsheets import IMPORT_URL, apply, preview

pytestmark = pytest.mark.django_db

councils = test_spreadsheets.councils  # the fixture: Den Haag, Den Bosch and another
ERASE = "erase-report-personal-data"
FAILED = "Er ging iets mis; deze taak is niet afgemaakt."


@pytest.fixture
def queued(monkeypatch):
    """Tasks wait in the queue (the database) until run_queue() or a worker takes them."""
    monkeypatch.setattr(Conf, "SYNC", False)


def run_queue() -> int:
    """Hand every queued task to django-q2's own worker and result monitor, in
    this process and this test's transaction; return how many ran."""
    ran = 0
    Conf.SYNC = True  # the worker keeps this test's database connection open
    try:
        for queued_task in OrmQ.objects.order_by("pk"):
            queued_task.delete()
            _sync(queued_task.payload)
            ran += 1
    finally:
        Conf.SYNC = False
    return ran


def amsterdam(moment: datetime.datetime) -> datetime.datetime:
    return timezone.localtime(moment, ZoneInfo("Europe/Amsterdam"))


# --- the schedules -------------------------------------------------------------------------------


def test_migrate_schedules_the_daily_erase_at_night_and_the_heartbeat():
    erase = Schedule.objects.get(name=ERASE)
    assert erase.func == "motions.reports.retention.erase_expired_personal_data"
    assert erase.schedule_type == Schedule.DAILY
    assert amsterdam(erase.next_run).hour == settings.TASK_NIGHT_HOUR
    assert erase.next_run > timezone.now()
    heartbeat = Schedule.objects.get(name="heartbeat")
    assert (heartbeat.schedule_type, heartbeat.minutes) == (Schedule.MINUTES, 1)
    assert set(Schedule.objects.values_list("name", flat=True)) == {job.name for job in SCHEDULED}


def test_syncing_again_changes_nothing_and_a_new_night_hour_moves_the_erase(settings):
    before = list(Schedule.objects.order_by("name").values())
    sync_schedules()
    assert list(Schedule.objects.order_by("name").values()) == before

    settings.TASK_NIGHT_HOUR = 5
    sync_schedules()

    assert Schedule.objects.filter(name=ERASE).count() == 1
    assert amsterdam(Schedule.objects.get(name=ERASE).next_run).hour == 5


def run_scheduler(monkeypatch) -> None:
    """What the worker's scheduler does about every 30 seconds, keeping this
    test's database connection open."""
    monkeypatch.setattr(django_q.scheduler, "close_old_django_connections", lambda: None)
    django_q.scheduler.scheduler()


def test_the_erase_runs_from_the_queue_when_its_hour_has_come(queued, settings, monkeypatch):
    report = make_report(days_old=settings.REPORT_RETENTION_DAYS + 10, now=timezone.now())
    tonight = Schedule.objects.get(name=ERASE).next_run
    Schedule.objects.filter(name=ERASE).update(next_run=tonight - datetime.timedelta(days=1))

    run_scheduler(monkeypatch)

    report.refresh_from_db()
    assert report.reporter_name == "Griet Griffier"  # queued, not yet run
    assert run_queue() == 2  # the erase, and the heartbeat
    report.refresh_from_db()
    assert (report.reporter_name, report.reporter_email, report.message) == ("", "", "")
    erase = Schedule.objects.get(name=ERASE)
    assert erase.next_run > timezone.now()
    assert amsterdam(erase.next_run).hour == settings.TASK_NIGHT_HOUR
    assert Task.objects.get(name=ERASE).success
    assert Task.objects.get(name=ERASE).result == 1  # reports erased


# --- a real worker process -----------------------------------------------------------------------


def personal_data_left(url: str, pk: int) -> str:
    if url.startswith("sqlite:///"):
        with sqlite3.connect(url.removeprefix("sqlite:///")) as db:
            row = db.execute(
                "SELECT reporter_name FROM motions_actionreport WHERE id = ?", [pk]
            ).fetchone()
        return row[0]
    return ActionReport.objects.get(pk=pk).reporter_name


@pytest.mark.django_db(transaction=True)
def test_a_worker_process_takes_a_queued_task_and_finishes_it(queued, tmp_path, settings):
    report = make_report(days_old=settings.REPORT_RETENTION_DAYS + 10, now=timezone.now())
    async_task(erase_expired_personal_data, task_name="erase-now")
    url = database_url(tmp_path)  # SQLite: the test database copied to a file
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "kinderpardon.settings",
        "DATABASE_URL": url,
        "PRIVATE_MEDIA_ROOT": str(settings.PRIVATE_MEDIA_ROOT),
        "TASK_WORKERS": "1",
    }
    env.pop("REDIS_URL", None)
    log = (tmp_path / "worker.log").open("w")
    worker = subprocess.Popen(
        [sys.executable, "manage.py", "qcluster"],
        cwd=settings.BASE_DIR,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=log,
        start_new_session=True,
    )
    try:
        deadline = time.monotonic() + 60
        while personal_data_left(url, report.pk) and time.monotonic() < deadline:
            assert worker.poll() is None, (tmp_path / "worker.log").read_text()
            time.sleep(0.2)
        assert personal_data_left(url, report.pk) == ""
    finally:
        worker.terminate()  # as `make run` stops it: SIGTERM to the cluster's main process
        try:
            assert worker.wait(timeout=30) is not None
        finally:
            with contextlib.suppress(ProcessLookupError):  # nothing of it is left
                os.killpg(worker.pid, signal.SIGKILL)
            log.close()


def descendants(root: int) -> set[int]:
    """The processes below ``root``, from /proc."""
    parents = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            with contextlib.suppress(OSError):
                stat = (entry / "stat").read_text()
                parents[int(entry.name)] = int(stat.rsplit(")", 1)[1].split()[1])
    found, todo = set(), [root]
    while todo:
        above = todo.pop()
        children = [pid for pid, parent in parents.items() if parent == above]
        found.update(children)
        todo.extend(children)
    return found


def alive(pid: int) -> bool:
    """Running, not a zombie waiting to be reaped."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return False
    return stat.rsplit(")", 1)[1].split()[0] != "Z"


@pytest.mark.django_db(transaction=True)
def test_ctrl_c_on_make_run_stops_the_worker_too(tmp_path, settings):
    """`make run`'s last line, with a sleep for runserver: Ctrl-C (SIGINT to the
    terminal's process group) leaves no process behind, the worker's included."""
    recipe = subprocess.run(
        ["make", "-n", "run"], cwd=settings.BASE_DIR, capture_output=True, text=True, check=True
    ).stdout
    [line] = [line for line in recipe.splitlines() if "manage.py qcluster" in line]
    line = re.sub(r"\S*python manage\.py runserver .*$", "sleep 60", line)
    env = {**os.environ, "DATABASE_URL": database_url(tmp_path), "TASK_WORKERS": "1"}
    env.pop("REDIS_URL", None)
    log = tmp_path / "run.log"
    with log.open("w") as output:
        shell = subprocess.Popen(
            ["sh", "-c", line],
            cwd=settings.BASE_DIR,
            env=env,
            stdout=output,
            stderr=output,
            start_new_session=True,  # its own process group, as a terminal gives make
        )
    started: set[int] = set()
    try:
        deadline = time.monotonic() + 60
        while "running." not in log.read_text() and time.monotonic() < deadline:
            time.sleep(0.2)
        assert "running." in log.read_text(), log.read_text()
        started = descendants(shell.pid)
        assert len(started) >= 3  # sleep, the cluster and its processes

        os.killpg(shell.pid, signal.SIGINT)  # Ctrl-C

        assert shell.wait(timeout=30) != 0
        deadline = time.monotonic() + 10
        while any(alive(pid) for pid in started) and time.monotonic() < deadline:
            time.sleep(0.2)
        assert [pid for pid in started if alive(pid)] == []
        assert "has stopped" in log.read_text()
    finally:
        for pid in started | descendants(shell.pid) | {shell.pid}:
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)


# --- the import's apply step, as a job -----------------------------------------------------------


def test_the_import_waits_in_the_queue_and_its_page_says_so(
    queued, coordinator_client, councils, tmp_path
):
    url, previewed = preview(
        coordinator_client, motion_file(tmp_path, "Den Haag;Motie;ingediend;;;;")
    )

    response = apply(coordinator_client, url, previewed)

    job = Job.objects.get()
    assert response.url == job.get_absolute_url() == reverse("workspace:job", args=[job.pk])
    page = coordinator_client.get(response.url)
    content = page.content.decode()
    assert page.status_code == 200
    assert "Import van moties.csv" in content
    assert "wacht op zijn beurt" in content
    assert '<meta http-equiv="refresh" content="2">' in content
    assert page["Cache-Control"] == "no-store"
    assert not Motion.objects.exists()  # nothing yet

    assert run_queue() == 1

    done = coordinator_client.get(response.url, follow=True)
    assert done.redirect_chain == [(IMPORT_URL, 302)]
    assert "moties.csv geïmporteerd: 1 nieuw, 0 bijgewerkt, 0 ongewijzigd." in done.content.decode()
    assert Motion.objects.filter(title="Motie").count() == 1
    # Later visits show the outcome on the job's page itself, no longer refreshing.
    again = coordinator_client.get(response.url).content.decode()
    assert "moties.csv geïmporteerd: 1 nieuw" in again
    assert "klaar" in again
    assert 'http-equiv="refresh"' not in again


def test_the_import_page_lists_the_users_latest_jobs(coordinator, coordinator_client, volunteer):
    mine = Job.objects.create(
        title="Import van mijn.csv",
        started_by=coordinator,
        state=Job.State.RUNNING,
        done=3,
        total=10,
    )
    Job.objects.create(title="Import van ander.csv", started_by=volunteer)

    content = coordinator_client.get(IMPORT_URL).content.decode()

    assert "Uw laatste imports" in content
    link = f'<a href="{mine.get_absolute_url()}">Import van mijn.csv</a>'
    assert f"{link}: bezig (3 van 10 gedaan)" in content
    assert "ander.csv" not in content


def test_the_job_page_shows_how_far_a_running_job_is(coordinator, coordinator_client):
    job = Job.objects.create(title="Import van groot.xlsx", started_by=coordinator)
    Job.objects.filter(pk=job.pk).update(state=Job.State.RUNNING)

    running.Progress(job.pk)(1200, 5000)

    content = coordinator_client.get(job.get_absolute_url()).content.decode()
    assert '<progress max="5000" value="1200">24%</progress>' in content
    assert "1200 van 5000 gedaan" in content
    assert '<meta http-equiv="refresh" content="2">' in content


def test_a_finished_import_counts_every_saved_row(queued, coordinator_client, councils, tmp_path):
    rows = [f"Den Haag;Motie {n};ingediend;;;;" for n in range(3)]
    url, previewed = preview(coordinator_client, motion_file(tmp_path, *rows))
    apply(coordinator_client, url, previewed)

    run_queue()

    job = Job.objects.get()
    assert (job.state, job.done, job.total) == (Job.State.DONE, 3, 3)
    assert job.started_at is not None and job.finished_at is not None


def test_a_refused_import_job_leads_back_to_the_preview_with_the_reason(
    queued, coordinator_client, councils, tmp_path
):
    url, previewed = preview(
        coordinator_client, motion_file(tmp_path, "Den Haag;Motie;ingediend;;;;")
    )
    apply(coordinator_client, url, previewed)
    Motion.objects.create(municipality=councils["haag"], title="Motie")  # someone was quicker

    run_queue()

    response = coordinator_client.get(Job.objects.get().get_absolute_url(), follow=True)
    assert response.redirect_chain == [(url, 302)]
    [message] = [str(m) for m in response.context["messages"]]
    assert message.startswith(f"{CHANGED_SINCE}regel 2 (")
    assert Motion.objects.filter(title="Motie").count() == 1
    assert Job.objects.get().state == Job.State.FAILED


def broken(progress: running.Progress) -> running.Outcome:
    progress(1, 2)
    raise RuntimeError("database exploded at 10.0.0.7")


def test_a_failing_job_shows_as_failed_with_a_dutch_message(queued, volunteer, volunteer_client):
    job = running.start(volunteer, "Proefklus", broken)

    run_queue()

    response = volunteer_client.get(job.get_absolute_url())
    content = response.content.decode()
    assert response.status_code == 200
    assert "mislukt" in content
    assert FAILED in content
    assert "10.0.0.7" not in content and "RuntimeError" not in content
    assert 'http-equiv="refresh"' not in content
    assert not Task.objects.get(name=f"job-{job.pk}").success  # the admin's failed tasks list it


def test_a_job_stopped_by_the_queue_shows_as_failed(queued, volunteer, volunteer_client):
    job = running.start(volunteer, "Trage klus", broken)
    Job.objects.filter(pk=job.pk).update(state=Job.State.RUNNING)

    # What the queue's monitor hands the hook when it stopped the task after TASK_TIMEOUT.
    running.finished(Task(name=f"job-{job.pk}", args=(job.pk,), success=False))

    content = volunteer_client.get(job.get_absolute_url()).content.decode()
    assert "mislukt" in content and FAILED in content


def test_a_job_is_for_who_started_it_and_the_coordinators(
    volunteer, volunteer_client, coordinator_client, client
):
    job = Job.objects.create(title="Import van eigen.csv", started_by=volunteer)
    url = job.get_absolute_url()
    other = make_user("buurman", "vrijwilliger")
    other_client = type(client)()
    other_client.force_login(other)

    assert volunteer_client.get(url).status_code == 200
    assert coordinator_client.get(url).status_code == 200
    assert other_client.get(url).status_code == 404
    anonymous = client.get(url)
    assert anonymous.status_code == 302
    assert anonymous.url.startswith(reverse("workspace:login"))


def test_the_job_page_queries(volunteer, volunteer_client, django_assert_num_queries):
    job = Job.objects.create(title="Import van eigen.csv", started_by=volunteer)
    url = job.get_absolute_url()
    volunteer_client.get(url)

    # The session, its user, the user's permissions (two: the guard) and the job.
    with django_assert_num_queries(5):
        assert volunteer_client.get(url).status_code == 200
    Job.objects.filter(pk=job.pk).update(
        state=Job.State.DONE, message="Klaar.", next_url=IMPORT_URL
    )
    # Once: the job is marked as reported, then off to where it leads.
    with django_assert_num_queries(6):
        assert volunteer_client.get(url).url == IMPORT_URL
    with django_assert_num_queries(5):
        assert volunteer_client.get(url).status_code == 200


@pytest.mark.django_db(transaction=True)
def test_progress_inside_the_import_transaction_shows_to_others(
    queued, admin_client, councils, tmp_path, monkeypatch
):
    """On PostgreSQL the count is written through a connection of its own while
    the import's transaction is still open; SQLite lets nobody else write
    meanwhile, so there the count shows once the import has ended."""
    on_postgresql = connection.vendor == "postgresql"
    monkeypatch.setattr(running.Progress, "every", 0)
    onlooker = connections.create_connection(DEFAULT_DB_ALIAS)  # the job page's view of it
    seen = []
    real_call = running.Progress.__call__

    def watched(self, done, total):
        real_call(self, done, total)
        if connection.in_atomic_block and on_postgresql:
            with onlooker.cursor() as cursor:
                cursor.execute("SELECT done, total FROM workspace_job WHERE id = %s", [self.job_pk])
                seen.append(cursor.fetchone())

    monkeypatch.setattr(running.Progress, "__call__", watched)
    rows = [f"Den Haag;Motie {n};ingediend;;;;" for n in range(3)]
    url, previewed = preview(admin_client, motion_file(tmp_path, *rows))
    apply(admin_client, url, previewed)
    try:
        run_queue()
    finally:
        onlooker.close()
    if on_postgresql:
        assert seen == [(1, 3), (2, 3), (3, 3)]
    job = Job.objects.get()
    assert (job.state, job.done, job.total) == (Job.State.DONE, 3, 3)


# --- found by trying to break it ---------------------------------------------------------------


def test_an_import_run_by_the_worker_names_who_imported_in_the_history(
    queued, coordinator, coordinator_client, councils, tmp_path
):
    text = "gemeente;titel;status\nDen Haag;Motie uit de wachtrij;ingediend\n"
    url, response = preview(coordinator_client, test_spreadsheets.write(tmp_path, "l.csv", text))
    apply(coordinator_client, url, response)
    run_queue()  # as a worker does: no request around it

    record = Motion.objects.get(title="Motie uit de wachtrij").history.get()
    assert record.history_change_reason == "Import l.csv"
    assert record.history_user == coordinator
    assert record.history_changeset is not None


def test_a_finished_import_task_keeps_none_of_the_files_rows(
    queued, coordinator_client, councils, tmp_path
):
    email = "wethouder.prive@example.org"
    text = (
        f"{test_spreadsheets.CONTACTS_HEADER};contactpersoon;email\n"
        f"Den Haag;01-10-2026;e-mail;verstuurd;Motie gestuurd;Wim Wethouder;{email}\n"
    )
    url, previewed = preview(
        coordinator_client, test_spreadsheets.write(tmp_path, "c.csv", text), "contacten"
    )
    apply(coordinator_client, url, previewed)
    run_queue()

    (task,) = Task.objects.all()
    assert task.success
    assert email not in repr(task.args)
    assert "Wim Wethouder" not in repr(task.args)


def test_a_job_that_waits_far_too_long_says_the_worker_seems_away(
    coordinator, coordinator_client, settings
):
    job = Job.objects.create(title="Import van moties.csv", started_by=coordinator)
    waited = datetime.timedelta(minutes=settings.HEALTH_QUEUE_STALE_MINUTES + 1)
    Job.objects.filter(pk=job.pk).update(created_at=timezone.now() - waited)

    content = coordinator_client.get(job.get_absolute_url()).content.decode()

    assert "de achtergrondverwerking lijkt niet te draaien" in content
    assert "begint zodra er een verwerker vrij is" not in content
    assert '<meta http-equiv="refresh" content="30">' in content
