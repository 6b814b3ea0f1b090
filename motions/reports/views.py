"""Councils report back: the public form for council members and griffiers.

A report is stored first, in its own committed transaction; only then are the
confirmation and the volunteers' notification sent, so a failing mail server
never loses a report. Abuse is kept out by Django's CSRF check, a honeypot
field, a rate limit per address and per e-mail address in the shared cache,
length limits on every field and a check of each document by its content.
"""

import datetime
import logging

from django import forms
from django.conf import settings
from django.contrib import messages
from django.core.mail import EmailMessage
from django.db import transaction
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_http_methods

from kinderpardon import ratelimit
from kinderpardon.dates import PartialDateField
from kinderpardon.uploads import shorten_document_name, validate_document
from motions.models import ActionReport
from motions.signals import report_received
from municipalities.forms import MunicipalityNameField, municipality_names

logger = logging.getLogger(__name__)

HONEYPOT = "website"
SESSION_KEY = "report_id"

# --- the form ---------------------------------------------------------------------


class ReportForm(forms.ModelForm):
    reporter_role = forms.ChoiceField(
        label=_("Uw rol"), choices=ActionReport.Role.choices, widget=forms.RadioSelect
    )
    municipality = MunicipalityNameField(
        label=_("Gemeente"),
        help_text=_("Typ de naam van uw gemeente, bijvoorbeeld Den Haag of Súdwest-Fryslân."),
    )
    action = forms.ChoiceField(
        label=_("Wat is er gebeurd?"), choices=ActionReport.Action.choices, widget=forms.RadioSelect
    )
    happened = PartialDateField(
        allow_future=False,
        label=_("Wanneer?"),
        help_text=_("Een datum (15-04-2025) of alleen de maand (04-2025 of april 2025)."),
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )
    link = forms.URLField(
        label=_("Link naar het raadsinformatiesysteem (niet verplicht)"),
        help_text=_("De pagina waar de motie of het besluit van uw raad staat."),
        max_length=500,
        required=False,
        assume_scheme="https",
        widget=forms.URLInput(attrs={"inputmode": "url"}),
    )
    consent = forms.BooleanField(
        error_messages={"required": _("Zonder uw toestemming kunnen we uw melding niet bewaren.")},
    )
    website = forms.CharField(  # the honeypot: people never see it, simple robots fill it in
        label=_("Laat dit veld leeg"),
        required=False,
        max_length=200,
        widget=forms.TextInput(attrs={"tabindex": "-1", "autocomplete": "off"}),
    )

    class Meta:
        model = ActionReport
        fields = [
            "reporter_name",
            "reporter_role",
            "reporter_email",
            "municipality",
            "action",
            "factions",
            "link",
            "document",
            "message",
            "consent",
        ]
        labels = {
            "reporter_name": _("Uw naam"),
            "reporter_email": _("Uw e-mailadres"),
            "factions": _("Welke fractie(s)? (niet verplicht)"),
            "document": _("Document (niet verplicht)"),
            "message": _("Toelichting (niet verplicht)"),
        }
        help_texts = {
            "reporter_email": _(
                "Hierheen sturen we een bevestiging. We tonen het nooit op de site."
            ),
            "factions": _("Bijvoorbeeld: ingediend door GroenLinks-PvdA en ChristenUnie."),
            "message": _("Hooguit 5000 tekens."),
        }
        widgets = {
            "reporter_name": forms.TextInput(attrs={"autocomplete": "name"}),
            "reporter_email": forms.EmailInput(attrs={"autocomplete": "email"}),
            "document": forms.FileInput(
                attrs={"accept": ".pdf,.doc,.docx,.odt,application/pdf,application/msword"}
            ),
            "message": forms.Textarea(attrs={"rows": 6}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["reporter_name"].required = True
        self.fields["reporter_email"].required = True
        # Council file names are often long; clean_document shortens them instead of refusing.
        self.fields["document"].max_length = None
        self.fields["document"].help_text = _(
            "De motie of het besluit als PDF- of Word-bestand, hooguit %(mb)s MB. "
            "Alleen vrijwilligers van de campagne zien het."
        ) % {"mb": settings.MAX_UPLOAD_MB}
        self.fields["consent"].label = _(
            "Ik geef toestemming om mijn naam en e-mailadres te bewaren, zodat de campagne "
            "deze melding kan controleren en mij zo nodig kan mailen. Na %(days)s dagen worden "
            "ze gewist, samen met mijn toelichting en document."
        ) % {"days": settings.REPORT_RETENTION_DAYS}

    @property
    def is_trap_filled(self) -> bool:
        """Whether the honeypot was filled in: only robots see that field."""
        return bool(self.data.get(HONEYPOT, "").strip())

    def clean_document(self):
        upload = self.cleaned_data.get("document")
        if not upload:
            return upload
        validate_document(upload)
        shorten_document_name(upload)
        return upload

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("happened"):
            self.instance.happened_on, self.instance.happened_precision = cleaned["happened"]
        return cleaned

    def refuse(self, message: str) -> None:
        """Show only ``message``: the submission was not looked at."""
        self.errors.clear()
        self.add_error(None, message)


# --- what happens to a post ---------------------------------------------------------

RATE_LIMITED = _(
    "U hebt in korte tijd te veel meldingen verstuurd. Uw melding is niet opgeslagen. "
    "Probeer het over een uur opnieuw, of mail ons via kinderpardonnu@gmail.com."
)


def over_rate_limit(request) -> bool:
    """Count this post, valid or not, for the sender's address and for the
    e-mail address it names; True when either went over REPORT_RATE_LIMIT."""
    window = settings.REPORT_RATE_WINDOW
    counts = [ratelimit.hit("report-ip", ratelimit.client_ip(request), window=window)]
    email = request.POST.get("reporter_email", "").strip()
    if email:
        counts.append(ratelimit.hit("report-email", email, window=window))
    return max(counts) > settings.REPORT_RATE_LIMIT


def _message(template: str, context: dict, to: list[str]) -> EmailMessage:
    subject = render_to_string(f"motions/emails/{template}_subject.txt", context)
    body = render_to_string(f"motions/emails/{template}.txt", context)
    return EmailMessage(" ".join(subject.split()), body, to=to)


def send_confirmation(report: ActionReport) -> None:
    context = {"report": report, "retention_days": settings.REPORT_RETENTION_DAYS}
    _message("report_confirmation", context, [report.reporter_email]).send()


def send_report_emails(request, report: ActionReport) -> None:
    """After the report is stored: the reporter's confirmation, and the news to
    whoever listens (the workspace tells its volunteers). A failure is logged,
    never raised: the report is safe and the reporter sees thanks."""
    try:
        send_confirmation(report)
    except Exception:  # SMTP, network or template
        logger.exception("Confirmation e-mail for report %s could not be sent", report.pk)
    report_received.send_robust(sender=ActionReport, report=report, request=request)


# The report is committed before any e-mail goes out, even with ATOMIC_REQUESTS on.
@transaction.non_atomic_requests
@require_http_methods(["GET", "HEAD", "POST"])
def report(request):
    form = ReportForm(request.POST or None, request.FILES or None)
    if request.method == "POST":
        if over_rate_limit(request):
            form.refuse(RATE_LIMITED)
            return form_page(request, form, status=429)
        if form.is_trap_filled:
            logger.info("Report form: honeypot filled in; nothing stored")
            request.session[SESSION_KEY] = None
            return redirect("motions:report_thanks")
        if form.is_valid():
            with transaction.atomic():
                saved = form.save()
            if note := form.fields["municipality"].note:  # a former name led elsewhere
                messages.info(request, note)
            send_report_emails(request, saved)
            request.session[SESSION_KEY] = saved.pk
            return redirect("motions:report_thanks")
    return form_page(request, form)


def form_page(request, form: ReportForm, status: int = 200):
    context = {"form": form, "municipality_names": municipality_names()}
    return render(request, "motions/report_form.html", context, status=status)


def thanks(request):
    """What happens next, and what this browser just sent (shown once)."""
    report_id = request.session.pop(SESSION_KEY, None)
    sent = (
        ActionReport.objects.select_related("municipality").filter(pk=report_id).first()
        if report_id
        else None
    )
    context = {"report": sent, "retention_days": settings.REPORT_RETENTION_DAYS}
    return render(request, "motions/report_thanks.html", context)


# --- retention ------------------------------------------------------------------------


def erase_expired_personal_data(now: datetime.datetime | None = None) -> int:
    """Erase what the reporter sent about themselves, REPORT_RETENTION_DAYS after
    a report arrived, whatever its outcome; return how many reports were erased.

    Name and e-mail address go, and so do the message and the document: both are
    free-form and may hold the reporter's signature and contact details or the
    names of the families concerned. What remains are the facts (municipality,
    action, date, factions, link, role, outcome); an accepted report's content
    lives on in its motion. Safe to run daily: an erased report is not touched again.
    """
    now = now or timezone.now()
    cutoff = now - datetime.timedelta(days=settings.REPORT_RETENTION_DAYS)
    expired = ActionReport.objects.filter(created_at__lt=cutoff, personal_data_erased_at=None)
    erased = 0
    for expired_report in expired.iterator():
        if expired_report.document:
            # The file goes first: should the save below fail, the next run finds this
            # report again, and deleting a file that is already gone is harmless.
            expired_report.document.delete(save=False)
        expired_report.reporter_name = ""
        expired_report.reporter_email = ""
        expired_report.message = ""
        expired_report.document = ""
        expired_report.personal_data_erased_at = now
        expired_report.save(
            update_fields=[
                "reporter_name",
                "reporter_email",
                "message",
                "document",
                "personal_data_erased_at",
            ]
        )
        erased += 1
    return erased
