"""Import and export of motions and contact moments as CSV and XLSX: the
upload, its preview and apply (``planner.py``), and the export."""

from django.contrib import messages
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.cache import patch_cache_control
from django.utils.translation import gettext as _
from django.views.decorators.http import condition

from kinderpardon import public_data

from ..jobs.models import Job
from ..jobs.running import start
from ..roles import AuthenticatedRequest, requires
from .forms import UploadForm
from .planner import plan_import
from .readers import MAX_ROWS, Upload, max_upload_bytes
from .sheets import SHEETS
from .tasks import apply_upload
from .uploads import load_upload, remember_preview, shown_preview, store_upload
from .writers import CONTENT_TYPES, export_table, stream_csv, write_xlsx

IMPORT_PERMISSION = "motions.import_spreadsheets"
RECENT_JOBS = 5


@requires(IMPORT_PERMISSION)
def upload(request: AuthenticatedRequest) -> HttpResponse:
    form = UploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        token = store_upload(form.cleaned_data["upload"], request.user)
        return redirect("workspace:import_preview", token=token)
    context = {
        "form": form,
        "sheets": SHEETS.values(),
        "max_mb": max_upload_bytes() // (1024 * 1024),
        "max_rows": MAX_ROWS,
        # Imports started earlier, also those whose page was closed while they ran.
        "jobs": Job.objects.filter(started_by=request.user)[:RECENT_JOBS],
    }
    return render(request, "workspace/spreadsheets/import.html", context)


@requires(IMPORT_PERMISSION)
def preview(request: AuthenticatedRequest, token: str) -> HttpResponse:
    stored = load_upload(token, request.user)
    if stored is None:
        messages.error(
            request, _("Deze import is verlopen of onbekend. Upload het bestand opnieuw.")
        )
        return redirect("workspace:import")
    if request.method == "POST":
        return apply_preview(request, token, stored)
    plan = plan_import(stored)
    remember_preview(token, plan)
    return render(
        request, "workspace/spreadsheets/import_preview.html", {"plan": plan, "token": token}
    )


def apply_preview(request: AuthenticatedRequest, token: str, stored: Upload) -> HttpResponse:
    """The preview's form sent: import what it showed, or nothing and say why, in
    the task queue; the job's page shows how far it is, then leads on."""
    shown = request.POST.get("digest", "")
    job = start(
        request.user,
        _("Import van %(file)s") % {"file": stored["filename"]},
        apply_upload,
        stored,
        shown,
        token,
        shown_preview(token, shown),
    )
    return redirect(job)


def export_etag(request: HttpRequest, kind: str, fmt: str) -> str | None:
    """The version of the exported data (one query), so that asking again for an
    unchanged export is answered with 304 before any row is read. The public
    data version joins it: a renamed party carries no version of its own but
    renews that one (and it holds the day)."""
    if kind not in SHEETS or fmt not in CONTENT_TYPES:
        return None
    return f"{kind}-{fmt}-{SHEETS[kind]().data_version()}-{public_data.version()}"


@requires()
@condition(etag_func=export_etag)
def export(request: AuthenticatedRequest, kind: str, fmt: str) -> StreamingHttpResponse:
    """The rows stream from the database to the response: a CSV line by line, a
    workbook through a temporary file; neither holds the whole table in memory."""
    if kind not in SHEETS or fmt not in CONTENT_TYPES:
        raise Http404
    headers, rows = export_table(kind)
    response: StreamingHttpResponse
    if fmt == "csv":
        response = StreamingHttpResponse(stream_csv(headers, rows), content_type=CONTENT_TYPES[fmt])
    else:
        response = FileResponse(write_xlsx(headers, rows), content_type=CONTENT_TYPES[fmt])
    filename = f"motietracker-{kind}-{timezone.localdate():%Y-%m-%d}.{fmt}"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    patch_cache_control(response, private=True, no_cache=True)
    return response
