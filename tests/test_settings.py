"""Settings come from the environment; production refuses the development key."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def start_django(**env: str) -> subprocess.CompletedProcess:
    """Django set up in a new process with ``env`` (and the code in CODE, if given)."""
    code = env.pop("CODE", "import django; django.setup(); print('started')")
    unset = ("SECRET_KEY", "DJANGO_DEBUG", "REDIS_URL", "SITE_URL", "ALLOWED_HOSTS", "DATABASE_URL")
    environment = {k: v for k, v in os.environ.items() if k not in unset}
    environment.update(env, DJANGO_SETTINGS_MODULE="kinderpardon.settings")
    return subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        check=False,
    )


def test_debug_off_with_the_development_key_refuses_to_start():
    result = start_django(DJANGO_DEBUG="0")
    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr


PRODUCTION = {
    "DJANGO_DEBUG": "0",
    "SECRET_KEY": "a-real-production-key-" + "x" * 40,
    "REDIS_URL": "redis://127.0.0.1:6379/4",
    "SITE_URL": "https://motietracker.example",
    "DATABASE_URL": "postgres://motietracker@127.0.0.1:5432/motietracker",
}


def test_debug_off_with_a_real_key_starts():
    result = start_django(**PRODUCTION)
    assert result.returncode == 0, result.stderr
    assert "started" in result.stdout


def test_debug_off_with_a_short_key_refuses_to_start():
    result = start_django(**{**PRODUCTION, "SECRET_KEY": "kort-maar-niet-de-ontwikkelsleutel-123"})
    assert result.returncode != 0
    assert "SECRET_KEY must be set to a long random value" in result.stderr


def test_debug_off_without_a_shared_cache_refuses_to_start():
    result = start_django(**{**PRODUCTION, "REDIS_URL": ""})
    assert result.returncode != 0
    assert "REDIS_URL must be set when DJANGO_DEBUG is off" in result.stderr


def test_debug_off_without_the_site_address_refuses_to_start():
    result = start_django(**{**PRODUCTION, "SITE_URL": ""})
    assert result.returncode != 0
    assert "SITE_URL must be" in result.stderr


def test_a_site_address_with_a_path_is_refused():
    result = start_django(SITE_URL="https://motietracker.example/kaart/")
    assert result.returncode != 0
    assert "SITE_URL must be the site's address" in result.stderr


def test_the_site_address_gives_the_allowed_host():
    code = (
        "import django; django.setup(); from django.conf import settings; "
        "print(settings.ALLOWED_HOSTS)"
    )
    result = start_django(**PRODUCTION, CODE=code)
    assert result.stdout.strip() == "['motietracker.example']", result.stderr


def test_a_bad_boolean_is_refused_loudly():
    result = start_django(DJANGO_DEBUG="maybe")
    assert result.returncode != 0
    assert "DJANGO_DEBUG must be a boolean" in result.stderr


def test_database_url_selects_postgresql():
    code = (
        "import django; django.setup(); from django.conf import settings; "
        "print(settings.DATABASES['default']['ENGINE'])"
    )
    environment = dict(os.environ, DATABASE_URL="postgres://u:p@db.example:5432/motietracker")
    result = subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env={**environment, "DJANGO_SETTINGS_MODULE": "kinderpardon.settings"},
        capture_output=True,
        text=True,
        check=True,
    )
    assert result.stdout.strip() == "django.db.backends.postgresql"


def test_a_site_address_with_a_port_allows_its_host():
    code = (
        "import django; django.setup(); from django.conf import settings; "
        "print(settings.ALLOWED_HOSTS)"
    )
    result = start_django(
        **{**PRODUCTION, "SITE_URL": "https://motietracker.example:8443"}, CODE=code
    )
    assert result.stdout.strip() == "['motietracker.example']", result.stderr


def test_debug_off_without_a_database_address_refuses_to_start():
    result = start_django(**{**PRODUCTION, "DATABASE_URL": ""})
    assert result.returncode != 0
    assert "DATABASE_URL must be set when DJANGO_DEBUG is off" in result.stderr
