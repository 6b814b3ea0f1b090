"""The latest changes by anyone to the records volunteers keep, for the
dashboard: the newest of each model's history, merged."""

import datetime
from dataclasses import dataclass
from typing import Any

from django.db.models import Exists, OuterRef, Subquery
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from motions.models import ModelMotion, Motion, MotionEvent
from municipalities.models import ContactMoment, Faction, Municipality, Party

LATEST_CHANGES = 15

# The models whose changes the dashboard lists (each with simple-history's ``history``).
Listed = (
    type[Motion]
    | type[MotionEvent]
    | type[ContactMoment]
    | type[Municipality]
    | type[Faction]
    | type[ModelMotion]
)


@dataclass(frozen=True)
class RecentChange:
    """One history record, as the dashboard shows it."""

    when: datetime.datetime
    who: str
    symbol: str  # simple-history's history_type: + created, ~ changed, - deleted
    kind: str
    name: str
    url: str

    ACTIONS = {  # not a field: it has no annotation
        "+": ("created", gettext_lazy("aangemaakt")),
        "~": ("changed", gettext_lazy("gewijzigd")),
        "-": ("deleted", gettext_lazy("verwijderd")),
    }

    @property
    def action(self) -> str:
        return str(self.ACTIONS[self.symbol][1])

    @property
    def tone(self) -> str:
        """For the stylesheet: created, changed or deleted."""
        return self.ACTIONS[self.symbol][0]


def _municipality_slug(field: str) -> Subquery:
    return Subquery(Municipality.objects.filter(pk=OuterRef(field)).values("slug")[:1])


def _municipality_name(field: str) -> Subquery:
    return Subquery(Municipality.objects.filter(pk=OuterRef(field)).values("name")[:1])


def _motion_url(motion_id: int, exists: bool) -> str:
    """The motion's page, or for a deleted one its history (which every
    volunteer may read; restoring it is for coordinators)."""
    if exists:
        return reverse("workspace:motion_edit", args=[motion_id])
    return reverse("workspace:history", args=["motion", motion_id])


def _municipality_url(slug: str | None) -> str:
    return reverse("workspace:municipality", args=[slug]) if slug else ""


def _history(model: Listed, *fields: str, **annotations: Any) -> list[dict[str, Any]]:
    """The latest history records of one model as dicts: one query."""
    return list(
        model.history.annotate(**annotations)
        .values(
            "history_date",
            "history_type",
            "history_user__username",
            "history_user__first_name",
            *fields,
            *annotations,
        )
        .order_by("-history_date", "-history_id")[:LATEST_CHANGES]
    )


def _change(row: dict[str, Any], kind: str, name: str, url: str) -> RecentChange:
    who = row["history_user__first_name"] or row["history_user__username"] or _("het systeem")
    return RecentChange(row["history_date"], who, row["history_type"], kind, name, url)


def latest_changes() -> list[RecentChange]:
    """The latest changes by anyone to the records volunteers keep: the newest
    of each model's history, merged. One query per model."""
    kinds = dict(MotionEvent.Kind.choices)
    channels = dict(ContactMoment.Channel.choices)
    motions = _history(
        Motion, "id", "title", exists=Exists(Motion.objects.filter(pk=OuterRef("id")))
    )
    events = _history(
        MotionEvent,
        "kind",
        "motion_id",
        exists=Exists(Motion.objects.filter(pk=OuterRef("motion_id"))),
        motion_title=Subquery(Motion.objects.filter(pk=OuterRef("motion_id")).values("title")),
    )
    contacts = _history(
        ContactMoment,
        "date",
        "channel",
        live_slug=_municipality_slug("municipality_id"),
        municipality_name=_municipality_name("municipality_id"),
    )
    municipalities = _history(Municipality, "name", live_slug=_municipality_slug("id"))
    factions = _history(
        Faction,
        "election_year",
        party_name=Subquery(Party.objects.filter(pk=OuterRef("party_id")).values("name")),
        live_slug=_municipality_slug("municipality_id"),
        municipality_name=_municipality_name("municipality_id"),
    )
    model_motions = _history(ModelMotion, "title", "version")
    changes = [
        *(_change(r, _("motie"), r["title"], _motion_url(r["id"], r["exists"])) for r in motions),
        *(
            _change(
                r,
                _("gebeurtenis"),
                f"{kinds.get(r['kind'], r['kind'])}: {r['motion_title'] or ''}",
                _motion_url(r["motion_id"], r["exists"]),
            )
            for r in events
        ),
        *(
            _change(
                r,
                _("contact"),
                f"{r['municipality_name']}, {r['date']:%d-%m-%Y}, "
                f"{channels.get(r['channel'], r['channel'])}",
                _municipality_url(r["live_slug"]),
            )
            for r in contacts
        ),
        *(
            _change(r, _("gemeente"), r["name"], _municipality_url(r["live_slug"]))
            for r in municipalities
        ),
        *(
            _change(
                r,
                _("fractie"),
                f"{r['party_name']} ({r['municipality_name']}, {r['election_year']})",
                _municipality_url(r["live_slug"]),
            )
            for r in factions
        ),
        *(
            _change(r, _("voorbeeldmotie"), _("%(title)s (versie %(version)s)") % r, "")
            for r in model_motions
        ),
    ]
    changes.sort(key=lambda c: c.when, reverse=True)
    return changes[:LATEST_CHANGES]
