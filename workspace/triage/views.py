"""Triage of the reports councils send in through the public form.

A volunteer sees what each new report claims next to what we already have for
its municipality, and gives it one outcome: accepted through the decision form
(which creates or updates the motion, see ``decisions.decision_page``),
rejected with a reason, or a duplicate of another report. Triage never deletes
a report. The outcome is set by one conditional UPDATE, so that of two
volunteers handling the same report at once only the first one counts.

The reporter may be told the outcome by e-mail. It is sent after the outcome
is stored: a mail server that is down costs a warning, never the outcome.
"""

import logging
from dataclasses import dataclass

import django_filters
from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.core.mail import EmailMessage, get_connection
from django.db import transaction
from django.db.models import Case, F, OuterRef, Subquery, Value, When
from django.http import Http404, QueryDict
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from kinderpardon.lists import paginate
from kinderpardon.uploads import download
from motions.facts import MUNICIPAL_MOTION_TITLE
from motions.models import ActionReport, Council, Motion, MunicipalityStatus
from municipalities.models import Municipality

from ..roles import requires

logger = logging.getLogger(__name__)

Action = ActionReport.Action
Outcome = ActionReport.Outcome

# --- what a report claims, as a motion ---------------------------------------------

MOTION_STATUS = {
    Action.SUBMITTED: Motion.Status.SUBMITTED,
    Action.ADOPTED: Motion.Status.ADOPTED,
    Action.REJECTED: Motion.Status.REJECTED,
    Action.WITHDRAWN: Motion.Status.WITHDRAWN,
    Action.HELD: Motion.Status.HELD,
}
# A report's date is the day of the vote (or of withdrawing) for these actions,
# and the day the motion was submitted for the others.
ENDS_THE_MOTION = {Action.ADOPTED, Action.REJECTED, Action.WITHDRAWN}


def claimed_status(report: ActionReport) -> MunicipalityStatus | None:
    """What the report would make of its municipality's status; None for another action."""
    status = MOTION_STATUS.get(report.action)
    return Motion.MUNICIPALITY_STATUS[status] if status else None


def prefill(motion: Motion, report: ActionReport) -> None:
    """Put what a report claims on a motion shown in the decision form (not saved):
    status, date at the report's precision and link. A new motion also gets the
    municipality, the campaign's usual title and a summary naming where it came
    from; of the reporter only their role, never their name or message."""
    if motion.pk is None:
        motion.municipality = report.municipality
        motion.title = MUNICIPAL_MOTION_TITLE
        motion.summary = (
            _("Gemeld via het meldformulier.")
            if report.reporter_role == ActionReport.Role.OTHER
            else _("Gemeld door een %(role)s via het meldformulier.")
            % {"role": report.get_reporter_role_display()}
        )
    status = MOTION_STATUS.get(report.action)
    if status is None:
        return
    motion.status = status
    if report.happened_on:
        date = "decided" if report.action in ENDS_THE_MOTION else "submitted"
        setattr(motion, f"{date}_on", report.happened_on)
        setattr(motion, f"{date}_precision", report.happened_precision)
    if report.link:
        motion.source_url = report.link


@dataclass
class Claim:
    """A report next to what we have for its municipality."""

    report: ActionReport
    municipality: Municipality  # annotated by with_status(include_contacted=True)
    latest_motion: Motion | None

    @property
    def claimed_status(self) -> MunicipalityStatus | None:
        return claimed_status(self.report)

    @property
    def changes_status(self) -> bool:
        """Whether accepting it would move the municipality up on the map."""
        claimed = self.claimed_status
        return claimed is not None and MunicipalityStatus.rank(claimed) > (
            self.municipality.status_rank
        )


def claims(reports: list[ActionReport]) -> list[Claim]:
    """Each report with its municipality's current status and latest motion
    (drafts included: volunteers see them): two queries for any number of reports."""
    latest = Motion.objects.filter(municipality=OuterRef("pk")).newest_first().values("pk")[:1]
    municipalities = (
        Council.objects.with_status(include_contacted=True)
        .annotate(latest_motion_pk=Subquery(latest))
        .select_related("province")
        .in_bulk({report.municipality_id for report in reports})
    )
    motions = Motion.objects.in_bulk(
        {m.latest_motion_pk for m in municipalities.values() if m.latest_motion_pk}
    )
    return [
        Claim(
            report,
            municipalities[report.municipality_id],
            motions.get(municipalities[report.municipality_id].latest_motion_pk),
        )
        for report in reports
    ]


