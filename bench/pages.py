"""The in-process half of the benchmark, in a process of its own per database.

``python -m bench.pages measure FACTOR OUT.json``: migrate the database that
DATABASE_URL names (``run.py`` made it empty), import the reference data (timed
at 1x), ``bench.data.grow(FACTOR)``, then time every page through Django's test
client. ``build FACTOR OUT.json`` does the same without the pages (a database
for gunicorn). ``first-hits BASE_URL OUT.json PATH...`` times, through a running
server, the first request after the public data changed.

Every timed request comes right after ``public_data.renew()``, so nothing
cached under the public data's version (the map's data, the page cache) answers
it: these are the uncached times.
"""

import json
import os
import statistics
import sys
import time
import tracemalloc
import urllib.request
from collections.abc import Callable, Iterator
from typing import Any

import django

django.setup()

from django.conf import settings  # noqa: E402
from django.contrib.auth.models import User  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.http import HttpResponse, HttpResponseBase, StreamingHttpResponse  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.urls import reverse  # noqa: E402

from bench.data import grow  # noqa: E402
from kinderpardon import public_data  # noqa: E402
from motions.examples.documents import shown_model_motions  # noqa: E402
from motions.models import ActionReport, Motion  # noqa: E402

RUNS = int(os.environ.get("BENCH_RUNS", "20"))
# A slow page is timed fewer times: about this many seconds' worth, at least 3 runs.
SECONDS_PER_PAGE = float(os.environ.get("BENCH_SECONDS_PER_PAGE", "4"))
MIN_RUNS = 3


def traced_peak(func: Callable[[], object]) -> int:
    """The peak of Python allocations (bytes) during one run of ``func``."""
    tracemalloc.start()
    try:
        func()
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def import_reference_data(measured: bool) -> list[dict[str, Any]]:
    """The real register, boundaries and campaign facts, as ``make data`` loads
    them; when ``measured``, each step's time and the peak memory of one repeat."""
    call_command("migrate", verbosity=0)
    quiet = {"stdout": open(os.devnull, "w")}  # noqa: SIM115
    steps: list[tuple[str, Callable[[], object]]] = [
        (
            "import_municipalities (789 rows, 472 successions, with history)",
            lambda: call_command("import_municipalities", **quiet),
        ),
        (
            "import_municipalities again (no changes)",
            lambda: call_command("import_municipalities", **quiet),
        ),
        ("import_boundaries (342, WGS84)", lambda: call_command("import_boundaries", **quiet)),
        ("load_campaign_facts", lambda: call_command("load_campaign_facts", **quiet)),
    ]
    results = []
    for label, step in steps:
        start = time.perf_counter()
        step()
        seconds = time.perf_counter() - start
        if measured:
            results.append({"step": label, "seconds": seconds, "peak": traced_peak(step)})
    return results


def pages() -> list[tuple[str, str, bool]]:
    """(label, URL, public) for every page that shows data, on the data as it is."""
    motion = Motion.objects.public().order_by("pk").first()
    assert motion is not None, "load_campaign_facts loaded no motion"
    slug = motion.municipality.slug
    example = shown_model_motions()[0]
    report = ActionReport.objects.order_by("pk").first()
    assert report is not None
    user = User.objects.get(username="bench")
    public = [
        ("/", reverse("motions:home")),
        ("/en/", "/en/"),
        ("/gemeenten/", reverse("motions:municipality_list")),
        ("/gemeenten/<slug>/", reverse("motions:municipality", args=[slug])),
        ("/moties/", reverse("motions:list")),
        ("/moties/<id>/", reverse("motions:detail", args=[motion.pk])),
        ("/kaart/", reverse("motions:map")),
        ("/kaart/embed/", reverse("motions:map_embed")),
        ("/kaart/gemeenten.geojson", reverse("motions:map_data")),
        ("/kaart/kaart.png", reverse("motions:map_image")),
        ("/voorbeeldmotie/", reverse("motions:model_motion")),
        (
            "/voorbeeldmotie/<slug>/download/ (.docx)",
            reverse("motions:model_motion_download", args=[example.slug])
            + f"?formaat=docx&gemeente={slug}",
        ),
        ("/melden/", reverse("motions:report")),
    ]
    workspace = [
        ("/werk/ (dashboard)", reverse("workspace:dashboard")),
        ("/werk/contacten/", reverse("workspace:contacts")),
        ("/werk/gemeenten/<slug>/ (log)", reverse("workspace:municipality", args=[slug])),
        ("/werk/moties/nieuw/", reverse("workspace:motion_create")),
        ("/werk/moties/<id>/ (decision)", reverse("workspace:motion_edit", args=[motion.pk])),
        ("/werk/moties/verwijderd/", reverse("workspace:motions_deleted")),
        (
            "/werk/geschiedenis/motion/<id>/",
            reverse("workspace:history", args=["motion", motion.pk]),
        ),
        (
            "/werk/geschiedenis/municipality/<id>/",
            reverse("workspace:history", args=["municipality", motion.municipality_id]),
        ),
        ("/werk/meldingen/", reverse("workspace:reports")),
        ("/werk/meldingen/<id>/", reverse("workspace:report", args=[report.pk])),
        ("/werk/import/", reverse("workspace:import")),
        *(
            (f"/werk/export/{kind}.{fmt}", reverse("workspace:export", args=[kind, fmt]))
            for kind in ("moties", "contacten")
            for fmt in ("csv", "xlsx")
        ),
        ("/werk/gebruikers/", reverse("workspace:users")),
        ("/werk/gebruikers/<id>/", reverse("workspace:user_edit", args=[user.pk])),
        ("/admin/motions/motion/", reverse("admin:motions_motion_changelist")),
        (
            "/admin/municipalities/contactmoment/",
            reverse("admin:municipalities_contactmoment_changelist"),
        ),
    ]
    return [(label, url, True) for label, url in public] + [
        (label, url, False) for label, url in workspace
    ]


