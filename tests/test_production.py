"""Production: the README's settings pass Django's deploy check, every link
that leaves the site is on SITE_URL, and the logs say what to act on without
personal data."""

import io
import logging
import os
import re
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from django.core import mail
from django.test import Client

ROOT = Path(__file__).resolve().parent.parent


def readme_production_env() -> dict[str, str]:
    """The settings the README's deployment section gives, placeholders
    (``<...>``) filled in as an operator would."""
    readme = (ROOT / "README.md").read_text()
    block = readme.split("<!-- production-env")[1].split("```sh\n")[1].split("```")[0]
    environment = {}
    for line in block.splitlines():
        name, _, value = line.strip().partition("=")
        environment[name] = value
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
