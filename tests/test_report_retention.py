"""Reporters' personal data is erased after REPORT_RETENTION_DAYS; the facts stay."""

import datetime
from io import StringIO

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import storages
from django.core.management import call_command
from django.utils import timezone

from motions.models import ActionReport
from motions.reports.retention import erase_expired_personal_data

from .conftest import make_motion, make_municipality
from .test_report_form import private_storage  # noqa: F401 (autouse: documents go to tmp_path)

pytestmark = pytest.mark.django_db

NOW = datetime.datetime(2026, 6, 1, 12, 0, tzinfo=datetime.UTC)


@pytest.fixture(autouse=True)
def retention_days(settings):
    settings.REPORT_RETENTION_DAYS = 365


def make_report(days_old: int, now: datetime.datetime = NOW, **kwargs) -> ActionReport:
    kwargs.setdefault("municipality", make_municipality())
    kwargs.setdefault("action", ActionReport.Action.ADOPTED)
    kwargs.setdefault("reporter_name", "Griet Griffier")
    kwargs.setdefault("reporter_role", ActionReport.Role.CLERK)
    kwargs.setdefault("reporter_email", "griffie@example.org")
    kwargs.setdefault("happened_on", datetime.date(2025, 4, 1))
    kwargs.setdefault("happened_precision", "month")
    kwargs.setdefault("factions", "ChristenUnie")
    kwargs.setdefault("link", "https://raad.example.org/motie/1")
    kwargs.setdefault("message", "Bel mij gerust: 06-12345678")
    kwargs.setdefault("consent", True)
    report = ActionReport(**kwargs)
    report.document.save("motie.pdf", ContentFile(b"%PDF-1.4\n%%EOF\n"), save=False)
    report.save()
    created = now - datetime.timedelta(days=days_old)
    ActionReport.objects.filter(pk=report.pk).update(created_at=created)
    report.refresh_from_db()
    return report


def test_old_report_loses_name_email_message_and_document(settings):
    report = make_report(days_old=400)
    document_path = report.document.path

    erase_expired_personal_data(now=NOW)

    report.refresh_from_db()
    assert report.reporter_name == ""
    assert report.reporter_email == ""
    assert report.message == ""
    assert report.document.name == ""
    assert not storages["private"].exists(document_path)
    assert report.personal_data_erased_at == NOW


def test_old_report_keeps_its_facts():
    motion = make_motion()
    report = make_report(
        days_old=400,
        municipality=motion.municipality,
        motion=motion,
        outcome=ActionReport.Outcome.ACCEPTED,
    )

    erase_expired_personal_data(now=NOW)

    kept = ActionReport.objects.get(pk=report.pk)
    assert kept.municipality == motion.municipality
    assert kept.motion == motion
    assert kept.action == ActionReport.Action.ADOPTED
    assert kept.outcome == ActionReport.Outcome.ACCEPTED
    assert kept.reporter_role == ActionReport.Role.CLERK
    assert (kept.happened_on, kept.happened_precision) == (datetime.date(2025, 4, 1), "month")
    assert kept.factions == "ChristenUnie"
    assert kept.link == "https://raad.example.org/motie/1"
    assert kept.created_at == report.created_at


def test_old_report_is_erased_whatever_its_outcome():
    for outcome in [ActionReport.Outcome.NEW, ActionReport.Outcome.REJECTED]:
        make_report(days_old=400, outcome=outcome)

    assert erase_expired_personal_data(now=NOW) == 2
    assert set(ActionReport.objects.values_list("reporter_email", flat=True)) == {""}


def test_recent_report_keeps_everything():
    report = make_report(days_old=364)

    assert erase_expired_personal_data(now=NOW) == 0

    kept = ActionReport.objects.get(pk=report.pk)
    assert kept.reporter_name == "Griet Griffier"
    assert kept.reporter_email == "griffie@example.org"
    assert kept.message == "Bel mij gerust: 06-12345678"
    assert storages["private"].exists(kept.document.name)
    assert kept.personal_data_erased_at is None


def test_retention_period_comes_from_the_setting(settings):
    settings.REPORT_RETENTION_DAYS = 30
    make_report(days_old=31)

    assert erase_expired_personal_data(now=NOW) == 1


def test_running_twice_is_a_no_op():
    report = make_report(days_old=400)
    assert erase_expired_personal_data(now=NOW) == 1
    later = NOW + datetime.timedelta(days=1)

    assert erase_expired_personal_data(now=later) == 0
    assert ActionReport.objects.get(pk=report.pk).personal_data_erased_at == NOW


def test_command_prints_how_many_reports_it_erased():
    make_report(days_old=500, now=timezone.now())
    make_report(days_old=400, now=timezone.now())
    make_report(days_old=10, now=timezone.now())
    out = StringIO()

    call_command("erase_report_personal_data", stdout=out)

    assert "Persoonsgegevens gewist van 2 meldingen ouder dan 365 dagen." in out.getvalue()
    out = StringIO()
    call_command("erase_report_personal_data", stdout=out)
    assert "gewist van 0 meldingen" in out.getvalue()
