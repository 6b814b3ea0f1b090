"""E-mails about reports: telling the volunteers that one came in, and its
reporter the outcome. Each is sent after what it reports is stored: a mail
server that is down costs a warning, never the report or its outcome."""

import logging
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.core.mail import EmailMessage, get_connection
from django.http import HttpRequest
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from kinderpardon.site import absolute_url
from motions.models import ActionReport, Motion

logger = logging.getLogger(__name__)


def email_message(name: str, context: dict[str, Any], to: str) -> EmailMessage:
    """The e-mail ``workspace/triage/emails/<name>.txt`` with its one-line subject."""
    subject = render_to_string(f"workspace/triage/emails/{name}_subject.txt", context)
    body = render_to_string(f"workspace/triage/emails/{name}.txt", context)
    return EmailMessage(" ".join(subject.split()), body, to=[to])


def volunteer_addresses() -> list[str]:
    """REPORT_NOTIFY_EMAILS, or every active account that may triage reports."""
    if settings.REPORT_NOTIFY_EMAILS:
        return list(settings.REPORT_NOTIFY_EMAILS)
    users = get_user_model().objects.with_perm("motions.change_actionreport", is_active=True)
    return sorted(set(users.exclude(email="").values_list("email", flat=True)))


def notify_volunteers(
    sender: object, report: ActionReport, request: HttpRequest, **kwargs: object
) -> None:
    """A receiver of ``motions.signals.report_received``: one message per
    volunteer, so that nobody sees the others' addresses, in Dutch (the
    workspace's language, whatever language the reporter used), with a link to
    the report's page. A failure is logged, never raised: the report is stored."""
    try:
        report_url = absolute_url(reverse("workspace:report", args=[report.pk]))
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


def public_url(motion: Motion | None) -> str:
    """The absolute address of a motion's public page; empty for none or a draft."""
    if motion is None or motion.status == Motion.Status.DRAFT:
        return ""
    return absolute_url(motion.get_absolute_url())


def tell_reporter(request: HttpRequest, report: ActionReport) -> None:
    """E-mail the reporter the outcome, in Dutch, once it is stored. A failure is
    logged and shown as a warning; the outcome stays."""
    if not can_email(report):
        return
    motion = report.duplicate_of.motion if report.duplicate_of is not None else report.motion
    try:
        with translation.override(settings.LANGUAGE_CODE):
            context = {"report": report, "motion_url": public_url(motion)}
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
