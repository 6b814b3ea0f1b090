"""The load test (``make load``, issue 12): the app as in production, under a
mix of visitors at once, on loopback only.

For each database (SQLite always; PostgreSQL + Redis too when a PostgreSQL
server answers on 127.0.0.1:5432) a fresh database is built as the benchmark
builds its 1x one (``bench.pages build 1``: the real register, boundaries and
campaign facts, 200 motions, 1,000 contact moments, 100 reports), a volunteer
account is added, and gunicorn serves the app with the production settings
(``bench.serve.gunicorn``: 2 sync workers, DEBUG off, collected static files,
Redis as the shared cache). Then LOAD_CLIENTS threads (standard library only:
``http.client``, a new connection per request, as a sync worker closes each)
send, until LOAD_SECONDS have passed or LOAD_MAX_REQUESTS were sent, a mix of:

- public pages: home (both languages), the lists (plain and filtered), a
  municipality, a motion, the map page, its embed, its GeoJSON and PNG, the
  example motion and a filled-in download, the report form;
- reports: from a source address of its own (127.0.0.2 to 127.0.0.250; on
  Linux all of 127/8 is loopback), GET the form for its CSRF cookie and token,
  then POST a valid report (every fifth with a PDF), which must answer with
  the redirect to the thank-you page, which must show it;
- a logged-in volunteer (each thread logs in once, through the login form)
  browsing the workspace: the dashboard, the contact list, the report queue,
  a council's log and a motion's decision form.

The rate limits are raised for the run by the settings' own environment
variables (``RAISED_LIMITS``): otherwise the report form's 10 posts an hour
per address would refuse most reports. E-mail goes to Django's dummy backend
(no mail server here). Every answer but the expected one (200 for a page, the
redirect for a report or a login) is an error, as is any failed connection;
the run fails when there is one, or when the reports stored (rows of
ActionReport counted in the database before and after) differ from the
reports sent.

Knobs (environment): LOAD_SECONDS (20), LOAD_CLIENTS (8), LOAD_MAX_REQUESTS
(50000), LOAD_MIX (``public=80,report=10,volunteer=10``), BENCH_POSTGRES_URL
(as for ``make bench``: a server, or ``none``; default the local one when it
answers), LOAD_REDIS_URL_SQLITE (redis://127.0.0.1:6379/8) and
LOAD_REDIS_URL_POSTGRES (redis://127.0.0.1:6379/9): both databases are
emptied before the run, so they must be the load test's own.
"""

import datetime
import gzip
import http.client
import itertools
import json
import os
import platform
import random
import re
import secrets
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from http.cookies import SimpleCookie
from pathlib import Path
from urllib.parse import urlencode, urlsplit

import psycopg
import redis
from psycopg import sql

from bench import serve
from bench.run import ROOT, bench_process, django_env, postgres_server

SECONDS = float(os.environ.get("LOAD_SECONDS", "20"))
CLIENTS = int(os.environ.get("LOAD_CLIENTS", "8"))
MAX_REQUESTS = int(os.environ.get("LOAD_MAX_REQUESTS", "50000"))
POSTGRES_DATABASE = f"load_bench_{os.getpid()}"
REDIS_SQLITE = os.environ.get("LOAD_REDIS_URL_SQLITE", "redis://127.0.0.1:6379/8")
REDIS_POSTGRES = os.environ.get("LOAD_REDIS_URL_POSTGRES", "redis://127.0.0.1:6379/9")
VOLUNTEER, PASSWORD = "load-vrijwilliger", secrets.token_urlsafe(16)

# The limits a run would otherwise hit, raised by their own settings.
RAISED_LIMITS = {
    "REPORT_RATE_LIMIT": "1000000",
    "LOGIN_FAILURE_LIMIT": "1000000",
    "LOGIN_ADDRESS_FAILURE_LIMIT": "1000000",
    "LOGIN_ACCOUNT_FAILURE_LIMIT": "1000000",
    "PASSWORD_RESET_LIMIT": "1000000",
    "PASSWORD_RESET_ADDRESS_LIMIT": "1000000",
}

