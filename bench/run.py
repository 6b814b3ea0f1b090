"""Benchmarks (``make bench``): every page in-process at 1x, 10x and 100x the
campaign's data, and the public pages through gunicorn against a hello-world.

Prints the machine and three Markdown tables for the README: the imports, the
pages in-process (median and p95, queries, peak Python memory; flat or not),
and the public pages' throughput as a share of the hello-world's, on SQLite and,
when a PostgreSQL server answers, on PostgreSQL + Redis.

Each database is built by a process of its own (``bench/pages.py``), with the
production settings: DEBUG off, a random SECRET_KEY, static files collected
into a temporary directory. SQLite files live in that directory; on PostgreSQL
the benchmark creates and drops databases of its own (``bench_<factor>_<pid>``).

Knobs (environment): BENCH_FACTORS (default ``1,10,100``), BENCH_RUNS (20),
BENCH_WRK_SECONDS (5), BENCH_ROUNDS (2), BENCH_POSTGRES_URL (a server to use;
default: postgres@127.0.0.1:5432 when it answers, ``none`` to skip),
BENCH_REDIS_URL (redis://127.0.0.1:6379/6; db 7 serves the SQLite runs, since
production refuses to start without a shared cache). With DATABASE_URL set to
PostgreSQL the in-process half runs there too; otherwise on SQLite.
"""

import datetime
import importlib.metadata
import json
import os
import platform
import secrets
import sqlite3
import statistics
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import django
import psycopg
import redis
from psycopg import sql

from bench import serve

ROOT = Path(__file__).resolve().parent.parent
RUNS = int(os.environ.get("BENCH_RUNS", "20"))  # as bench/pages.py reads it
FACTORS = [int(f) for f in os.environ.get("BENCH_FACTORS", "1,10,100").split(",")]
LOCAL_POSTGRES = "postgres://postgres@127.0.0.1:5432/postgres"
REDIS_URL = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/6")
SQLITE_REDIS_URL = REDIS_URL.rpartition("/")[0] + "/7"
FLAT_RATIO, FLAT_SLACK = 1.2, 0.005  # flat: within 1.2x (+5 ms) of 1x
EXPORTS = "/werk/export/"  # flat in memory, not in time: they write every row
EXPORT_MEMORY_SLACK = 2**19  # half a MiB
TIMES = "\N{MULTIPLICATION SIGN}"
GOAL = 0.5  # every public page at >= 0.5x the hello-world's throughput


def say(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


# --- databases ------------------------------------------------------------------------------


def postgres_server() -> str | None:
    """The PostgreSQL server to use, or None: BENCH_POSTGRES_URL, else
    DATABASE_URL when it is PostgreSQL, else the local one when it answers."""
    url = os.environ.get("BENCH_POSTGRES_URL", "")
    if url == "none":
        return None
    database_url = os.environ.get("DATABASE_URL", "")
    url = url or (database_url if database_url.startswith("postgres") else LOCAL_POSTGRES)
    try:
        psycopg.connect(url, connect_timeout=3).close()
    except psycopg.OperationalError:
        if url != LOCAL_POSTGRES:
            raise
        return None
    return url


class Postgres:
    """Databases of the benchmark's own on one server, dropped when done."""

    def __init__(self, server: str) -> None:
        self.server = server
        self.names: list[str] = []

    def _execute(self, statement: sql.Composed) -> None:
        with psycopg.connect(self.server, autocommit=True) as connection:
            connection.execute(statement)

    def create(self, factor: int) -> str:
        name = f"bench_{factor}_{os.getpid()}"
        self._execute(sql.SQL("DROP DATABASE IF EXISTS {}").format(sql.Identifier(name)))
        self._execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
        self.names.append(name)
        return urlsplit(self.server)._replace(path=f"/{name}").geturl()

    def drop_all(self) -> None:
        for name in self.names:
            self._execute(
                sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
            )

    def version(self) -> str:
        with psycopg.connect(self.server) as connection:
            row = connection.execute("SHOW server_version").fetchone()
        return str(row[0]) if row else "?"


def django_env(
    tmp: Path, secret: str, database_url: str, redis_url: str = SQLITE_REDIS_URL
) -> dict[str, str]:
    """The app's production settings for a benchmark process."""
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "REDIS_URL")}
    env.update(
        DJANGO_SETTINGS_MODULE="kinderpardon.settings",
        DJANGO_DEBUG="0",
        SECRET_KEY=secret,
        ALLOWED_HOSTS="testserver,127.0.0.1,localhost",
        SECURE_SSL_REDIRECT="0",  # plain HTTP here; TLS ends at the load balancer
        STATIC_ROOT=str(tmp / "static"),
        MEDIA_ROOT=str(tmp / "media"),
        PRIVATE_MEDIA_ROOT=str(tmp / "private-media"),
        DATABASE_URL=database_url,
        REDIS_URL=redis_url,
        SITE_URL="http://127.0.0.1",
        LOG_LEVEL="WARNING",
    )
    return env


