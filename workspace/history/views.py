"""The history of a record, reverting it to an earlier version, and the
deleted motions with their restore."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import models
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.formats import date_format
from django.utils.timezone import localtime
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from motions.models import ModelMotion, Motion, MotionEvent
from municipalities.models import ContactMoment, Faction, Municipality

from ..roles import AuthenticatedRequest, requires
from .engine import record_entries
from .records import latest_per_object
from .restore import not_all_back, not_restored_message, restore_motion, revert_to

Shown = (
    type[Motion]
    | type[Municipality]
    | type[Faction]
    | type[ContactMoment]
    | type[MotionEvent]
    | type[ModelMotion]
)
# The models whose history the workspace shows, by the name in the URL.
HISTORY_MODELS: dict[str, Shown] = {
    "motion": Motion,
    "municipality": Municipality,
    "faction": Faction,
    "contactmoment": ContactMoment,
    "motionevent": MotionEvent,
    "modelmotion": ModelMotion,
}


def history_model(name: str) -> Shown:
    try:
        return HISTORY_MODELS[name]
    except KeyError:
        raise Http404 from None


@requires()
def history(request: AuthenticatedRequest, model: str, pk: int) -> HttpResponse:
    model_class = history_model(model)
    records = list(
        model_class.history.filter(id=pk)
        .select_related("history_user")
        .order_by("history_date", "history_id")
    )
    exists = not records or records[-1].history_type != "-"
    # A record from before its model kept history has none: "nog geen wijzigingen".
    current = records[-1].instance if records else get_object_or_404(model_class, pk=pk)
    return render(
        request,
        "workspace/history/history.html",
        {
            "model_name": model,
            "verbose_name": model_class._meta.verbose_name,
            "title": str(current),
            "entries": record_entries(model_class, pk, records, model) if records else [],
            "object_url": object_url(current) if exists else "",
            "deleted": not exists,
        },
    )


def object_url(instance: models.Model) -> str:
    if isinstance(instance, Motion):
        return reverse("workspace:motion_edit", args=[instance.pk])
    if hasattr(instance, "get_absolute_url"):
        return instance.get_absolute_url()
    return ""


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
    records = (
        Motion.history.filter(history_type="-")
        .exclude(id__in=Motion.objects.values("pk"))
        .select_related("history_user", "municipality")
        .order_by("-history_date", "-history_id")
    )
    return render(
        request, "workspace/history/motions_deleted.html", {"records": latest_per_object(records)}
    )


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
