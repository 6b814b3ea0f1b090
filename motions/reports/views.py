"""Councils report back: the public form's pages for council members and griffiers.

A report is stored first, in its own committed transaction; only then are the
confirmation and the volunteers' notification sent, so a failing mail server
never loses a report. Abuse is kept out by Django's CSRF check, a honeypot
field, a rate limit per address and per e-mail address in the shared cache,
length limits on every field and a check of each document by its content.
"""

import logging
from typing import cast

from django.conf import settings
from django.contrib import messages
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_http_methods

from kinderpardon import ratelimit
from kinderpardon.page_cache import public_page
from motions.models import ActionReport
from municipalities.forms import MunicipalityNameField, municipality_names

from .emails import send_report_emails
from .forms import ReportForm

logger = logging.getLogger(__name__)

SESSION_KEY = "report_id"

RATE_LIMITED = _(
    "U hebt in korte tijd te veel meldingen verstuurd. Uw melding is niet opgeslagen. "
    "Probeer het over een uur opnieuw, of mail ons via kinderpardonnu@gmail.com."
)


def over_rate_limit(request: HttpRequest) -> bool:
    """Count this post, valid or not, for the sender's address and for the
    e-mail address it names; True when either went over REPORT_RATE_LIMIT."""
    window = settings.REPORT_RATE_WINDOW
    counts = [ratelimit.hit("report-ip", ratelimit.client_ip(request), window=window)]
    email = request.POST.get("reporter_email", "").strip()
    if email:
        counts.append(ratelimit.hit("report-email", email, window=window))
    return max(counts) > settings.REPORT_RATE_LIMIT


@public_page
@transaction.non_atomic_requests
@require_http_methods(["GET", "HEAD", "POST"])
def report(request: HttpRequest) -> HttpResponse:
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
            field = cast(MunicipalityNameField, form.fields["municipality"])
            if note := field.note:  # a former name led elsewhere
                messages.info(request, note)
            send_report_emails(request, saved)
            request.session[SESSION_KEY] = saved.pk
            return redirect("motions:report_thanks")
    return form_page(request, form)


def form_page(request: HttpRequest, form: ReportForm, status: int = 200) -> HttpResponse:
    context = {"form": form, "municipality_names": municipality_names()}
    return render(request, "motions/reports/form.html", context, status=status)


def thanks(request: HttpRequest) -> HttpResponse:
    """What happens next, and what this browser just sent (shown once)."""
    report_id = request.session.pop(SESSION_KEY, None)
    sent = (
        ActionReport.objects.select_related("municipality").filter(pk=report_id).first()
        if report_id
        else None
    )
    context = {"report": sent, "retention_days": settings.REPORT_RETENTION_DAYS}
    return render(request, "motions/reports/thanks.html", context)
