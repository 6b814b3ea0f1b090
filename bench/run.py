"""Benchmarks: how long the imports take and how fast the public pages answer.

Run with `make bench`. It builds its own SQLite database in a temporary
directory (or uses DATABASE_URL), imports the real reference data, and prints
a Markdown table to paste into the README. Timings are wall-clock medians;
memory is the peak of Python allocations (tracemalloc) during the step.
"""

import os
import statistics
import sys
import tempfile
import time
import tracemalloc
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kinderpardon.settings")
os.environ.setdefault("ALLOWED_HOSTS", "testserver")  # Django's test client's host
if "DATABASE_URL" not in os.environ:
    os.environ["DATABASE_URL"] = f"sqlite:///{tempfile.mkdtemp()}/bench.sqlite3"

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.test import Client  # noqa: E402
from django.urls import reverse  # noqa: E402

ROWS: list[tuple[str, str, str]] = []


def measure(label: str, func: Callable[[], object], repeat: int = 1) -> None:
    """Median wall-clock time over ``repeat`` runs, then one more run under
    tracemalloc (which slows Python down) for the peak of Python allocations."""
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        func()
        times.append(time.perf_counter() - start)
    tracemalloc.start()
    func()
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    ms = statistics.median(times) * 1000
    runs = f" (median of {repeat})" if repeat > 1 else ""
    ROWS.append((label, f"{ms:,.1f} ms{runs}", f"{peak / 2**20:,.1f} MiB"))


def page(client: Client, url: str) -> Callable[[], None]:
    def get() -> None:
        response = client.get(url)
        assert response.status_code == 200, (url, response.status_code)

    return get


def main() -> None:
    call_command("migrate", verbosity=0)
    quiet = {"stdout": open(os.devnull, "w")}  # noqa: SIM115
    measure(
        "import_municipalities (789 rows)", lambda: call_command("import_municipalities", **quiet)
    )
    measure(
        "import_municipalities again (no changes)",
        lambda: call_command("import_municipalities", **quiet),
    )
    measure("import_boundaries (342, WGS84)", lambda: call_command("import_boundaries", **quiet))
    measure("load_campaign_facts", lambda: call_command("load_campaign_facts", **quiet))

    client = Client()
    for name, url in [
        ("page /", reverse("motions:home")),
        ("page /gemeenten/", reverse("motions:municipality_list")),
        ("page /moties/", reverse("motions:list")),
        ("page /kaart/", reverse("motions:map")),
        ("/kaart/gemeenten.geojson", reverse("motions:map_data")),
    ]:
        measure(name, page(client, url), repeat=20)

    print("| step | time | peak Python memory (one repeat run, traced) |")
    print("|---|---|---|")
    for row in ROWS:
        print("| " + " | ".join(row) + " |")


if __name__ == "__main__":
    main()