# Of every 100 actions: public pages, reports (two requests each), volunteer pages.
MIX = {
    kind: int(share)
    for kind, share in (
        part.split("=")
        for part in os.environ.get("LOAD_MIX", "public=80,report=10,volunteer=10").split(",")
    )
}

PDF = (
    b"%PDF-1.4\n1 0 obj <</Type /Catalog /Pages 2 0 R>> endobj\n"
    b"2 0 obj <</Type /Pages /Kids [] /Count 0>> endobj\n"
    b"trailer <</Size 3 /Root 1 0 R>>\n%%EOF\n"
)
CSRF_INPUT = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


def say(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


# --- the server's side: a database, an account, gunicorn ------------------------------------


def recreate_postgres(server: str, drop_only: bool = False) -> str:
    name = sql.Identifier(POSTGRES_DATABASE)
    with psycopg.connect(server, autocommit=True) as connection:
        connection.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(name))
        if not drop_only:
            connection.execute(sql.SQL("CREATE DATABASE {}").format(name))
    return urlsplit(server)._replace(path=f"/{POSTGRES_DATABASE}").geturl()


def manage(env: dict[str, str], code: str) -> str:
    """Run ``code`` in ``manage.py shell`` with the app's settings; its output."""
    return subprocess.run(  # noqa: S603
        [sys.executable, "manage.py", "shell", "--no-imports", "-c", code],
        env=env,
        cwd=ROOT,
        check=True,
        capture_output=True,
        text=True,
    ).stdout.strip()


def prepare(env: dict[str, str], tmp: Path) -> dict[str, list[str]]:
    """Build the database, add the volunteer; the ids and slugs to visit."""
    bench_process("build", 1, env, tmp)
    code = f"""
import json
from django.contrib.auth.models import Group, User
from motions.examples.documents import shown_model_motions
from motions.models import Motion
from workspace import roles
user = User.objects.create_user({VOLUNTEER!r}, "load@example.org", {PASSWORD!r})
user.groups.add(Group.objects.get(name=roles.VOLUNTEER))
motions = list(Motion.objects.public().municipal().order_by("pk")[:50])
print(json.dumps({{
    "motions": [str(m.pk) for m in motions],
    "slugs": sorted({{m.municipality.slug for m in motions}}),
    "examples": [m.slug for m in shown_model_motions()],
}}))
"""
    ids: dict[str, list[str]] = json.loads(manage(env, code).splitlines()[-1])
    return ids


def count_reports(env: dict[str, str]) -> int:
    code = "from motions.models import ActionReport; print(ActionReport.objects.count())"
    return int(manage(env, code).splitlines()[-1])


# --- the client's side ----------------------------------------------------------------------


@dataclass
class Result:
    kind: str
    seconds: float
    error: str = ""


@dataclass
class Tally:
    results: list[Result] = field(default_factory=list)
    reports_sent: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)

    def add(self, result: Result) -> None:
        with self.lock:
            self.results.append(result)

    def count(self) -> int:
        with self.lock:
            return len(self.results)


@dataclass
class Answer:
    status: int
    headers: http.client.HTTPMessage
    body: bytes


