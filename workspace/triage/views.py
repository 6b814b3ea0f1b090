"""Triage of the reports councils send in through the public form.

A volunteer sees what each new report claims next to what we already have for
its municipality, and gives it one outcome: accepted through the decision form
(which creates or updates the motion, see ``decisions.views.decision_page``),
rejected with a reason, or a duplicate of another report. Triage never deletes
a report. The reporter may be told the outcome by e-mail.
"""

from typing import Any

from django.contrib import messages
from django.db import transaction
from django.db.models import Case, F, QuerySet, Value, When
from django.http import Http404, HttpResponse, HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET, require_POST

from kinderpardon.lists import paginate
from kinderpardon.uploads import download
from motions.models import ActionReport, Council, Motion

from ..outreach.worklists import first_rows
from ..roles import AuthenticatedRequest, requires
from .claims import Claim, claims, with_status
from .emails import can_email, tell_reporter
from .filters import ALL, ReportFilter
from .forms import DuplicateForm, RejectForm
from .outcomes import AlreadyHandled, already_handled, set_outcome

Outcome = ActionReport.Outcome

# The most recently handled first; new reports (not handled) the oldest on top.
HANDLED_ORDER: list[Any] = [F("handled_at").desc(nulls_last=True), "created_at", "pk"]
# All reports: the new ones first.
QUEUE_ORDER: list[Any] = [
    Case(When(outcome=Outcome.NEW, then=Value(0)), default=Value(1)),
    *HANDLED_ORDER,
]


@requires("motions.view_actionreport")
def queue(request: AuthenticatedRequest) -> HttpResponse:
    filterset = ReportFilter(request.GET, queryset=ActionReport.objects.order_by(*QUEUE_ORDER))
    reports = filterset.qs
    if filterset.form.cleaned_data.get("afhandeling", ALL) != ALL:
        # One outcome, the queue's default: the order of the index report_queue.
        reports = reports.order_by(*HANDLED_ORDER)
    listing = paginate(request, reports)
    context = {"filter": filterset, "listing": listing, "claims": claims(list(listing.page))}
    return render(request, "workspace/triage/reports.html", context)


def reports_with_outcome() -> QuerySet[ActionReport]:
    return ActionReport.objects.select_related("handled_by", "duplicate_of", "motion")


@requires("motions.view_actionreport")
def detail(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    return report_page(request, get_object_or_404(reports_with_outcome(), pk=pk))


def report_page(
    request: AuthenticatedRequest,
    report: ActionReport,
    bound: RejectForm | DuplicateForm | None = None,
) -> HttpResponse:
    """The report's page; ``bound``, a form sent with errors, shows them."""
    municipality = with_status(
        Council.objects.with_status(include_contacted=True)
        .select_related("province")
        .get(pk=report.municipality_id)
    )
    report.municipality = municipality
    motions = first_rows(Motion.objects.for_municipality(municipality).newest_first())
    context = {
        "report": report,
        "municipality": municipality,
        "claim": Claim(report, municipality, motions.rows[0] if motions.rows else None),
        "motions": motions,
        "is_new": report.outcome == Outcome.NEW,
        "reject_form": bound if isinstance(bound, RejectForm) else RejectForm(report=report),
        "duplicate_form": (
            bound if isinstance(bound, DuplicateForm) else DuplicateForm(report=report)
        ),
        "can_email": can_email(report),
    }
    return render(request, "workspace/triage/report.html", context)


def handle(
    request: AuthenticatedRequest, pk: int, form_class: type[RejectForm | DuplicateForm]
) -> HttpResponse:
    """The POST of rejecting or marking a duplicate: checked, stored, then e-mailed."""
    report = get_object_or_404(reports_with_outcome(), pk=pk)
    if report.outcome != Outcome.NEW:
        return already_handled(request, report)
    form = form_class(request.POST, report=report)
    if not form.is_valid():
        return report_page(request, report, form)
    try:
        set_outcome(report, request.user, form.outcome, **form.outcome_fields())
    except AlreadyHandled:
        report.refresh_from_db(fields=["outcome"])
        return already_handled(request, report)
    messages.success(request, form.done)
    if form.email_reporter:
        tell_reporter(request, report)
    return redirect("workspace:report", pk=report.pk)


@transaction.non_atomic_requests  # the outcome is committed before the e-mail goes out
@requires("motions.change_actionreport")
@require_POST
def reject(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    return handle(request, pk, RejectForm)


@transaction.non_atomic_requests
@requires("motions.change_actionreport")
@require_POST
def duplicate(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    return handle(request, pk, DuplicateForm)


@requires("motions.view_actionreport")
@require_GET
def document(request: AuthenticatedRequest, pk: int) -> HttpResponseBase:
    """The reporter's document, from private storage, as a download."""
    report = get_object_or_404(ActionReport, pk=pk)
    if not report.document or report.personal_data_erased_at:
        raise Http404
    return download(report.document, f"melding-{report.pk}", private=True)
