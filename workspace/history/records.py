"""Reading django-simple-history's records: what a version looks like to the
type checker, the models whose history the workspace shows, a motion's parts
and their versions at a moment, the deleted motions."""

import datetime
import uuid
from collections.abc import Iterable
from typing import Any, Protocol, TypeVar

from django.contrib.auth.models import User
from django.db import models
from django.db.models import Q

from motions.models import FactionVote, ModelMotion, Motion, MotionEvent, Sponsorship
from municipalities.models import ContactMoment, Faction, Municipality


class HistoricalRecord(Protocol):
    """One version of a record, as django-simple-history stores it. Its classes
    are made at run time, so the type checker learns of them here; the model's
    own fields are read from a version as from the model."""

    history_id: int
    history_date: datetime.datetime
    history_type: str  # + created, ~ changed, - deleted
    history_changeset: uuid.UUID | None
    history_user: User | None
    id: int
    instance: models.Model
    instance_type: type[models.Model]
    tracked_fields: "list[models.Field[Any, Any]]"

    def diff_against(self, old_history: "HistoricalRecord") -> Any: ...

    def __getattr__(self, name: str) -> Any: ...


Version = TypeVar("Version", bound=HistoricalRecord)
Part = Sponsorship | FactionVote | MotionEvent

Shown = (
    type[Motion]
    | type[Municipality]
    | type[Faction]
    | type[ContactMoment]
    | type[MotionEvent]
    | type[ModelMotion]
)
# The models whose history the workspace shows, by the name in the URL.
HISTORY_MODELS: dict[str, Shown] = {
    "motion": Motion,
    "municipality": Municipality,
    "faction": Faction,
    "contactmoment": ContactMoment,
    "motionevent": MotionEvent,
    "modelmotion": ModelMotion,
}

# A motion's sponsors, votes and events are deleted with it (CASCADE) in the
# same request, so their deletion records share its changeset
# (kinderpardon.history): that is how a restore finds them.
MOTION_PARTS: list[type[Part]] = [Sponsorship, FactionVote, MotionEvent]


def give_reason(instance: models.Model, reason: str) -> None:
    """The reason simple-history stores with the history record of the next save."""
    # simple-history reads an attribute no model declares, so no type has it.
    setattr(instance, "_change_reason", reason)  # noqa: B010


def latest_per_object(records: Iterable[Version]) -> list[Version]:
    """The newest record of each object, from records ordered newest first."""
    seen, latest = set(), []
    for record in records:
        if record.id not in seen:
            seen.add(record.id)
            latest.append(record)
    return latest


def deleted_parts(record: HistoricalRecord) -> list[HistoricalRecord]:
    """The deletion records of the sponsors, votes and events deleted with a
    motion: those of its changeset (a sponsor removed by an earlier edit has
    another)."""
    if record.history_changeset is None:
        return []
    parts = []
    for model in MOTION_PARTS:
        records = model.history.filter(
            motion_id=record.id, history_type="-", history_changeset=record.history_changeset
        ).exclude(id__in=model.objects.values("pk"))
        parts.extend(latest_per_object(records.order_by("-history_date", "-history_id")))
    return parts


def parts_as_of(
    motion_id: int, when: datetime.datetime, changeset: uuid.UUID | None = None
) -> dict[type[Part], dict[int, HistoricalRecord]]:
    """The sponsors, votes and events a motion had at ``when``: per model, the
    last history record of each part written up to then (or in ``changeset``,
    the change that ``when`` belongs to), if it is not a deletion."""
    in_version = Q(history_date__lte=when)
    if changeset is not None:
        in_version |= Q(history_changeset=changeset)
    parts = {}
    for model in MOTION_PARTS:
        records = model.history.filter(in_version, motion_id=motion_id)
        latest = latest_per_object(records.order_by("-history_date", "-history_id"))
        parts[model] = {r.id: r for r in latest if r.history_type != "-"}
    return parts


def deleted_motions() -> list[HistoricalRecord]:
    """The deletion record of each motion that is deleted now, the latest first,
    with who deleted it and the motion's municipality."""
    records = (
        Motion.history.filter(history_type="-")
        .exclude(id__in=Motion.objects.values("pk"))
        .select_related("history_user", "municipality")
        .order_by("-history_date", "-history_id")
    )
    return latest_per_object(records)