class Visitor:
    """One browser: its cookies, its source address, its requests timed."""

    def __init__(self, port: int, tally: Tally, source: str = "127.0.0.1") -> None:
        self.port, self.tally, self.source = port, tally, source
        self.cookies: dict[str, str] = {}

    def request(
        self,
        kind: str,
        method: str,
        path: str,
        expect: int,
        body: bytes | None = None,
        headers: dict[str, str] | None = None,
        location: str | None = None,
    ) -> Answer | None:
        """One request on a new connection; None (and an error counted) when
        the answer is not ``expect`` (and, for a redirect, not to ``location``)."""
        headers = {"Accept-Encoding": "gzip, deflate, br", **(headers or {})}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        start = time.perf_counter()
        try:
            connection = http.client.HTTPConnection(
                "127.0.0.1", self.port, timeout=30, source_address=(self.source, 0)
            )
            try:
                connection.request(method, path, body=body, headers=headers)
                response = connection.getresponse()
                body = response.read()
                if response.headers.get("Content-Encoding") == "gzip":
                    body = gzip.decompress(body)
                answer = Answer(response.status, response.headers, body)
            finally:
                connection.close()
        except (OSError, http.client.HTTPException) as failure:
            self.tally.add(Result(kind, time.perf_counter() - start, f"{path}: {failure!r}"))
            return None
        seconds = time.perf_counter() - start
        for header in answer.headers.get_all("Set-Cookie") or []:
            for name, morsel in SimpleCookie(header).items():
                self.cookies[name] = morsel.value
        error = ""
        if answer.status != expect:
            error = f"{method} {path}: {answer.status}, expected {expect}"
        elif location is not None and answer.headers.get("Location") != location:
            error = f"{method} {path}: to {answer.headers.get('Location')}, expected {location}"
        self.tally.add(Result(kind, seconds, error))
        return None if error else answer

    def form_token(self, kind: str, path: str) -> str | None:
        answer = self.request(kind, "GET", path, 200)
        if answer is None:
            return None
        found = CSRF_INPUT.search(answer.body.decode())
        if not found or "csrftoken" not in self.cookies:
            self.tally.add(Result(kind, 0.0, f"GET {path}: no CSRF token or cookie"))
            return None
        return found.group(1)


def multipart(fields: dict[str, str], files: dict[str, tuple[str, bytes]]) -> tuple[bytes, str]:
    boundary = uuid.uuid4().hex
    parts = []
    for name, value in fields.items():
        head = f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n'
        parts.append(f"{head}{value}\r\n".encode())
    for name, (filename, content) in files.items():
        head = (
            f"--{boundary}\r\nContent-Disposition: form-data; "
            f'name="{name}"; filename="{filename}"\r\nContent-Type: application/pdf\r\n\r\n'
        )
        parts.append(head.encode() + content + b"\r\n")
    parts.append(f"--{boundary}--\r\n".encode())
    return b"".join(parts), f"multipart/form-data; boundary={boundary}"


SOURCES = itertools.cycle(f"127.0.0.{n}" for n in range(2, 251))
REPORT_NUMBERS = itertools.count(1)
NUMBERS_LOCK = threading.Lock()


def send_report(port: int, tally: Tally, municipalities: list[str]) -> None:
    """A new visitor from an address of its own: the form, then a valid report."""
    with NUMBERS_LOCK:
        source, number = next(SOURCES), next(REPORT_NUMBERS)
    visitor = Visitor(port, tally, source)
    token = visitor.form_token("report form", "/melden/")
    if token is None:
        return
    fields = {
        "csrfmiddlewaretoken": token,
        "reporter_name": f"Belasting Tester {number}",
        "reporter_role": "griffier",
        "reporter_email": f"load-{number}@example.org",
        "municipality": random.choice(municipalities),
        "action": "adopted",
        "happened": "15-04-2025",
        "factions": "GroenLinks-PvdA",
        "link": f"https://example.org/besluit/{number}",
        "message": "Aangenomen (load test).",
        "consent": "on",
        "website": "",
    }
    files = {"document": ("motie.pdf", PDF)} if number % 5 == 0 else {}
    body, content_type = multipart(fields, files)
    answer = visitor.request(
        "report post",
        "POST",
        "/melden/",
        302,
        body=body,
        headers={"Content-Type": content_type},
        location="/melden/bedankt/",
    )
    if answer is not None:
        with tally.lock:
            tally.reports_sent += 1
        # The browser follows the redirect: the thank-you page shows what was sent.
        thanks = visitor.request("report thanks", "GET", "/melden/bedankt/", 200)
        if thanks is not None and fields["reporter_name"].encode() not in thanks.body:
            tally.add(Result("report thanks", 0.0, f"report {number}: not on the thank-you page"))


def log_in(port: int, tally: Tally) -> Visitor | None:
    visitor = Visitor(port, tally)
    token = visitor.form_token("login", "/werk/inloggen/")
    if token is None:
        return None
    body = urlencode({"csrfmiddlewaretoken": token, "username": VOLUNTEER, "password": PASSWORD})
    answer = visitor.request(
        "login",
        "POST",
        "/werk/inloggen/",
        302,
        body=body.encode(),
        headers={"Content-Type": "application/x-www-form-urlencoded"},
    )
    return visitor if answer is not None else None