def bench_process(mode: str, factor: int, env: dict[str, str], tmp: Path) -> dict[str, Any]:
    out = tmp / f"{mode}-{factor}-{len(list(tmp.iterdir()))}.json"
    subprocess.run(  # noqa: S603
        [sys.executable, "-m", "bench.pages", mode, str(factor), str(out)],
        env=env,
        cwd=ROOT,
        check=True,
    )
    result: dict[str, Any] = json.loads(out.read_text())
    return result


# --- tables ---------------------------------------------------------------------------------


def ms(seconds: float) -> str:
    return f"{seconds * 1000:,.1f} ms"


def mib(size: int) -> str:
    return f"{size / 2**20:,.1f} MiB" if size >= 2**20 else f"{size / 2**10:,.0f} KiB"


def x(factor: int) -> str:
    return f"{factor}{TIMES}"


def machine(postgres: Postgres | None, redis_version: str) -> list[str]:
    cpu = next(
        (
            line.split(":", 1)[1].strip()
            for line in Path("/proc/cpuinfo").read_text().splitlines()
            if line.startswith("model name")
        ),
        platform.processor(),
    )
    commit = subprocess.run(
        ["git", "describe", "--always", "--dirty"],  # noqa: S607
        cwd=ROOT,
        capture_output=True,
        text=True,
    ).stdout.strip()
    wrk = subprocess.run(["wrk", "-v"], capture_output=True, text=True)  # noqa: S607
    load = ", ".join(f"{n:.2f}" for n in os.getloadavg())
    return [
        f"- date: {datetime.datetime.now(datetime.UTC):%Y-%m-%d %H:%M} UTC, commit {commit}",
        f"- machine: {cpu}, {os.cpu_count()} cores, load average at the start {load}",
        f"- Python {platform.python_version()}, Django {django.get_version()}, "
        f"SQLite {sqlite3.sqlite_version}, "
        f"gunicorn {importlib.metadata.version('gunicorn')}, "
        f"{(wrk.stdout or wrk.stderr).split(' [')[0].strip()}",
        f"- PostgreSQL {postgres.version()}, Redis {redis_version}"
        if postgres
        else "- PostgreSQL: none answered (skipped)",
    ]


def imports_table(first: dict[str, Any], runs: list[dict[str, Any]]) -> list[str]:
    lines = ["| step | time | peak Python memory (one repeat run, traced) |", "|---|---|---|"]
    lines += [f"| {i['step']} | {ms(i['seconds'])} | {mib(i['peak'])} |" for i in first["imports"]]
    for run in runs:
        counts = ", ".join(f"{n:,} {kind}" for kind, n in run["counts"].items())
        lines.append(f"| grow({run['factor']}): {counts} | {ms(run['grow_seconds'])} | — |")
    return lines


def pages_table(runs: list[dict[str, Any]]) -> tuple[list[str], list[str]]:
    """The in-process table, and the pages that are not flat."""
    first, last = runs[0], runs[-1]
    f1, fn = x(first["factor"]), x(last["factor"])
    columns = [f"{f1} median (p95)", *(x(r["factor"]) for r in runs[1:])]
    columns += [f"{fn}/{f1}", f"queries {f1}/{fn}", f"peak memory {f1}/{fn}"]
    lines = ["| page | " + " | ".join(columns) + " |", "|---" * (len(columns) + 1) + "|"]
    not_flat = []
    for index, row in enumerate(first["pages"]):
        cells = []
        for run in runs:
            page = run["pages"][index]
            cell = f"{ms(page['median'])} ({ms(page['p95'])})"
            cells.append(cell + (f" n={page['runs']}" if page["runs"] < RUNS else ""))
        big = last["pages"][index]
        ratio = f"{big['median'] / row['median']:.1f}{TIMES}"
        if row["page"].startswith(EXPORTS):
            # An export writes every row: its time grows with them; its memory
            # must not, once past the rows one database fetch holds (compare
            # the two largest factors).
            before = runs[-2]["pages"][index] if len(runs) > 1 else row
            if big["peak"] > FLAT_RATIO * before["peak"] + EXPORT_MEMORY_SLACK:
                ratio += " **memory not flat**"
                not_flat.append(row["page"])
            else:
                ratio += " (all rows; memory flat)"
        elif big["median"] > FLAT_RATIO * row["median"] + FLAT_SLACK:
            ratio += " **not flat**"
            not_flat.append(row["page"])
        lines.append(
            f"| {row['page']} | {' | '.join(cells)} | {ratio} | "
            f"{row['queries']}/{big['queries']} | {mib(row['peak'])}/{mib(big['peak'])} |"
        )
    return lines, not_flat


