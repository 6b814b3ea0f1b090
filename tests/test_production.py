"""Production: the README's settings pass Django's deploy check, every link
that leaves the site is on SITE_URL, and the logs say what to act on without
personal data."""

import contextlib
import datetime
import http.client
import io
import json
import logging
import os
import re
import secrets
import signal
import socket
import subprocess
import sys
import time
import types
from pathlib import Path

import pytest
from django.core import mail
from django.test import Client, override_settings
from django.urls import reverse

from kinderpardon import gunicorn_conf

from .test_public_data import database_url, shared_redis
from .test_queue import alive, descendants

ROOT = Path(__file__).resolve().parent.parent


def readme_production_env() -> dict[str, str]:
    """The settings the README's deployment section gives, placeholders
    (``<...>``) filled in as an operator would."""
    readme = (ROOT / "README.md").read_text()
    block = readme.split("<!-- production-env")[1].split("```sh\n")[1].split("```")[0]
    environment = {}
    for line in block.splitlines():
        name, _, value = line.strip().partition("=")
        environment[name] = value.strip("'")
    environment["SECRET_KEY"] = secrets.token_urlsafe(50)
    return {name: re.sub(r"<[^>]*>", "stand-in", value) for name, value in environment.items()}


def test_the_readme_gives_the_settings_production_refuses_to_start_without():
    environment = readme_production_env()

    for name in ("DJANGO_DEBUG", "SECRET_KEY", "SITE_URL", "REDIS_URL", "DATABASE_URL"):
        assert environment.get(name), name
    assert environment["DJANGO_DEBUG"] == "0"


def test_the_deploy_check_reports_nothing_with_the_readmes_production_settings(tmp_path):
    environment = {
        # Not the test run's own: its database, its cache, and the browser
        # tests' permission to call the database from Playwright's event loop.
        **{
            k: v
            for k, v in os.environ.items()
            if k not in ("DATABASE_URL", "REDIS_URL", "DJANGO_ALLOW_ASYNC_UNSAFE")
        },
        **readme_production_env(),
        "DJANGO_SETTINGS_MODULE": "kinderpardon.settings",
    }
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "DEBUG"],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        check=False,
    )

    assert result.returncode == 0, result.stderr
    assert "System check identified no issues (0 silenced)." in result.stdout


@pytest.fixture
def site_url(settings):
    settings.SITE_URL = "https://motietracker.example"
    settings.ALLOWED_HOSTS = ["testserver", "forged.example"]
    return settings.SITE_URL


@pytest.mark.django_db
def test_the_password_reset_link_is_on_the_site_address_not_the_host_header(site_url, volunteer):
    volunteer.email = "vrijwilliger@example.org"
    volunteer.save()

    Client().post(
        "/werk/wachtwoord-vergeten/",
        {"email": "vrijwilliger@example.org"},
        HTTP_HOST="forged.example",
    )

    (message,) = mail.outbox
    assert f"{site_url}/werk/wachtwoord-herstellen/" in message.body
    assert "forged.example" not in message.body


@pytest.mark.django_db
def test_the_language_links_for_search_engines_are_on_the_site_address(site_url):
    html = Client().get("/gemeenten/", HTTP_HOST="forged.example").content.decode()

    assert f'<link rel="alternate" hreflang="en" href="{site_url}/en/gemeenten/">' in html
    assert "forged.example" not in html


@pytest.fixture
def log_lines():
    """What the app's log handler writes, as an operator would read it."""
    handler = next(h for h in logging.getLogger().handlers if h.get_name() == "console")
    assert isinstance(handler, logging.StreamHandler)
    stream = io.StringIO()
    previous = handler.setStream(stream)
    try:
        yield stream
    finally:
        handler.setStream(previous)


@pytest.mark.urls("tests.error_urls")
@pytest.mark.django_db
def test_a_server_error_is_logged_with_path_user_id_and_traceback(log_lines, volunteer):
    client = Client(raise_request_exception=False)
    client.force_login(volunteer)

    assert client.get("/kapot/?zoek=geheim").status_code == 500

    logged = log_lines.getvalue()
    assert f"ERROR django.request [GET /kapot/ user={volunteer.pk}]" in logged
    assert "Traceback" in logged
    assert "RuntimeError: kapot, met opzet" in logged
    assert "geheim" not in logged


@pytest.mark.urls("tests.error_urls")
@pytest.mark.django_db
def test_an_anonymous_server_error_is_logged_as_anonymous(log_lines):
    assert Client(raise_request_exception=False).get("/en/kapot/").status_code == 500

    assert "[GET /en/kapot/ user=anonymous]" in log_lines.getvalue()


def test_a_logged_exception_loses_e_mail_addresses_and_constraint_values(log_lines):
    try:
        raise ValueError(
            'duplicate key value violates unique constraint "uniq_report"\n'
            "DETAIL:  Key (reporter_email, motion_id)=(griffier@gemeente.example, 7) "
            "already exists. Sent by jan.jansen+raad@example.org"
        )
    except ValueError:
        logging.getLogger("motions").exception("Could not store report 12")

    logged = log_lines.getvalue()
    assert "Could not store report 12" in logged
    assert 'violates unique constraint "uniq_report"' in logged
    assert "Key (reporter_email, motion_id)=(…) already exists" in logged
    assert "@" not in logged
    assert "griffier" not in logged
    assert "jan.jansen" not in logged


