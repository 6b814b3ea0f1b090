"""Run by `make package-check` with an installed wheel, outside the checkout.

Proves that the wheel is the whole app: it migrates, its templates render in
both languages, its static files are collected and served by name, and the
workspace (logged in) and the admin answer. Exits non-zero with the reason on
the first failure.
"""

import sys
from pathlib import Path

import django
from django.conf import settings
from django.core.management import call_command
from django.test import Client

django.setup()

from django.contrib.auth.models import User  # noqa: E402

import kinderpardon  # noqa: E402

checkout = Path(__file__).resolve().parent.parent
if Path(kinderpardon.__file__).resolve().is_relative_to(checkout):
    sys.exit(f"kinderpardon was imported from the checkout ({kinderpardon.__file__})")

call_command("check", "--deploy", "--fail-level", "ERROR")
call_command("migrate", "--no-input", verbosity=0)
call_command("collectstatic", "--no-input", verbosity=0)

client = Client()
expectations = [
    ("/", "Motietracker"),
    ("/en/", 'lang="en"'),
    ("/gemeenten/", "Gemeenten"),
    ("/voorbeeldmotie/", "Voorbeeldmotie"),
    ("/werk/inloggen/", "Inloggen"),
    ("/admin/login/", 'name="password"'),
]
for path, text in expectations:
    response = client.get(path, secure=True)
    body = response.content.decode()
    if response.status_code != 200 or text not in body:
        sys.exit(f"{path}: status {response.status_code}, {text!r} not on the page")
coordinator = User.objects.create_superuser("package-check", "", None)
client.force_login(coordinator)
response = client.get("/werk/", secure=True)
if response.status_code != 200 or "Overzicht" not in response.content.decode():
    sys.exit(f"/werk/: status {response.status_code}, the workspace did not render")
english = client.get("/en/", secure=True).content.decode()
if "Municipalities" not in english:
    sys.exit("/en/: the English translation was not installed")
css = Path(settings.STATIC_ROOT) / "css" / "site.css"
if not css.is_file() or not list(Path(settings.STATIC_ROOT).glob("leaflet/leaflet.js")):
    sys.exit("collectstatic did not collect the package's static files")
print(f"installed wheel OK: {len(expectations) + 1} pages, static files in {settings.STATIC_ROOT}")
