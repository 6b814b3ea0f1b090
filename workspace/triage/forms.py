"""Handling a report: rejecting it, marking it a duplicate, or accepting it
through the decision form; each with the choice to e-mail its reporter."""

from typing import Any, cast

from django import forms
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from motions.models import ActionReport

from .emails import can_email

Outcome = ActionReport.Outcome


def report_label(report: ActionReport) -> str:
    """A report in a select: when it came in, what it says, and its outcome."""
    return _("%(received)s: %(action)s%(when)s (%(outcome)s)") % {
        "received": date_format(timezone.localtime(report.created_at), "j F Y"),
        "action": report.get_action_display(),
        "when": f", {report.happened_display}" if report.happened_on else "",
        "outcome": report.get_outcome_display(),
    }


class OutcomeForm(forms.Form):
    """Handling a report, with the choice to e-mail its reporter: on by default,
    and only offered when the reporter's address is there."""

    notify = forms.BooleanField(label=gettext_lazy("Stuur de melder een e-mail"), required=False)

    def __init__(self, *args: Any, report: ActionReport, **kwargs: Any) -> None:
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

    def __init__(self, *args: Any, report: ActionReport, **kwargs: Any) -> None:
        super().__init__(*args, report=report, initial={"melding": report.pk}, **kwargs)


class RejectForm(OutcomeForm):
    prefix = "afwijzen"
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

    def outcome_fields(self) -> dict[str, Any]:
        return {"outcome_reason": self.cleaned_data["reason"]}


# A duplicate's original came in shortly before it: the form offers the newest
# other reports of the municipality, so the page stays as fast however many it has.
DUPLICATE_CHOICES = 10


class DuplicateForm(OutcomeForm):
    """The original is chosen among the newest other reports of the same
    municipality (read once, for the select and for the page's list of them)."""

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
    outcome = Outcome.DUPLICATE
    done = gettext_lazy("Melding gemarkeerd als dubbel. Ze blijft bewaard.")

    def __init__(self, *args: Any, report: ActionReport, **kwargs: Any) -> None:
        super().__init__(*args, report=report, **kwargs)
        newest = (
            ActionReport.objects.filter(municipality_id=report.municipality_id)
            .exclude(pk=report.pk)
            .select_related("motion")
            .order_by("-created_at", "-pk")[:DUPLICATE_CHOICES]
        )
        self.others = sorted(newest, key=lambda other: (other.created_at, other.pk))
        cast(forms.ChoiceField, self.fields["original"]).choices = [
            ("", _("— kies een melding —")),
            *((other.pk, report_label(other)) for other in self.others),
        ]

    def clean_original(self) -> ActionReport:
        chosen = self.cleaned_data["original"]
        return next(other for other in self.others if other.pk == chosen)

    def outcome_fields(self) -> dict[str, Any]:
        return {"duplicate_of": self.cleaned_data["original"]}
