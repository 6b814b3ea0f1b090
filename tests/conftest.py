"""The fixed cast and small factories that every test builds on.

Cast: an anonymous visitor (``client``), a volunteer and a coordinator (both
logged-in clients). Factories take keyword overrides and fill the rest with
``setdefault`` defaults, so each test states only what it is about.
"""

import datetime
import itertools
import os
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.cache import cache
from django.test import Client
from django.utils import timezone, translation

from kinderpardon import page_cache, public_data
from motions.models import Motion
from municipalities.models import Faction, Municipality, Party, Province, Succession
from workspace import roles

SHARED_DATA = Path(settings.REFERENCE_DATA)
_seq = itertools.count(1)


def make_province(**kwargs) -> Province:
    n = next(_seq)
    kwargs.setdefault("code", f"PV{n % 100:02d}")
    kwargs.setdefault("name", f"Provincie {n}")
    kwargs.setdefault("slug", f"provincie-{n}")
    return Province.objects.create(**kwargs)


def make_municipality(*, successor: Municipality | None = None, **kwargs) -> Municipality:
    """A municipality; with ``successor``, a dissolved one that merged into it."""
    n = next(_seq)
    # GM9000-GM9999: never a real CBS code, and within the six characters of the field
    kwargs.setdefault("code", f"GM{9000 + n % 1000:04d}")
    kwargs.setdefault("name", f"Gemeente {n}")
    kwargs.setdefault("slug", f"gemeente-{n}")
    if "province" not in kwargs:
        kwargs["province"] = make_province()
    municipality = Municipality.objects.create(**kwargs)
    if successor is not None:
        Succession.objects.create(predecessor=municipality, successor=successor, source="test")
    return municipality


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


def opened(instance) -> dict[str, str]:
    """The hidden fields of a form opened now on ``instance`` as stored: what a
    browser sends back with an edit (kinderpardon.concurrency)."""
    version = type(instance)._base_manager.filter(pk=instance.pk).values_list("version", flat=True)
    return {"opened_version": str(version.get()), "opened_at": timezone.now().isoformat()}


def load_campaign_data() -> None:
    """The real register and boundaries of 2025, and the campaign's known facts."""
    from motions.facts import load_campaign_facts
    from municipalities.boundaries import import_boundaries
    from municipalities.register import import_municipalities

    import_municipalities(as_of=datetime.date(2025, 1, 1))
    import_boundaries(year=2025)
    load_campaign_facts()


@pytest.fixture
def campaign_data(db) -> None:
    load_campaign_data()


@pytest.fixture(autouse=True)
def dutch():
    """A request to /en/ leaves English active in the test's thread; every test
    starts in the site's default language, as a new visitor does."""
    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.activate(settings.LANGUAGE_CODE)


# --- Background work (README "Background work") ------------------------------
@pytest.fixture(autouse=True)
def tasks_run_at_once(monkeypatch):
    """A task queued by a page runs at once, in the test's own transaction, the
    way a worker would run it (django-q2's sync mode); tests/test_queue.py runs
    the queue itself, and a worker process."""
    from django_q.conf import Conf

    monkeypatch.setattr(Conf, "SYNC", True)


# --- end of background work ---------------------------------------------------


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    """The cast's passwords are hashed in many tests; a slow hasher buys nothing here."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def empty_cache(settings):
    """Rate-limit counters and cached data must not leak from one test to the
    next: each test starts with an empty cache and a public data version of its
    own (the process's copy of the old one would otherwise hold for
    PUBLIC_DATA_VERSION_TTL_MS), and with the public pages' cache on, as
    production has it."""
    settings.PUBLIC_PAGE_CACHE_MB = 64
    cache.clear()
    page_cache.store.clear()
    public_data.renew()
    yield
    cache.clear()


def make_user(username: str, role: str, **kwargs):
    """A user with one of the campaign's roles (groups made by the roles migration)."""
    user = get_user_model().objects.create_user(
        username, f"{username}@example.org", password="geheim-wachtwoord-1", **kwargs
    )
    user.groups.add(Group.objects.get(name=role))
    return user


@pytest.fixture
def volunteer(db):
    return make_user("vrijwilliger", roles.VOLUNTEER)


@pytest.fixture
def coordinator(db):
    return make_user("coordinator", roles.COORDINATOR, is_staff=True)


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


# --- the browser -------------------------------------------------------------
# Debian's Chromium, driven by Playwright; never a downloaded browser. Playwright's
# sync API runs an event loop in the test thread, which Django would otherwise
# mistake for async code touching the database.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
ARTIFACTS = Path(__file__).resolve().parent.parent / "test-artifacts"


@pytest.fixture(scope="session")
def chromium():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


class BrowserPage:
    """A fresh browser tab on the live server that refuses, and remembers, every
    request to another host and every console error."""

    def __init__(self, page, base_url: str):
        self.page = page
        self.base_url = base_url
        self.outside_requests: list[str] = []
        self.console_errors: list[str] = []
        own_host = urlsplit(base_url).netloc
        page.route("**/*", self._only_own_host(own_host))
        page.on("console", self._remember_error)
        page.on("pageerror", lambda e: self.console_errors.append(str(e)))

    def _remember_error(self, message) -> None:
        if message.type == "error":
            self.console_errors.append(message.text)

    def _only_own_host(self, own_host: str):
        def handle(route):
            url = route.request.url
            if urlsplit(url).netloc == own_host or url.startswith("data:"):
                route.continue_()
            else:
                self.outside_requests.append(url)
                route.abort()

        return handle

    def open(self, path: str):
        response = self.page.goto(self.base_url + path)
        assert response is not None
        return response

    def serious_accessibility_violations(self) -> list[str]:
        """axe-core's serious and critical findings on the current page."""
        from axe_playwright_python.sync_playwright import Axe

        results = Axe().run(self.page)
        return [
            f"{v['id']} ({v['impact']}): {v['help']} at {[n['target'] for n in v['nodes']]}"
            for v in results.response["violations"]
            if v["impact"] in ("serious", "critical")
        ]

    def screenshot(self, name: str) -> Path:
        ARTIFACTS.mkdir(exist_ok=True)
        path = ARTIFACTS / name
        self.page.screenshot(path=str(path), full_page=True)
        return path


@pytest.fixture
def browser_page(chromium, live_server):
    context = chromium.new_context(locale="nl-NL", viewport={"width": 1280, "height": 900})
    page = BrowserPage(context.new_page(), live_server.url)
    yield page
    context.close()


@pytest.fixture
def phone_page(chromium, live_server):
    context = chromium.new_context(
        locale="nl-NL", viewport={"width": 375, "height": 740}, is_mobile=True, has_touch=True
    )
    page = BrowserPage(context.new_page(), live_server.url)
    yield page
    context.close()
