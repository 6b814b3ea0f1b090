"""/healthz (kinderpardon/health.py): each check by name, no secrets, and an
answer for a load balancer on plain HTTP with any Host, whatever the settings."""

import datetime

import pytest
from django.test import override_settings
from django.utils import timezone
from django_q.models import OrmQ, Schedule
from django_q.tasks import async_task

from kinderpardon.health import heartbeat

from .test_queue import queued, run_scheduler  # noqa: F401 (queued: a fixture)

pytestmark = pytest.mark.django_db

CHECKS = ("database", "cache", "scheduler", "workers")
CLOSED_PORT = "redis://127.0.0.1:9/0"  # nothing listens on the discard port


@pytest.fixture
def scheduler_ran(queued, monkeypatch):  # noqa: F811
    """The scheduler has just run, as it does every few seconds in a live worker."""
    run_scheduler(monkeypatch)


def health(client, data=None, **extra):
    response = client.get("/healthz", data, **extra)
    assert response["Cache-Control"] == "no-store"
    return response


def test_healthy(client, scheduler_ran):
    response = health(client)

    assert response.status_code == 200
    assert response.json() == {"status": "ok", "checks": dict.fromkeys(CHECKS, "ok")}


def test_the_cache_down_is_named_without_its_address(client, scheduler_ran):
    cache_down = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache"}}
    cache_down["default"]["LOCATION"] = CLOSED_PORT
    with override_settings(CACHES=cache_down):
        response = health(client)

    assert response.status_code == 503
    assert response.json() == {
        "status": "failed",
        "checks": {"database": "ok", "cache": "failed", "scheduler": "ok", "workers": "ok"},
    }
    assert b"127.0.0.1" not in response.content and b"redis" not in response.content


def test_a_scheduler_that_stopped_is_named(client, scheduler_ran, settings):
    stale = timezone.now() - datetime.timedelta(minutes=settings.HEALTH_QUEUE_STALE_MINUTES + 1)
    Schedule.objects.filter(name="heartbeat").update(next_run=stale)

    response = health(client)

    assert response.status_code == 503
    assert response.json()["checks"] == {
        "database": "ok",
        "cache": "ok",
        "scheduler": "failed",
        "workers": "ok",
    }


def test_a_task_left_waiting_names_the_workers(client, scheduler_ran, settings):
    async_task(heartbeat)
    waited = timezone.now() - datetime.timedelta(minutes=settings.HEALTH_QUEUE_STALE_MINUTES + 1)
    OrmQ.objects.update(lock=waited)

    response = health(client)

    assert response.status_code == 503
    assert response.json()["checks"]["workers"] == "failed"
    assert response.json()["checks"]["scheduler"] == "ok"


def test_a_fresh_task_waiting_is_fine(client, scheduler_ran):
    async_task(heartbeat)

    assert health(client).status_code == 200


def test_a_balancer_may_ask_for_the_web_checks_only(client, settings):
    stale = timezone.now() - datetime.timedelta(minutes=settings.HEALTH_QUEUE_STALE_MINUTES + 1)
    Schedule.objects.filter(name="heartbeat").update(next_run=stale)  # the worker is away

    response = health(client, data={"only": "database,cache"})

    assert response.status_code == 200
    assert response.json() == {"status": "ok", "checks": {"database": "ok", "cache": "ok"}}
    assert health(client).status_code == 503


def test_without_any_scheduler_run_the_scheduler_fails(client, settings):
    Schedule.objects.filter(name="heartbeat").delete()

    response = health(client)

    assert response.status_code == 503
    assert response.json()["checks"]["scheduler"] == "failed"


@override_settings(
    DEBUG=False,
    SECURE_SSL_REDIRECT=True,
    SECURE_PROXY_SSL_HEADER=("HTTP_X_FORWARDED_PROTO", "https"),
    ALLOWED_HOSTS=["example.org"],
)
def test_a_load_balancer_asks_over_plain_http_by_any_host_name(client, scheduler_ran):
    # The same request for any other page is refused: the host is not allowed.
    assert client.get("/", HTTP_HOST="10.0.0.12:8000").status_code == 400
    assert client.get("/", HTTP_HOST="example.org").status_code == 301  # to https

    response = health(client, HTTP_HOST="10.0.0.12:8000")

    assert response.status_code == 200
    assert response.json()["status"] == "ok"
    assert health(client, HTTP_HOST="example.org").status_code == 200


def test_only_get_and_head(client, scheduler_ran):
    assert client.head("/healthz").status_code == 200
    response = client.post("/healthz")
    assert response.status_code == 405
    assert response["Allow"] == "GET, HEAD"
