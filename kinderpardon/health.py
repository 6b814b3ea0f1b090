"""``/healthz``: is this instance able to serve? For a load balancer or a
monitor; README "Background work".

Four checks, each ok or failed, and 503 when any failed:

- ``database``: a query answers;
- ``cache``: a key written is read back (the shared cache in production);
- ``scheduler``: the task queue's scheduler has run lately. The heartbeat
  schedule (``HEARTBEAT``, every minute) has its next run moved on each time
  the scheduler handles it; a next run long past means no scheduler runs;
- ``workers``: no task has waited longer than HEALTH_QUEUE_STALE_MINUTES. The
  heartbeat makes sure there is always a task to wait, so dead workers show
  even when nobody starts anything.

``?only=database,cache`` runs just those (comma-separated names), for a load
balancer that should not take a web process out of service because the
worker is away.

The answer names the checks and nothing else: no addresses, no error texts
(those go to the log). It is given by a middleware placed first, before the
HTTPS redirect and before anything reads the Host header, so a balancer may
ask over plain HTTP by the machine's address; it is never cached.
"""

import datetime
import json
import logging
import secrets
from collections.abc import Callable

from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.utils import timezone
from django_q.models import OrmQ, Schedule

logger = logging.getLogger(__name__)

PATHS = ("/healthz", "/healthz/")
HEARTBEAT = "heartbeat"


def heartbeat() -> None:
    """The task the heartbeat schedule queues every minute: it does nothing; that
    it is handed out and taken away shows the scheduler and the workers live."""


def database_answers() -> bool:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        return cursor.fetchone() == (1,)


def cache_answers() -> bool:
    key = f"healthz:{secrets.token_hex(8)}"
    cache.set(key, "ok", 30)
    try:
        return cache.get(key) == "ok"
    finally:
        cache.delete(key)


def stale_before() -> datetime.datetime:
    return timezone.now() - datetime.timedelta(minutes=settings.HEALTH_QUEUE_STALE_MINUTES)


def scheduler_runs() -> bool:
    return Schedule.objects.filter(name=HEARTBEAT, next_run__gte=stale_before()).exists()


def workers_take_tasks() -> bool:
    # A queued task's lock is the moment it may be handed out: when it was queued,
    # or when the worker that took it is given up on.
    return not OrmQ.objects.filter(lock__lt=stale_before()).exists()


CHECKS: dict[str, Callable[[], bool]] = {
    "database": database_answers,
    "cache": cache_answers,
    "scheduler": scheduler_runs,
    "workers": workers_take_tasks,
}


def run_checks(names: list[str] | None = None) -> dict[str, bool]:
    results = {}
    for name, check in CHECKS.items():
        if names and name not in names:
            continue
        try:
            results[name] = check()
        except Exception:
            logger.warning("Health check %s raised", name, exc_info=True)
            results[name] = False
        if not results[name]:
            logger.warning("Health check %s failed", name)
    return results


def health(request: HttpRequest) -> HttpResponse:
    if request.method not in ("GET", "HEAD"):
        response = HttpResponse(status=405)
        response["Allow"] = "GET, HEAD"
    else:
        # ?only=database,cache: a load balancer that should keep sending visitors
        # to a web process while the worker is away asks for these two only.
        only = [name for name in request.GET.get("only", "").split(",") if name in CHECKS]
        results = run_checks(only)
        healthy = all(results.values())
        body = {
            "status": "ok" if healthy else "failed",
            "checks": {name: "ok" if ok else "failed" for name, ok in results.items()},
        }
        response = HttpResponse(
            json.dumps(body), content_type="application/json", status=200 if healthy else 503
        )
    response["Cache-Control"] = "no-store"
    # Each failed check is logged above as a warning; Django's own error line
    # for every 503 would flood the log while a monitor polls a stopped worker.
    response._has_been_logged = True  # type: ignore[attr-defined]
    return response


class HealthCheckMiddleware:
    """Answers ``/healthz`` itself, before the other middleware (first in MIDDLEWARE)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        if request.path_info in PATHS:
            return health(request)
        return self.get_response(request)
