"""The fixed cast and small factories that every test builds on.

Cast: an anonymous visitor (``client``), a volunteer and a coordinator (both
logged-in clients). Factories take keyword overrides and fill the rest with
``setdefault`` defaults, so each test states only what it is about.
"""

import datetime
import itertools
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client

from motions.models import Motion
from municipalities.models import Faction, Municipality, Party, Province

SHARED_DATA = Path(settings.REFERENCE_DATA)
_seq = itertools.count(1)


def make_province(**kwargs) -> Province:
    n = next(_seq)
    kwargs.setdefault("code", f"PV{n % 100:02d}")
    kwargs.setdefault("name", f"Provincie {n}")
    kwargs.setdefault("slug", f"provincie-{n}")
    return Province.objects.create(**kwargs)


def make_municipality(**kwargs) -> Municipality:
    n = next(_seq)
    kwargs.setdefault("code", f"GM{9000 + n:04d}")
    kwargs.setdefault("name", f"Gemeente {n}")
    kwargs.setdefault("slug", f"gemeente-{n}")
    if "province" not in kwargs:
        kwargs["province"] = make_province()
    return Municipality.objects.create(**kwargs)


def make_party(**kwargs) -> Party:
    n = next(_seq)
    kwargs.setdefault("name", f"Partij {n}")
    kwargs.setdefault("abbreviation", f"P{n}")
    return Party.objects.create(**kwargs)


def make_faction(**kwargs) -> Faction:
    if "municipality" not in kwargs:
        kwargs["municipality"] = make_municipality()
    if "party" not in kwargs:
        kwargs["party"] = make_party()
    kwargs.setdefault("election_year", 2022)
    return Faction.objects.create(**kwargs)


def make_motion(**kwargs) -> Motion:
    kwargs.setdefault("title", f"Motie {next(_seq)}")
    if kwargs.get("level") == Motion.Level.NATIONAL:
        kwargs.setdefault("municipality", None)
    elif "municipality" not in kwargs:
        kwargs["municipality"] = make_municipality()
    kwargs.setdefault("status", Motion.Status.ADOPTED)
    if kwargs["status"] in Motion.DECIDED:
        kwargs.setdefault("decided_on", datetime.date(2025, 4, 1))
        kwargs.setdefault("decided_precision", "month")
    return Motion.objects.create(**kwargs)


@pytest.fixture
def volunteer(django_user_model):
    return django_user_model.objects.create_user("vrijwilliger", password="geheim-wachtwoord-1")


@pytest.fixture
def coordinator(django_user_model):
    return django_user_model.objects.create_superuser(
        "coordinator", "coordinator@example.org", password="geheim-wachtwoord-2"
    )


@pytest.fixture
def volunteer_client(volunteer):
    client = Client()
    client.force_login(volunteer)
    return client


@pytest.fixture
def coordinator_client(coordinator):
    client = Client()
    client.force_login(coordinator)
    return client
