"""What is sent once a report is stored: the reporter's confirmation, and the
news to whoever listens (``report_received``; the workspace tells its volunteers)."""

import logging
from typing import Any

from django.conf import settings
from django.core.mail import EmailMessage
from django.http import HttpRequest
from django.template.loader import render_to_string

from motions.models import ActionReport
from motions.signals import report_received

logger = logging.getLogger(__name__)


def _message(template: str, context: dict[str, Any], to: list[str]) -> EmailMessage:
    subject = render_to_string(f"motions/reports/emails/{template}_subject.txt", context)
    body = render_to_string(f"motions/reports/emails/{template}.txt", context)
    return EmailMessage(" ".join(subject.split()), body, to=to)


def send_confirmation(report: ActionReport) -> None:
    context = {"report": report, "retention_days": settings.REPORT_RETENTION_DAYS}
    _message("report_confirmation", context, [report.reporter_email]).send()


def send_report_emails(request: HttpRequest, report: ActionReport) -> None:
    """After the report is stored: the reporter's confirmation, and the news to
    whoever listens (the workspace tells its volunteers). A failure is logged,
    never raised: the report is safe and the reporter sees thanks."""
    try:
        send_confirmation(report)
    except Exception:  # SMTP, network or template
        logger.exception("Confirmation e-mail for report %s could not be sent", report.pk)
    report_received.send_robust(sender=ActionReport, report=report, request=request)
