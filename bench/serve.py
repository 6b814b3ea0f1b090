"""The public pages through gunicorn, against the hello-world in the same run.

Two gunicorns with the same settings (2 sync workers, DEBUG off): the app and
``bench/hello``. For each page: one warm request (so whatever caches the page
is filled; it must answer 200), then ``wrk -t1 -c16`` (with a browser's
``Accept-Encoding``) on the hello-world and on the page in turn, ROUNDS times,
so that the machine's swings hit both; the ratio is the medians' ratio.
"""

import http.client
import json
import os
import re
import socket
import statistics
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
WRK_SECONDS = int(os.environ.get("BENCH_WRK_SECONDS", "5"))
ROUNDS = int(os.environ.get("BENCH_ROUNDS", "2"))


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def status(port: int, path: str) -> int:
    """The status of one GET, redirects not followed."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    try:
        connection.request("GET", path)
        response = connection.getresponse()
        response.read()
        return response.status
    finally:
        connection.close()


@contextmanager
def gunicorn(app: str, env: dict[str, str], log: Path) -> Iterator[int]:
    """A gunicorn with 2 sync workers serving ``app`` on a free port, until the block ends."""
    port = free_port()
    command = [
        str(Path(sys.executable).parent / "gunicorn"),
        *("--workers", "2", "--worker-class", "sync", "--chdir", str(ROOT)),
        *("--bind", f"127.0.0.1:{port}", "--log-level", "warning", app),
    ]
    with open(log, "w") as out:
        server = subprocess.Popen(command, env=env, stdout=out, stderr=subprocess.STDOUT)  # noqa: S603
    try:
        for _ in range(120):
            if server.poll() is not None:
                raise RuntimeError(f"gunicorn {app} stopped:\n{log.read_text()}")
            try:
                status(port, "/")
                break
            except OSError:
                time.sleep(0.5)
        else:
            raise RuntimeError(f"gunicorn {app} did not answer in 60 s:\n{log.read_text()}")
        yield port
    finally:
        server.terminate()
        server.wait(timeout=30)


# What every browser sends, to the hello-world and to the app alike: the app
# answers a cached page gzipped when it is accepted.
BROWSER_ACCEPT_ENCODING = "Accept-Encoding: gzip, deflate, br"


def wrk(port: int, path: str) -> float:
    """Requests per second; fails loudly on any answer that is not 2xx/3xx."""
    output = subprocess.run(  # noqa: S603
        [
            *("wrk", "-t1", "-c16", f"-d{WRK_SECONDS}s", "-H", BROWSER_ACCEPT_ENCODING),
            f"http://127.0.0.1:{port}{path}",
        ],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    if re.search(r"Non-2xx or 3xx responses: (\d+)", output):
        raise RuntimeError(f"wrk on {path}: not every request answered 2xx:\n{output}")
    errors = re.search(r"Socket errors: .*", output)
    if errors:  # a slow page's requests may time out (wrk waits 2 s): said, not fatal
        print(f"  wrk on {path}: {errors.group(0)}", file=sys.stderr, flush=True)
    rate = re.search(r"Requests/sec:\s+([\d.]+)", output)
    assert rate, output
    return float(rate.group(1))


def throughput(
    app_env: dict[str, str], hello_env: dict[str, str], paths: list[str], logs: Path
) -> dict[str, tuple[float, float]]:
    """Per path: (median req/s of the page, median req/s of the hello-world
    measured in turn with it)."""
    results = {}
    with ExitStack() as stack:
        app = stack.enter_context(gunicorn("kinderpardon.wsgi", app_env, logs / "app.log"))
        hello = stack.enter_context(gunicorn("bench.hello.wsgi", hello_env, logs / "hello.log"))
        for path in paths:
            answer = status(app, path)
            if answer != 200:
                raise RuntimeError(f"{path} answered {answer} through gunicorn, not 200")
            page_rates, hello_rates = [], []
            for _ in range(ROUNDS):
                hello_rates.append(wrk(hello, "/"))
                page_rates.append(wrk(app, path))
            results[path] = (statistics.median(page_rates), statistics.median(hello_rates))
            print(
                f"  {path}: {results[path][0]:,.0f} req/s, hello {results[path][1]:,.0f}",
                file=sys.stderr,
                flush=True,
            )
    return results


def first_hits(app_env: dict[str, str], paths: list[str], logs: Path) -> dict[str, float]:
    """Seconds for the first request after the public data changed, through the
    app's gunicorn: a process on the same database and shared cache renews the
    version before each request (``bench.pages first-hits``)."""
    out = logs / "first-hits.json"
    with gunicorn("kinderpardon.wsgi", app_env, logs / "app-first-hits.log") as app:
        command = [sys.executable, "-m", "bench.pages", "first-hits", f"http://127.0.0.1:{app}"]
        subprocess.run(  # noqa: S603
            [*command, str(out), *paths],
            env=app_env,
            cwd=ROOT,
            check=True,
        )
    hits: dict[str, float] = json.loads(out.read_text())
    return hits
