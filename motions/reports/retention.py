"""How long a reporter's personal data is kept: REPORT_RETENTION_DAYS, then it
is erased (``manage.py erase_report_personal_data``, run daily)."""

import datetime

from django.conf import settings
from django.utils import timezone

from motions.models import ActionReport


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
