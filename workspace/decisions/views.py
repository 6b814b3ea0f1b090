"""Logging a council's decision outside the admin: one page creates or updates
a motion with its sponsors, each faction's vote and its timeline, saved
together or not at all; opened from a report (``?melding=<pk>``), saving it
accepts that report. And deleting a motion (bringing it back is history's)."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from motions.models import ActionReport, Motion
from municipalities.forms import municipality_names
from municipalities.models import Municipality
from municipalities.resolver import resolve

from ..roles import AuthenticatedRequest, requires
from ..triage.claims import prefill, report_summary
from ..triage.forms import AcceptForm
from ..triage.outcomes import AlreadyHandled, accepted, already_handled, report_to_accept
from .page import DecisionForms, Section, save_decision


def municipality_from_query(request: AuthenticatedRequest) -> tuple[Municipality | None, str]:
    """``?gemeente=``: a slug, name, alias, CBS code or former name, and the
    resolver's message when it names none or several."""
    text = request.GET.get("gemeente", "")
    try:
        return (resolve(text).named if text.strip() else None), ""
    except ValidationError as error:
        return None, " ".join(error.messages)


@transaction.non_atomic_requests  # an accepted report is committed before its e-mail goes out
@requires("motions.add_motion")
def create(request: AuthenticatedRequest) -> HttpResponse:
    """``motion_create``. With ``?melding=<pk>`` the form starts from what that
    report claims, and saving it marks the report accepted (``workspace.triage``)."""
    report = report_to_accept(request)
    municipality, not_understood = municipality_from_query(request)
    if municipality is None and report is not None:
        municipality = report.municipality
    national = request.GET.get("niveau") == Motion.Level.NATIONAL
    if municipality is None and not national and request.method != "POST":
        # Choosing the council first lets its factions fill the selects, without a script.
        return render(
            request,
            "workspace/decisions/motion_form.html",
            {
                "choose_municipality": True,
                "typed": request.GET.get("gemeente", ""),
                "not_understood": not_understood,
                "municipality_names": municipality_names(),
            },
        )
    motion = Motion(level=Motion.Level.NATIONAL if national else Motion.Level.MUNICIPAL)
    return decision_page(request, motion, municipality, report)


@transaction.non_atomic_requests
@requires("motions.change_motion")
def update(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    """``motion_edit``: the same page as ``create``, for a motion that exists."""
    motion = get_object_or_404(Motion.objects.select_related("municipality"), pk=pk)
    return decision_page(request, motion, motion.municipality, report_to_accept(request))


def decision_page(
    request: AuthenticatedRequest,
    motion: Motion,
    municipality: Municipality | None,
    report: ActionReport | None = None,
) -> HttpResponse:
    if request.method != "POST":
        if report is not None:
            prefill(motion, report)
        decision = DecisionForms(request, motion, municipality)
        accept_form = AcceptForm(report=report) if report else None
        return render_decision(request, decision, accept_form, report)
    creating = motion.pk is None
    try:
        decision, accept_form, saved = save_decision(request, motion, municipality, report)
    except AlreadyHandled:
        assert report is not None  # only a report is handled
        report.refresh_from_db(fields=["outcome"])
        return already_handled(request, report)
    if saved:
        message = (
            _("Motie '%(title)s' vastgelegd.") if creating else _("Motie '%(title)s' opgeslagen.")
        )
        messages.success(request, message % {"title": decision.motion.title})
        if accept_form is not None and report is not None:
            accepted(request, report, accept_form)
        return redirect("workspace:motion_edit", pk=decision.motion.pk)
    if not decision.form.is_stale:
        messages.error(request, _("Er is niets opgeslagen. Verbeter wat hieronder rood staat."))
    return render_decision(request, decision, accept_form, report)


def render_decision(
    request: AuthenticatedRequest,
    decision: DecisionForms,
    accept_form: AcceptForm | None,
    report: ActionReport | None,
) -> HttpResponse:
    sections = decision.sections()
    if accept_form is not None and report is not None:
        fields = [accept_form[name] for name in accept_form.fields]
        sections.insert(0, Section(_("Melding"), fields, help=report_summary(report)))
    motion = decision.motion
    return render(
        request,
        "workspace/decisions/motion_form.html",
        {
            "motion": motion,
            "decision": decision,
            "sections": sections,
            "municipality_names": municipality_names(),
            "public_url": motion.get_absolute_url()
            if motion.pk and motion.status != Motion.Status.DRAFT
            else "",
        },
    )


@requires("motions.delete_motion")
def delete(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    motion = get_object_or_404(Motion.objects.select_related("municipality"), pk=pk)
    if request.method == "POST":
        with transaction.atomic():
            motion.delete()
        messages.success(
            request,
            _("Motie '%(title)s' verwijderd. U kunt haar hieronder weer herstellen.")
            % {"title": motion.title},
        )
        return redirect("workspace:motions_deleted")
    counts = Motion.objects.filter(pk=pk).aggregate(
        sponsors=Count("sponsorships", distinct=True),
        votes=Count("faction_votes", distinct=True),
        events=Count("events", distinct=True),
    )
    return render(request, "workspace/decisions/motion_delete.html", {"motion": motion, **counts})