def report_label(report: ActionReport) -> str:
    """A report in a select: when it came in, what it says, and its outcome."""
    return _("%(received)s: %(action)s%(when)s (%(outcome)s)") % {
        "received": date_format(timezone.localtime(report.created_at), "j F Y"),
        "action": report.get_action_display(),
        "when": f", {report.happened_display}" if report.happened_on else "",
        "outcome": report.get_outcome_display(),
    }


def report_summary(report: ActionReport) -> str:
    """What the decision form says about the report it was opened from (plain text)."""
    parts = [
        _("Melding van %(when)s: %(action)s in %(municipality)s%(date)s.")
        % {
            "when": date_format(timezone.localtime(report.created_at), "j F Y"),
            "action": report.get_action_display(),
            "municipality": report.municipality.name,
            "date": f", {report.happened_display}" if report.happened_on else "",
        }
    ]
    if report.factions:
        parts.append(
            _("Fracties volgens de melder: %(factions)s (kies ze bij Indieners).")
            % {"factions": report.factions}
        )
    if report.action not in MOTION_STATUS:
        parts.append(_("Geen motie gemeld: kies zelf de status en de datum."))
    parts.append(_("Opslaan zet de melding op verwerkt en koppelt haar aan deze motie."))
    return " ".join(parts)


# --- giving a report its outcome ------------------------------------------------


class AlreadyHandled(Exception):
    """The report got an outcome in the meantime."""


def set_outcome(report: ActionReport, user, outcome: str, **fields) -> None:
    """Give a new report its outcome, or raise AlreadyHandled if it has one."""
    values = {"outcome": outcome, "handled_by": user, "handled_at": timezone.now(), **fields}
    if not ActionReport.objects.filter(pk=report.pk, outcome=Outcome.NEW).update(**values):
        raise AlreadyHandled
    for name, value in values.items():
        setattr(report, name, value)


def accept(report: ActionReport, motion: Motion, user) -> None:
    """Link the report to the motion saved from it. Called inside the decision
    form's transaction: AlreadyHandled there undoes the motion's save too."""
    set_outcome(report, user, Outcome.ACCEPTED, motion=motion)


def accepted(request, report: ActionReport, form: "AcceptForm") -> None:
    """After the decision form saved the motion of a report and committed."""
    messages.success(request, _("De melding is verwerkt en aan deze motie gekoppeld."))
    if form.email_reporter:
        tell_reporter(request, report)


def already_handled(request, report: ActionReport):
    messages.error(
        request,
        _("Deze melding is al afgehandeld (%(outcome)s); er is niets veranderd.")
        % {"outcome": report.get_outcome_display()},
    )
    return redirect("workspace:report", pk=report.pk)


# --- telling the reporter -------------------------------------------------------------


def email_message(name: str, context: dict, to: str) -> EmailMessage:
    """The e-mail ``workspace/emails/<name>.txt`` with its one-line subject."""
    subject = render_to_string(f"workspace/emails/{name}_subject.txt", context)
    body = render_to_string(f"workspace/emails/{name}.txt", context)
    return EmailMessage(" ".join(subject.split()), body, to=[to])


def volunteer_addresses() -> list[str]:
    """REPORT_NOTIFY_EMAILS, or every active account that may triage reports."""
    if settings.REPORT_NOTIFY_EMAILS:
        return list(settings.REPORT_NOTIFY_EMAILS)
    users = get_user_model().objects.with_perm("motions.change_actionreport", is_active=True)
    return sorted(set(users.exclude(email="").values_list("email", flat=True)))


def notify_volunteers(sender, report: ActionReport, request, **kwargs) -> None:
    """A receiver of ``motions.signals.report_received``: one message per
    volunteer, so that nobody sees the others' addresses, in Dutch (the
    workspace's language, whatever language the reporter used), with a link to
    the report's page. A failure is logged, never raised: the report is stored."""
    try:
        report_url = request.build_absolute_uri(reverse("workspace:report", args=[report.pk]))
        context = {"report": report, "report_url": report_url}
        with translation.override("nl"):
            messages = [
                email_message("report_notification", context, to) for to in volunteer_addresses()
            ]
        if messages:
            get_connection().send_messages(messages)
    except Exception:  # SMTP, network or template
        logger.exception("Volunteers could not be notified of report %s", report.pk)


