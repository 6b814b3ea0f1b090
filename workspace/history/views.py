"""The history of a record, reverting it to an earlier version, and the
deleted motions with their restore."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.formats import date_format
from django.utils.timezone import localtime
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from motions.models import Motion

from ..roles import AuthenticatedRequest, requires
from .engine import record_history
from .records import HISTORY_MODELS, Shown, deleted_motions
from .restore import not_all_back, not_restored_message, restore_motion, revert_to


def history_model(name: str) -> Shown:
    try:
        return HISTORY_MODELS[name]
    except KeyError:
        raise Http404 from None


@requires()
def history(request: AuthenticatedRequest, model: str, pk: int) -> HttpResponse:
    page = record_history(history_model(model), pk, model)
    # The page's fields are the template's names (model_name, title, entries, ...).
    return render(request, "workspace/history/history.html", vars(page))


@requires("motions.revert_history")
@require_POST
def revert(request: AuthenticatedRequest, model: str, pk: int, history_id: int) -> HttpResponse:
    model_class = history_model(model)
    record = get_object_or_404(model_class.history.all(), id=pk, history_id=history_id)
    if record.history_type == "-":
        messages.error(request, _("Een verwijdering kunt u niet terugzetten; herstel het record."))
        return redirect("workspace:history", model=model, pk=pk)
    when = date_format(localtime(record.history_date), "j F Y H:i")
    try:
        skipped = revert_to(
            model_class, record, _("Teruggezet naar versie van %(when)s") % {"when": when}
        )
    except ValidationError as error:
        messages.error(request, not_restored_message(error))
    else:
        messages.success(request, _("Teruggezet naar de versie van %(when)s.") % {"when": when})
        if skipped:
            messages.warning(request, not_all_back(skipped))
    return redirect("workspace:history", model=model, pk=pk)


@requires("motions.delete_motion")
def deleted(request: AuthenticatedRequest) -> HttpResponse:
    return render(request, "workspace/history/motions_deleted.html", {"records": deleted_motions()})


@requires("motions.delete_motion")
@require_POST
def restore(request: AuthenticatedRequest, history_id: int) -> HttpResponse:
    record = get_object_or_404(Motion.history.filter(history_type="-"), history_id=history_id)
    if Motion.objects.filter(pk=record.id).exists():
        messages.info(request, _("Deze motie bestaat al weer."))
        return redirect("workspace:motion_edit", pk=record.id)
    try:
        motion, skipped = restore_motion(record, _("Hersteld na verwijdering"))
    except ValidationError as error:
        messages.error(request, not_restored_message(error))
        return redirect("workspace:motions_deleted")
    messages.success(request, _("Motie '%(title)s' hersteld.") % {"title": motion.title})
    if skipped:
        messages.warning(request, not_all_back(skipped))
    return redirect("workspace:motion_edit", pk=motion.pk)
