"""Import and export of motions and contact moments as CSV and XLSX: the
upload, its preview and apply (``planner.py``), and the export."""

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from ..roles import AuthenticatedRequest, requires
from .forms import UploadForm
from .planner import apply_import, changed_since, plan_import
from .readers import MAX_ROWS, Upload, max_upload_bytes
from .sheets import SHEETS
from .uploads import forget_upload, load_upload, remember_preview, shown_preview, store_upload
from .writers import WRITERS, export_table

IMPORT_PERMISSION = "motions.import_spreadsheets"


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
    """The preview's form sent: import what it showed, or nothing and say why."""
    shown = request.POST.get("digest", "")
    plan = apply_import(stored, shown)
    if plan.digest != shown:
        messages.error(request, changed_since(plan, shown_preview(token, shown)))
        return redirect("workspace:import_preview", token=token)
    if plan.refused:
        messages.error(request, _("Er is niets geïmporteerd: er zijn geweigerde regels."))
        return redirect("workspace:import_preview", token=token)
    forget_upload(token)
    messages.success(
        request,
        _(
            "%(file)s geïmporteerd: %(create)s nieuw, %(update)s bijgewerkt, "
            "%(unchanged)s ongewijzigd."
        )
        % {"file": plan.filename, **plan.counts},
    )
    return redirect("workspace:import")


@requires()
def export(request: AuthenticatedRequest, kind: str, fmt: str) -> HttpResponse:
    if kind not in SHEETS or fmt not in WRITERS:
        raise Http404
    write, content_type = WRITERS[fmt]
    response = HttpResponse(write(*export_table(kind)), content_type=content_type)
    filename = f"motietracker-{kind}-{timezone.localdate():%Y-%m-%d}.{fmt}"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