@pytest.mark.urls("tests.error_urls")
@pytest.mark.django_db
def test_a_line_logged_inside_a_view_names_the_request(log_lines, volunteer):
    """A failed notification e-mail, say, is logged deep inside a view."""
    client = Client()
    client.force_login(volunteer)

    assert client.get("/logt/?e=iemand@example.org").status_code == 200

    logged = log_lines.getvalue()
    assert f"WARNING tests [GET /logt/ user={volunteer.pk}] Iets ging mis" in logged
    assert "example.org" not in logged


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def get(port: int, path: str, host: str) -> tuple[int, str]:
    """A plain-HTTP GET on loopback with the given Host header, as a balancer sends it."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
    try:
        connection.request("GET", path, headers={"Host": host})
        response = connection.getresponse()
        return response.status, response.read().decode()
    finally:
        connection.close()


@pytest.mark.django_db(transaction=True)
def test_the_production_server_runs_the_task_worker_and_stops_it_with_itself(tmp_path, settings):
    """`make serve`'s last line: gunicorn with the production settings, whose
    master starts the worker; /healthz finds the scheduler and the workers
    alive; SIGTERM to the master (as systemd stops it) leaves no process."""
    recipe = subprocess.run(
        ["make", "-n", "serve"], cwd=ROOT, capture_output=True, text=True, check=True
    ).stdout
    [line] = [line for line in recipe.splitlines() if "gunicorn" in line]
    port = free_port()
    env = {
        **{k: v for k, v in os.environ.items() if k != "DJANGO_ALLOW_ASYNC_UNSAFE"},
        **readme_production_env(),
        "DATABASE_URL": database_url(tmp_path),
        "REDIS_URL": shared_redis(),
        "STATIC_ROOT": str(tmp_path / "static"),
        "MEDIA_ROOT": str(tmp_path / "media"),
        "PRIVATE_MEDIA_ROOT": str(tmp_path / "private-media"),
        "BIND": f"127.0.0.1:{port}",
        "WEB_CONCURRENCY": "1",
        "TASK_WORKERS": "1",
    }
    log = tmp_path / "serve.log"
    with log.open("w") as output:
        server = subprocess.Popen(
            ["sh", "-c", line],  # exec: the shell becomes the master
            cwd=ROOT,
            env=env,
            stdout=output,
            stderr=output,
            start_new_session=True,
        )
    started: set[int] = set()
    try:
        status, body = 0, ""
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline:
            with contextlib.suppress(OSError):
                status, body = get(port, "/healthz", "balancer.internal")
                if status == 200:
                    break
            assert server.poll() is None, log.read_text()
            time.sleep(0.5)
        assert status == 200, body + log.read_text()
        assert json.loads(body)["checks"] == {
            "database": "ok",
            "cache": "ok",
            "scheduler": "ok",
            "workers": "ok",
        }
        assert get(port, "/", "motietracker.example")[0] == 301  # to HTTPS
        while "running." not in log.read_text() and time.monotonic() < deadline:
            time.sleep(0.2)  # the worker's cluster has started
        started = descendants(server.pid)
        assert any("qcluster" in command_line(pid) for pid in started), log.read_text()

        server.send_signal(signal.SIGTERM)

        assert server.wait(timeout=60) is not None
        deadline = time.monotonic() + 30
        while any(alive(pid) for pid in started) and time.monotonic() < deadline:
            time.sleep(0.2)
        assert [command_line(pid) for pid in started if alive(pid)] == []
        assert "has stopped" in log.read_text()
        assert "GET /healthz 200" in log.read_text()  # the access log, without an address
        assert "127.0.0.1 " not in log.read_text()
    finally:
        for pid in started | descendants(server.pid) | {server.pid}:
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)


def command_line(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode()
    except OSError:
        return ""


def access_line(path: str) -> str:
    """What gunicorn, as `make serve` configures it, logs for a GET of ``path``."""
    from gunicorn.config import Config

    config = Config()
    config.set("access_log_format", gunicorn_conf.access_log_format)
    logger = gunicorn_conf.logger_class(config)
    environ = {
        "REQUEST_METHOD": "GET",
        "PATH_INFO": path,
        "QUERY_STRING": "q=geheim",
        "RAW_URI": f"{path}?q=geheim",
        "SERVER_PROTOCOL": "HTTP/1.1",
    }
    response = types.SimpleNamespace(status="302 Found", sent=0, response_length=0, headers=[])
    request = types.SimpleNamespace(
        headers=[], method="GET", path=path, query="q=geheim", uri=path, version=(1, 1)
    )
    atoms = logger.atoms(response, request, environ, datetime.timedelta(milliseconds=5))
    return gunicorn_conf.access_log_format % atoms


def test_the_access_log_names_the_path_without_query_or_reset_token():
    token = "dj8ssz-cb017d1830a5115f9d141f00023508c5"
    reset = reverse("workspace:password_reset_confirm", args=["MQ", token])

    assert access_line("/gemeenten/") == "GET /gemeenten/ 302 0B 5ms"
    assert token not in access_line(reset)
    assert access_line(reset) == "GET /werk/wachtwoord-herstellen/…/…/ 302 0B 5ms"


@pytest.mark.django_db
def test_a_log_line_in_the_password_reset_leaves_its_token_out(log_lines):
    token = "dj8ssz-cb017d1830a5115f9d141f00023508c5"
    request = Client().get(reverse("workspace:password_reset_confirm", args=["MQ", token]))

    logging.getLogger("tests").warning("Iets", extra={"request": request.wsgi_request})

    assert "[GET /werk/wachtwoord-herstellen/…/…/ user=anonymous]" in log_lines.getvalue()
    assert token not in log_lines.getvalue()


@pytest.mark.django_db
def test_a_failing_health_check_is_logged_once_as_a_warning_not_as_a_server_error(log_lines):
    cache_down = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": "redis://127.0.0.1:6399/0",  # nothing listens there
        }
    }
    with override_settings(CACHES=cache_down):
        assert Client().get("/healthz?only=cache").status_code == 503

    logged = log_lines.getvalue()
    assert "WARNING kinderpardon.health" in logged
    assert "ERROR" not in logged
