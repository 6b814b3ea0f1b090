"""Settings come from the environment; production refuses the development key."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def start_django(**env: str) -> subprocess.CompletedProcess:
    environment = {k: v for k, v in os.environ.items() if k not in ("SECRET_KEY", "DJANGO_DEBUG")}
    environment.update(env, DJANGO_SETTINGS_MODULE="kinderpardon.settings")
    return subprocess.run(
        [sys.executable, "-c", "import django; django.setup(); print('started')"],
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


def test_debug_off_with_a_real_key_starts():
    result = start_django(DJANGO_DEBUG="0", SECRET_KEY="a-real-production-key-" + "x" * 40)
    assert result.returncode == 0, result.stderr
    assert "started" in result.stdout


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
