"""What a report claims, next to what we already have for its municipality,
and what it puts on the decision form it is accepted through."""

from dataclasses import dataclass
from typing import TYPE_CHECKING, TypeAlias, TypedDict, cast

from django.db.models import OuterRef, Subquery
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from motions.facts import MUNICIPAL_MOTION_TITLE
from motions.models import ActionReport, Council, Motion, MunicipalityStatus


class Standing(TypedDict):
    """The annotations of ``Council.objects.with_status()``."""

    status: str
    status_rank: int


if TYPE_CHECKING:
    from django_stubs_ext import WithAnnotations

    CouncilWithStatus: TypeAlias = WithAnnotations[Council, Standing]

Action = ActionReport.Action

MOTION_STATUS: dict[str, Motion.Status] = {
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
    municipality: "CouncilWithStatus"
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


def with_status(council: Council) -> "CouncilWithStatus":
    """A council read through ``with_status()``, which annotates its standing."""
    return cast("CouncilWithStatus", council)


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
            with_status(municipalities[report.municipality_id]),
            motions.get(municipalities[report.municipality_id].latest_motion_pk),
        )
        for report in reports
    ]


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
