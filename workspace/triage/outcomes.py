"""Giving a report its outcome: accepted through the decision form, rejected
or a duplicate. The outcome is set by one conditional UPDATE, so that of two
volunteers handling the same report at once only the first one counts."""

from typing import Any

from django.contrib import messages
from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.utils import timezone
from django.utils.translation import gettext as _

from motions.models import ActionReport, Motion

from ..roles import AuthenticatedRequest
from .emails import tell_reporter
from .forms import AcceptForm

Outcome = ActionReport.Outcome


class AlreadyHandled(Exception):
    """The report got an outcome in the meantime."""


def set_outcome(report: ActionReport, user: User, outcome: str, **fields: Any) -> None:
    """Give a new report its outcome, or raise AlreadyHandled if it has one."""
    values = {"outcome": outcome, "handled_by": user, "handled_at": timezone.now(), **fields}
    if not ActionReport.objects.filter(pk=report.pk, outcome=Outcome.NEW).update(**values):
        raise AlreadyHandled
    for name, value in values.items():
        setattr(report, name, value)


def accept(report: ActionReport, motion: Motion, user: User) -> None:
    """Link the report to the motion saved from it. Called inside the decision
    form's transaction: AlreadyHandled there undoes the motion's save too."""
    set_outcome(report, user, Outcome.ACCEPTED, motion=motion)


def accepted(request: AuthenticatedRequest, report: ActionReport, form: AcceptForm) -> None:
    """After the decision form saved the motion of a report and committed."""
    messages.success(request, _("De melding is verwerkt en aan deze motie gekoppeld."))
    if form.email_reporter:
        tell_reporter(request, report)


def already_handled(request: AuthenticatedRequest, report: ActionReport) -> HttpResponse:
    messages.error(
        request,
        _("Deze melding is al afgehandeld (%(outcome)s); er is niets veranderd.")
        % {"outcome": report.get_outcome_display()},
    )
    return redirect("workspace:report", pk=report.pk)


def report_to_accept(request: AuthenticatedRequest) -> ActionReport | None:
    """The report a decision form was opened from: ``?melding=`` on the way in,
    the hidden field on the way back. A report handled already is left alone."""
    source = request.POST if request.method == "POST" else request.GET
    value = source.get("melding", "")
    if not value:
        return None
    if not request.user.has_perm("motions.change_actionreport"):
        raise PermissionDenied
    if not value.isdigit():
        raise Http404
    report = get_object_or_404(ActionReport.objects.select_related("municipality"), pk=value)
    if report.outcome != Outcome.NEW and request.method != "POST":
        messages.warning(
            request,
            _("Deze melding is al afgehandeld (%(outcome)s); de motie wordt er niet aan gekoppeld.")
            % {"outcome": report.get_outcome_display()},
        )
        return None
    return report