def fetch(client: Client, url: str) -> None:
    """One request, read to its last byte (a streamed one too)."""
    response: HttpResponseBase = client.get(url)
    if isinstance(response, StreamingHttpResponse):
        chunks = response.streaming_content
        assert isinstance(chunks, Iterator), "a WSGI app streams synchronously"
        for _chunk in chunks:
            pass
    else:
        assert isinstance(response, HttpResponse) and response.content
    response.close()
    assert response.status_code == 200, (url, response.status_code)


def time_page(client: Client, url: str) -> dict[str, Any]:
    public_data.renew()
    start = time.perf_counter()
    fetch(client, url)  # the first request fills whatever caches do not hang on the version
    first = time.perf_counter() - start
    runs = max(MIN_RUNS, min(RUNS, round(SECONDS_PER_PAGE / max(first, 1e-6))))
    times = []
    for _ in range(runs):
        public_data.renew()
        start = time.perf_counter()
        fetch(client, url)
        times.append(time.perf_counter() - start)
    public_data.renew()
    with CaptureQueriesContext(connection) as queries:
        fetch(client, url)
    public_data.renew()
    return {
        "median": statistics.median(times),
        "p95": statistics.quantiles(times, n=20, method="inclusive")[-1],
        "runs": runs,
        "queries": len(queries),
        "peak": traced_peak(lambda: fetch(client, url)),
    }


def build(factor: int, measured: bool) -> dict[str, Any]:
    imports = import_reference_data(measured)
    start = time.perf_counter()
    counts = grow(factor)
    grow_seconds = time.perf_counter() - start
    # After a bulk load the planner's statistics are stale until autovacuum
    # comes by; a deployment has them, so the benchmark brings them up to date.
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    User.objects.create_superuser("bench", "bench@example.org", os.urandom(16).hex())
    return {"factor": factor, "imports": imports, "counts": counts, "grow_seconds": grow_seconds}


def measure(factor: int) -> dict[str, Any]:
    result = build(factor, measured=factor == 1)
    anonymous, staff = Client(), Client()
    staff.force_login(User.objects.get(username="bench"))
    result["pages"] = []
    for label, url, public in pages():
        print(f"  {factor}x {label}", file=sys.stderr, flush=True)
        timing = time_page(anonymous if public else staff, url)
        result["pages"].append({"page": label, "url": url, "public": public, **timing})
    return result


def first_hits(base_url: str, paths: list[str], tries: int = 3) -> dict[str, float]:
    """Per path, the median of ``tries`` single requests through the server,
    each right after renewing the public data's version in the shared cache and
    waiting out the time the server's processes may trust their copy of it."""
    hits = {}
    for path in paths:
        times = []
        for _ in range(tries):
            public_data.renew()
            time.sleep(settings.PUBLIC_DATA_VERSION_TTL_MS / 1000 + 0.05)
            start = time.perf_counter()
            with urllib.request.urlopen(base_url + path) as response:  # noqa: S310 (our server)
                response.read()
                assert response.status == 200, (path, response.status)
            times.append(time.perf_counter() - start)
        hits[path] = statistics.median(times)
    return hits


def main(argv: list[str]) -> None:
    mode, *args = argv
    if mode == "measure":
        result: object = measure(int(args[0]))
    elif mode == "build":
        result = build(int(args[0]), measured=False)
    elif mode == "first-hits":
        result = first_hits(args[0], args[2:])
    else:
        raise SystemExit(f"unknown mode {mode!r}: measure, build or first-hits")
    with open(args[1], "w") as out:
        json.dump(result, out)


if __name__ == "__main__":
    main(sys.argv[1:])