def can_email(report: ActionReport) -> bool:
    return bool(report.reporter_email) and report.personal_data_erased_at is None


def public_url(request, motion: Motion | None) -> str:
    """The absolute address of a motion's public page; empty for none or a draft."""
    if motion is None or motion.status == Motion.Status.DRAFT:
        return ""
    return request.build_absolute_uri(motion.get_absolute_url())


def tell_reporter(request, report: ActionReport) -> None:
    """E-mail the reporter the outcome, in Dutch, once it is stored. A failure is
    logged and shown as a warning; the outcome stays."""
    if not can_email(report):
        return
    motion = report.duplicate_of.motion if report.duplicate_of_id else report.motion
    try:
        with translation.override(settings.LANGUAGE_CODE):
            context = {"report": report, "motion_url": public_url(request, motion)}
            message = email_message(f"report_{report.outcome}", context, report.reporter_email)
        message.send()
    except Exception:  # SMTP, network or template: the outcome is stored all the same
        logger.exception("Outcome e-mail for report %s could not be sent", report.pk)
        messages.warning(
            request,
            _(
                "De afhandeling is opgeslagen, maar de e-mail aan de melder kon niet worden "
                "verstuurd. Mail %(email)s zelf als u wilt."
            )
            % {"email": report.reporter_email},
        )
    else:
        messages.info(
            request,
            _("De melder kreeg een e-mail op %(email)s.") % {"email": report.reporter_email},
        )


# --- forms ---------------------------------------------------------------------------


class OutcomeForm(forms.Form):
    """Handling a report, with the choice to e-mail its reporter: on by default,
    and only offered when the reporter's address is there."""

    notify = forms.BooleanField(label=gettext_lazy("Stuur de melder een e-mail"), required=False)

    def __init__(self, *args, report: ActionReport, **kwargs):
        super().__init__(*args, **kwargs)
        self.report = report
        if can_email(report):
            self.fields["notify"].initial = True
        else:
            del self.fields["notify"]

    @property
    def email_reporter(self) -> bool:
        return bool(self.cleaned_data.get("notify"))


class AcceptForm(OutcomeForm):
    """On the decision form opened from a report: which one, carried in a hidden field."""

    melding = forms.IntegerField(widget=forms.HiddenInput, label="")
    wide_fields = {"notify"}

    def __init__(self, *args, report: ActionReport, **kwargs):
        super().__init__(*args, report=report, initial={"melding": report.pk}, **kwargs)


class RejectForm(OutcomeForm):
    prefix = "afwijzen"
    context_name = "reject_form"
    outcome = Outcome.REJECTED
    done = gettext_lazy("Melding afgewezen. Ze blijft bewaard.")
    reason = forms.CharField(
        label=gettext_lazy("Reden"),
        help_text=gettext_lazy("Bijvoorbeeld: geen motie over gewortelde kinderen."),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": gettext_lazy("Geef een reden om de melding af te wijzen.")},
    )
    field_order = ["reason", "notify"]

    def outcome_fields(self) -> dict:
        return {"outcome_reason": self.cleaned_data["reason"]}


class DuplicateForm(OutcomeForm):
    """The original is chosen among the other reports of the same municipality
    (read once, for the select and for the page's list of them)."""

    original = forms.TypedChoiceField(
        label=gettext_lazy("Dubbel van"),
        coerce=int,
        error_messages={
            "required": gettext_lazy("Kies de melding waarvan dit een dubbel is."),
            "invalid_choice": gettext_lazy("Kies een melding over dezelfde gemeente."),
        },
    )
    field_order = ["original", "notify"]
    prefix = "dubbel"
    context_name = "duplicate_form"
    outcome = Outcome.DUPLICATE
    done = gettext_lazy("Melding gemarkeerd als dubbel. Ze blijft bewaard.")

    def __init__(self, *args, report: ActionReport, **kwargs):
        super().__init__(*args, report=report, **kwargs)
        self.others = list(
            ActionReport.objects.filter(municipality_id=report.municipality_id)
            .exclude(pk=report.pk)
            .select_related("motion")
            .order_by("created_at", "pk")
        )
        self.fields["original"].choices = [
            ("", _("— kies een melding —")),
            *((other.pk, report_label(other)) for other in self.others),
        ]

    def clean_original(self) -> ActionReport:
        chosen = self.cleaned_data["original"]
        return next(other for other in self.others if other.pk == chosen)

    def outcome_fields(self) -> dict:
        return {"duplicate_of": self.cleaned_data["original"]}


