"""The jobs that run on their own, from the task queue (README "Background
work"): the one list of them. ``manage.py migrate`` brings the queue's
schedules in line with it (``sync_schedules``, on post_migrate), so a new
daily job is a line here. The workspace keeps the list because it is the one
app that may name every app's work; each job's code lives in the app it belongs to.

A daily job starts at TASK_NIGHT_HOUR o'clock, Amsterdam time, plus its
``minute``, so that daily jobs need not start at once; the queue keeps the
hour over the change to and from summer time.
"""

import datetime
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.utils import timezone
from django_q.models import Schedule

from kinderpardon.health import HEARTBEAT, heartbeat
from motions.reports.retention import erase_expired_personal_data


@dataclass(frozen=True)
class ScheduledJob:
    name: str
    func: Callable[..., Any]
    every_minutes: int | None = None  # None: daily, at the night hour
    minute: int = 0  # a daily job's minutes past the night hour
    # Options for the queue: a task run every minute keeps no result.
    options: dict[str, Any] = field(default_factory=dict)

    @property
    def path(self) -> str:
        return f"{self.func.__module__}.{self.func.__qualname__}"


SCHEDULED = [
    ScheduledJob(HEARTBEAT, heartbeat, every_minutes=1, options={"save": False}),
    # Reporters' personal data, REPORT_RETENTION_DAYS after their report.
    ScheduledJob("erase-report-personal-data", erase_expired_personal_data),
]


def first_run(job: ScheduledJob, now: datetime.datetime) -> datetime.datetime:
    if job.every_minutes:
        return now
    local = timezone.localtime(now, ZoneInfo(settings.TIME_ZONE))
    start = local.replace(hour=settings.TASK_NIGHT_HOUR, minute=job.minute, second=0, microsecond=0)
    return start if start > local else start + datetime.timedelta(days=1)


def sync_schedules(using: str = "default", **kwargs: Any) -> None:
    """Create or update the queue's schedule of every job in SCHEDULED, by
    name; idempotent. A schedule keeps its next run unless its timing changed."""
    now = timezone.now()
    for job in SCHEDULED:
        wanted = {
            "func": job.path,
            "schedule_type": Schedule.MINUTES if job.every_minutes else Schedule.DAILY,
            "minutes": job.every_minutes,
            "repeats": -1,
            "kwargs": repr({"q_options": {"task_name": job.name, **job.options}}),
        }
        schedule = Schedule.objects.using(using).filter(name=job.name).first()
        if schedule is None:
            schedule = Schedule(name=job.name, next_run=first_run(job, now))
        elif any(getattr(schedule, name) != value for name, value in wanted.items()) or (
            not job.every_minutes
            and timezone.localtime(schedule.next_run, ZoneInfo(settings.TIME_ZONE)).hour
            != settings.TASK_NIGHT_HOUR
        ):
            schedule.next_run = first_run(job, now)
        else:
            continue
        for name, value in wanted.items():
            setattr(schedule, name, value)
        schedule.save(using=using)