def public_paths(ids: dict[str, list[str]]) -> list[Callable[[], str]]:
    slug, motion, example = ids["slugs"], ids["motions"], ids["examples"]
    pick = random.choice
    return [
        lambda: "/",
        lambda: "/en/",
        lambda: "/gemeenten/",
        lambda: "/gemeenten/?status=adopted&sort=-date",
        lambda: "/en/gemeenten/?province=utrecht",
        lambda: f"/gemeenten/{pick(slug)}/",
        lambda: "/moties/",
        lambda: "/moties/?status=adopted&sort=old",
        lambda: "/en/moties/",
        lambda: f"/moties/{pick(motion)}/",
        lambda: "/kaart/",
        lambda: "/kaart/embed/",
        lambda: "/kaart/gemeenten.geojson",
        lambda: "/kaart/kaart.png",
        lambda: "/voorbeeldmotie/",
        lambda: f"/voorbeeldmotie/{pick(example)}/download/?formaat=docx&gemeente={pick(slug)}",
        lambda: "/melden/",
    ]


def workspace_paths(ids: dict[str, list[str]]) -> list[Callable[[], str]]:
    slug, motion = ids["slugs"], ids["motions"]
    pick = random.choice
    return [
        lambda: "/werk/",
        lambda: "/werk/contacten/",
        lambda: "/werk/meldingen/",
        lambda: f"/werk/gemeenten/{pick(slug)}/",
        lambda: f"/werk/moties/{pick(motion)}/",
    ]


def client(port: int, tally: Tally, ids: dict[str, list[str]], until: float, seed: int) -> None:
    random.seed(seed)
    public, workspace = public_paths(ids), workspace_paths(ids)
    municipalities = ["Den Haag", "Amsterdam", "Utrecht", "Súdwest-Fryslân", "Maastricht"]
    visitor = Visitor(port, tally)
    volunteer: Visitor | None = None
    kinds = random.choices(list(MIX), weights=list(MIX.values()), k=100_000)
    for kind in kinds:
        if time.monotonic() > until or tally.count() >= MAX_REQUESTS:
            return
        if kind == "public":
            visitor.cookies.clear()  # a new visitor each time, as most are
            visitor.request("public page", "GET", random.choice(public)(), 200)
        elif kind == "report":
            send_report(port, tally, municipalities)
        else:
            volunteer = volunteer or log_in(port, tally)
            if volunteer is not None:
                volunteer.request("volunteer page", "GET", random.choice(workspace)(), 200)


def warm_up(port: int, ids: dict[str, list[str]]) -> None:
    """Each page a few times, untimed, so both workers have built what they
    cache (the map's image, the page cache) before the timing starts."""
    tally = Tally()
    for _ in range(3):
        for path in public_paths(ids):
            Visitor(port, tally).request("warm-up", "GET", path(), 200)
    if errors := [r.error for r in tally.results if r.error]:
        raise SystemExit("warm-up failed:\n" + "\n".join(errors))


