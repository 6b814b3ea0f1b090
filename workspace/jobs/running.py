"""Running a volunteer's slow work in the task queue as a ``Job``.

``start`` records the job and queues ``run``, which a worker (``manage.py
qcluster``) picks up: it marks the job running, calls the work with a
``Progress`` to count on, and records its ``Outcome``. Whatever goes wrong,
the job ends failed with a message for the volunteer (the details go to the
log); ``finished`` catches what ``run`` could not, a task stopped for taking
too long.
"""

import logging
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from types import SimpleNamespace
from typing import Any, Concatenate

from django.contrib.auth.models import User
from django.db import DEFAULT_DB_ALIAS, connection, connections, transaction
from django.db.backends.base.base import BaseDatabaseWrapper
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django_q.models import Task
from django_q.tasks import async_task
from simple_history.models import HistoricalRecords

from kinderpardon.history import changeset
from kinderpardon.uploads import shorten_middle

from .models import Job

TITLE_LENGTH = Job._meta.get_field("title").max_length or 200

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Outcome:
    ok: bool
    message: str
    next_url: str = ""


class Progress:
    """Counts what a job has done, written to the job at most every ``every``
    seconds. Work inside a transaction writes through a connection of its own,
    so the count shows before that transaction ends; SQLite lets nobody else
    write meanwhile, so there the count catches up when the transaction ends."""

    every = 0.5

    def __init__(self, job_pk: int) -> None:
        self.job_pk = job_pk
        self.written_at = 0.0
        self.side: BaseDatabaseWrapper | None = None
        # Transactions open when the work began (a test's own, say) are not the work's.
        self.outer_transactions = len(connection.atomic_blocks)

    def __call__(self, done: int, total: int) -> None:
        now = time.monotonic()
        if now - self.written_at < self.every and 0 < done < total:
            return
        self.written_at = now
        if len(connection.atomic_blocks) <= self.outer_transactions:
            Job.objects.filter(pk=self.job_pk).update(done=done, total=total)
        elif connection.vendor == "postgresql":
            if self.side is None:
                self.side = connections.create_connection(DEFAULT_DB_ALIAS)
            table = self.side.ops.quote_name(Job._meta.db_table)
            with self.side.cursor() as cursor:
                cursor.execute(
                    f"UPDATE {table} SET done = %s, total = %s WHERE id = %s",  # noqa: S608
                    [done, total, self.job_pk],
                )

    def close(self) -> None:
        if self.side is not None:
            self.side.close()


Work = Callable[Concatenate[Progress, ...], Outcome]


def start(user: User, title: str, work: Work, *args: Any) -> Job:
    """Record a job for ``user`` and queue ``work(progress, *args)``; ``work``
    must be a module's function (the queue stores it by name)."""
    with transaction.atomic():  # the job and its task (a row in the same database) or neither
        job = Job.objects.create(
            title=shorten_middle(title, TITLE_LENGTH),  # a file name may be long
            started_by=user,
            language=translation.get_language() or "nl",
        )
        async_task(run, job.pk, work, *args, hook=finished, task_name=f"job-{job.pk}")
    return job


def failure_message() -> str:
    return _(
        "Er ging iets mis; deze taak is niet afgemaakt. Probeer het later opnieuw of "
        "meld het aan een coördinator."
    )


def run(job_pk: int, work: Work, *args: Any) -> str:
    """The queued task: do the job's work and record how it ended."""
    job = Job.objects.filter(pk=job_pk).first()
    if job is None or job.finished:  # removed, or handed out a second time
        return "skipped"
    Job.objects.filter(pk=job_pk).update(state=Job.State.RUNNING, started_at=timezone.now())
    progress = Progress(job_pk)
    with translation.override(job.language), acting_for(job.started_by), changeset():
        try:
            outcome = work(progress, *args)
        except Exception:
            logger.exception("Job %s failed", job_pk)
            end(job_pk, Outcome(False, failure_message()))
            raise  # the queue keeps the failure too, for the admin
        finally:
            progress.close()
    end(job_pk, outcome)
    return Job.State.DONE if outcome.ok else Job.State.FAILED


@contextmanager
def acting_for(user: User | None) -> Iterator[None]:
    """History records written by the work name who started the job, as they
    did when the work ran in that user's request: simple_history reads the user
    from the request its middleware keeps, so the job keeps one like it."""
    context = HistoricalRecords.context
    outer = getattr(context, "request", None)  # a request's, when a test runs the job in it
    context.request = SimpleNamespace(user=user)
    try:
        yield
    finally:
        if outer is None:
            del context.request
        else:
            context.request = outer


def end(job_pk: int, outcome: Outcome) -> None:
    Job.objects.filter(pk=job_pk).update(
        state=Job.State.DONE if outcome.ok else Job.State.FAILED,
        message=outcome.message,
        next_url=outcome.next_url,
        finished_at=timezone.now(),
    )


def finished(task: Task) -> None:
    """The queue's hook after ``run``: a task that ended without recording its
    job (stopped after TASK_TIMEOUT, or its worker died) leaves it failed. The
    queue keeps finished tasks with their arguments (an import's rows: names,
    e-mail addresses): only the job's id is kept of them."""
    Task.objects.filter(pk=task.pk).update(args=(task.args[0],))
    if task.success:
        return
    job = Job.objects.filter(pk=task.args[0]).first()
    if job is None or job.finished:
        return
    logger.error("Job %s stopped without finishing", job.pk)
    with translation.override(job.language):
        end(job.pk, Outcome(False, failure_message()))