def throughput_table(
    labels: dict[str, str],
    sqlite: dict[str, tuple[float, float]],
    postgres: dict[str, tuple[float, float]] | None,
    hits: dict[str, float],
    hits_source: str,
) -> tuple[list[str], list[str]]:
    lines = [
        f"| page | req/s SQLite | {TIMES} hello SQLite | req/s PG+Redis | {TIMES} hello PG+Redis "
        f"| first hit after a change ({hits_source}) |",
        "|---|---|---|---|---|---|",
    ]
    below: dict[str, list[str]] = {}
    for path, label in labels.items():
        cells = []
        for name, results in (("SQLite", sqlite), ("PG+Redis", postgres)):
            if results is None:
                cells += ["—", "—"]
                continue
            rate, hello = results[path]
            share = f"{rate / hello:.2f}"
            if rate / hello < GOAL:
                share += " **below**"
                below.setdefault(label, []).append(name)
            cells += [f"{rate:,.0f}", share]
        lines.append(f"| {label} | {' | '.join(cells)} | {ms(hits[path])} |")
    hellos = [
        f"{statistics.median(hello for _, hello in results.values()):,.0f} req/s with {name}"
        for name, results in (("SQLite", sqlite), ("PG+Redis", postgres))
        if results
    ]
    lines.append(f"\nThe hello-world, median over the pages' turns: {', '.join(hellos)}.")
    return lines, [f"{label} ({', '.join(names)})" for label, names in below.items()]


# --- the run --------------------------------------------------------------------------------


@contextmanager
def postgres_databases(server: str | None) -> Iterator[Postgres | None]:
    postgres = Postgres(server) if server else None
    try:
        yield postgres
    finally:
        if postgres:
            postgres.drop_all()


def main() -> None:
    secret = secrets.token_urlsafe(50)
    in_postgres = os.environ.get("DATABASE_URL", "").startswith("postgres")
    with (
        tempfile.TemporaryDirectory(prefix="bench-") as tmpdir,
        postgres_databases(postgres_server()) as postgres,
    ):
        tmp = Path(tmpdir)
        redis_version = ""
        if postgres:
            redis_version = redis.Redis.from_url(REDIS_URL).info()["redis_version"]
        header = machine(postgres, redis_version)

        def database(factor: int, on_postgres: bool) -> str:
            if on_postgres:
                assert postgres
                return postgres.create(factor)
            return f"sqlite:///{tmp}/bench_{factor}.sqlite3"

        say("collectstatic")
        subprocess.run(
            [sys.executable, "manage.py", "collectstatic", "--no-input", "--verbosity", "0"],
            env=django_env(tmp, secret, database(0, False)),
            cwd=ROOT,
            check=True,
        )

        runs = []
        one: dict[bool, str] = {}  # the 1x database's URL, per "on PostgreSQL"
        for factor in FACTORS:
            say(f"in-process, {factor}x, on {'PostgreSQL' if in_postgres else 'SQLite'}")
            url = database(factor, in_postgres)
            runs.append(bench_process("measure", factor, django_env(tmp, secret, url), tmp))
            if factor == 1:
                one[in_postgres] = url
        labels = {p["url"]: p["page"] for p in runs[0]["pages"] if p["public"]}
        paths = list(labels)
        hello_env = {
            **{k: v for k, v in os.environ.items() if k != "DJANGO_SETTINGS_MODULE"},
            "SECRET_KEY": secret,
        }

        def served_env(on_postgres: bool) -> dict[str, str]:
            if on_postgres not in one:
                url = database(1, on_postgres)
                bench_process("build", 1, django_env(tmp, secret, url), tmp)
                one[on_postgres] = url
            redis_url = REDIS_URL if on_postgres else SQLITE_REDIS_URL
            redis.Redis.from_url(redis_url).flushdb()
            return django_env(tmp, secret, one[on_postgres], redis_url)

        say("gunicorn, SQLite + Redis")
        sqlite = serve.throughput(served_env(False), hello_env, paths, tmp)
        pg_redis = None
        if postgres:
            say("gunicorn, PostgreSQL + Redis")
            pg_redis = serve.throughput(served_env(True), hello_env, paths, tmp)
            hits = serve.first_hits(served_env(True), paths, tmp)
            hits_source = "PG+Redis, through gunicorn, median of 3"
        else:
            hits = {p["url"]: p["median"] for p in runs[0]["pages"]}
            hits_source = f"SQLite, in-process at {runs[0]['factor']}{TIMES}"

    first = runs[0]
    pages, not_flat = pages_table(runs)
    served, below = throughput_table(labels, sqlite, pg_redis, hits, hits_source)
    print("\n".join(header))
    print("\n### Imports\n")
    print("\n".join(imports_table(first, runs)))
    print(
        "\n### Every page in-process (uncached: the public data version renewed "
        "before each request)\n"
    )
    print("\n".join(pages))
    slack = f"{FLAT_RATIO}{TIMES} +{FLAT_SLACK * 1000:.0f} ms"
    print(f"\nNot flat (over {slack} of {first['factor']}{TIMES}): {', '.join(not_flat) or 'none'}")
    wrk = f"wrk -t1 -c16 -d{serve.WRK_SECONDS}s, median of {serve.ROUNDS} rounds"
    print(f"\n### Public pages through gunicorn (2 sync workers, {wrk})\n")
    print("\n".join(served))
    print(f"\nBelow {GOAL}{TIMES} hello-world: {', '.join(below) or 'none'}")


if __name__ == "__main__":
    main()