def run_load(port: int, ids: dict[str, list[str]]) -> tuple[Tally, float]:
    warm_up(port, ids)
    tally = Tally()
    start = time.monotonic()
    until = start + SECONDS
    threads = [
        threading.Thread(target=client, args=(port, tally, ids, until, seed))
        for seed in range(CLIENTS)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return tally, time.monotonic() - start


# --- the report -----------------------------------------------------------------------------


def ms(seconds: float) -> str:
    return f"{seconds * 1000:,.1f} ms"


def percentiles(times: list[float]) -> tuple[float, float, float]:
    if len(times) < 2:
        only = times[0] if times else 0.0
        return only, only, only
    cuts = statistics.quantiles(times, n=100, method="inclusive")
    return statistics.median(times), cuts[94], cuts[98]


def table_rows(label: str, tally: Tally, elapsed: float) -> list[str]:
    by_kind: dict[str, list[Result]] = defaultdict(list)
    for result in tally.results:
        by_kind[result.kind].append(result)
    rows = []
    for kind, results in [("all", tally.results), *sorted(by_kind.items())]:
        times = [r.seconds for r in results if not r.error]
        p50, p95, p99 = percentiles(times)
        errors = sum(1 for r in results if r.error)
        rows.append(
            f"| {label} | {kind} | {len(results):,} | {len(results) / elapsed:,.1f} | "
            f"{ms(p50)} | {ms(p95)} | {ms(p99)} | {errors} |"
        )
    return rows


@dataclass
class Run:
    label: str
    tally: Tally
    elapsed: float
    stored: int

    @property
    def errors(self) -> list[str]:
        return [r.error for r in self.tally.results if r.error]


def load(label: str, database_url: str, redis_url: str, tmp: Path, secret: str) -> Run:
    redis.Redis.from_url(redis_url).flushdb()  # the load test's own database (see the knobs)
    env = django_env(tmp, secret, database_url, redis_url)
    env.update(RAISED_LIMITS, EMAIL_BACKEND="django.core.mail.backends.dummy.EmailBackend")
    say(f"{label}: building the database")
    ids = prepare(env, tmp)
    before = count_reports(env)
    with serve.gunicorn("kinderpardon.wsgi", env, tmp / f"load-{label}.log") as port:
        say(f"{label}: {CLIENTS} clients for {SECONDS:g} s (at most {MAX_REQUESTS:,} requests)")
        tally, elapsed = run_load(port, ids)
    stored = count_reports(env) - before
    run = Run(label, tally, elapsed, stored)
    say(
        f"{label}: {len(tally.results):,} requests in {elapsed:.1f} s, "
        f"{len(run.errors)} errors, reports sent {tally.reports_sent}, stored {stored}"
    )
    for error in run.errors[:20]:
        say(f"  {error}")
    return run


def main() -> None:
    secret = secrets.token_urlsafe(50)
    runs = []
    postgres = postgres_server()
    with tempfile.TemporaryDirectory(prefix="load-") as tmpdir:
        tmp = Path(tmpdir)
        sqlite_url = f"sqlite:///{tmp}/load.sqlite3"
        say("collectstatic")
        subprocess.run(
            [sys.executable, "manage.py", "collectstatic", "--no-input", "--verbosity", "0"],
            env=django_env(tmp, secret, sqlite_url, REDIS_SQLITE),
            cwd=ROOT,
            check=True,
        )
        runs.append(load("SQLite + Redis", sqlite_url, REDIS_SQLITE, tmp, secret))
        if postgres:
            try:
                url = recreate_postgres(postgres)
                runs.append(load("PostgreSQL + Redis", url, REDIS_POSTGRES, tmp, secret))
            finally:
                recreate_postgres(postgres, drop_only=True)

    now = datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%d %H:%M UTC")
    commit = subprocess.run(
        ["git", "rev-parse", "--short", "HEAD"],  # noqa: S607
        cwd=ROOT,
        capture_output=True,
        text=True,
    ).stdout.strip()
    print(f"- date: {now}, commit {commit}")
    print(
        f"- machine: {platform.processor() or platform.machine()}, {os.cpu_count()} cores, "
        f"load average at the end {', '.join(f'{x:.2f}' for x in os.getloadavg())}"
    )
    print(
        f"- {CLIENTS} client threads for {SECONDS:g} s (at most {MAX_REQUESTS:,} requests), "
        "gunicorn with 2 sync workers; the mix, in weights: "
        + ", ".join(f"{share} {kind}" for kind, share in MIX.items())
    )
    print()
    print("| database | requests | count | req/s | p50 | p95 | p99 | errors |")
    print("|---|---|---|---|---|---|---|---|")
    for run in runs:
        print("\n".join(table_rows(run.label, run.tally, run.elapsed)))
    print()
    for run in runs:
        print(f"- {run.label}: reports sent {run.tally.reports_sent}, stored {run.stored}")
    failed = [r.label for r in runs if r.errors or r.stored != r.tally.reports_sent]
    if failed:
        raise SystemExit(f"errors or lost reports: {', '.join(failed)}")


if __name__ == "__main__":
    main()