ALL = "alle"


class ReportFilter(django_filters.FilterSet):
    """The queue shows new reports unless another outcome, or all, is chosen.
    (Here rather than in filters.py: it belongs to this page alone.)"""

    afhandeling = django_filters.ChoiceFilter(
        label=gettext_lazy("Toon"),
        choices=[*Outcome.choices, (ALL, gettext_lazy("alle meldingen"))],
        empty_label=None,
        method="by_outcome",
    )

    def __init__(self, data=None, *args, **kwargs):
        data = (data or QueryDict()).copy()
        data.setdefault("afhandeling", Outcome.NEW)
        super().__init__(data, *args, **kwargs)

    def by_outcome(self, queryset, name, value):
        return queryset if value == ALL else queryset.filter(outcome=value)


# --- views -----------------------------------------------------------------------------

# New reports first, the oldest of them on top; then the most recently handled.
QUEUE_ORDER = [
    Case(When(outcome=Outcome.NEW, then=Value(0)), default=Value(1)),
    F("handled_at").desc(nulls_last=True),
    "created_at",
    "pk",
]


@requires("motions.view_actionreport")
def queue(request):
    filterset = ReportFilter(request.GET, queryset=ActionReport.objects.order_by(*QUEUE_ORDER))
    listing = paginate(request, filterset.qs)
    context = {"filter": filterset, "listing": listing, "claims": claims(list(listing.page))}
    return render(request, "workspace/reports.html", context)


def reports_with_outcome():
    return ActionReport.objects.select_related("handled_by", "duplicate_of", "motion")


@requires("motions.view_actionreport")
def detail(request, pk: int):
    return report_page(request, get_object_or_404(reports_with_outcome(), pk=pk))


def report_page(request, report: ActionReport, **bound_forms):
    municipality = (
        Council.objects.with_status(include_contacted=True)
        .select_related("province")
        .get(pk=report.municipality_id)
    )
    report.municipality = municipality
    motions = list(Motion.objects.for_municipality(municipality).newest_first())
    context = {
        "report": report,
        "municipality": municipality,
        "claim": Claim(report, municipality, motions[0] if motions else None),
        "motions": motions,
        "is_new": report.outcome == Outcome.NEW,
        "reject_form": bound_forms.get("reject_form") or RejectForm(report=report),
        "duplicate_form": bound_forms.get("duplicate_form") or DuplicateForm(report=report),
        "can_email": can_email(report),
    }
    return render(request, "workspace/report.html", context)


def handle(request, pk: int, form_class: type[RejectForm | DuplicateForm]):
    """The POST of rejecting or marking a duplicate: checked, stored, then e-mailed."""
    report = get_object_or_404(reports_with_outcome(), pk=pk)
    if report.outcome != Outcome.NEW:
        return already_handled(request, report)
    form = form_class(request.POST, report=report)
    if not form.is_valid():
        return report_page(request, report, **{form_class.context_name: form})
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
def reject(request, pk: int):
    return handle(request, pk, RejectForm)


@transaction.non_atomic_requests
@requires("motions.change_actionreport")
@require_POST
def duplicate(request, pk: int):
    return handle(request, pk, DuplicateForm)


@requires("motions.view_actionreport")
@require_GET
def document(request, pk: int):
    """The reporter's document, from private storage, as a download."""
    report = get_object_or_404(ActionReport, pk=pk)
    if not report.document or report.personal_data_erased_at:
        raise Http404
    return download(report.document, f"melding-{report.pk}", private=True)


def report_to_accept(request) -> ActionReport | None:
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
