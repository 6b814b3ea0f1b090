"""The history-diff engine: a record's versions, each with the fields it
changed shown as a reader wants them ("old → new"), with the names of related
records fetched in one query per related model. A motion's history has the
versions of its sponsors, votes and events woven in. ``record_history`` gives
the history page all it shows."""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Set
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, TypeAlias, cast

from django.db import models
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.formats import date_format
from django.utils.text import Truncator, capfirst
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from kinderpardon.dates import format_partial
from motions.models import Motion, MotionEvent
from municipalities.models import Faction

from .records import MOTION_PARTS, HistoricalRecord, Shown

TYPE_LABELS = {
    "+": gettext_lazy("aangemaakt"),
    "~": gettext_lazy("gewijzigd"),
    "-": gettext_lazy("verwijderd"),
}
LONG_TEXT = 160  # characters of a long text shown in a change

if TYPE_CHECKING:
    ModelField: TypeAlias = models.Field[Any, Any]


@dataclass
class FieldChange:
    """One field that a version changed."""

    name: str
    label: str
    old: str
    new: str


@dataclass
class Entry:
    record: HistoricalRecord
    changes: list[FieldChange]
    subject: str = ""
    revert_url: str = ""

    @property
    def type_label(self) -> str:
        return str(TYPE_LABELS[self.record.history_type])


class Labels:
    """Names of the objects that historical records point to, fetched with one
    query per related model, whatever the number of records."""

    SELECT_RELATED: dict[type[models.Model], list[str]] = {Faction: ["party", "municipality"]}

    def __init__(self, records: Iterable[HistoricalRecord], skip: Set[str]) -> None:
        wanted: dict[type[models.Model], set[Any]] = {}
        for record in records:
            for model_field in relations(record.instance_type, skip):
                value = getattr(record, model_field.attname)
                if value is not None:
                    wanted.setdefault(related_model(model_field), set()).add(value)
        self.names: dict[tuple[type[models.Model], Any], str] = {}
        for model, ids in wanted.items():
            objects = model._default_manager.filter(pk__in=ids)
            objects = objects.select_related(*self.SELECT_RELATED.get(model, []))
            self.names.update({(model, obj.pk): str(obj) for obj in objects})

    def get(self, model: type[models.Model], pk: Any) -> str:
        return self.names.get((model, pk), _("#%(pk)s (verwijderd)") % {"pk": pk})


def relations(model: type[models.Model], skip: Set[str]) -> list[ModelField]:
    return [f for f in model._meta.concrete_fields if f.is_relation and f.name not in skip]


def related_model(model_field: ModelField) -> type[models.Model]:
    """The model a foreign key of a concrete model points to (resolved by then)."""
    return cast(type[models.Model], model_field.related_model)


def partner(model: type[models.Model], name: str) -> str | None:
    """The other half of a partial date: ``x_on`` ↔ ``x_precision``."""
    for own, other in (("_on", "_precision"), ("_precision", "_on")):
        if name.endswith(own):
            candidate = name.removesuffix(own) + other
            names = {f.name for f in model._meta.concrete_fields}
            return candidate if candidate in names else None
    return None


def show(record: HistoricalRecord, model_field: ModelField, labels: Labels) -> str:
    """A field's value in a historical record, as a reader wants to see it."""
    name = model_field.name
    precision = partner(record.instance_type, name) if name.endswith("_on") else None
    if precision:
        return format_partial(getattr(record, name), getattr(record, precision))
    value = getattr(record, model_field.attname)
    if value is None or value == "":
        return ""
    if model_field.is_relation:
        return labels.get(related_model(model_field), value)
    if model_field.choices:
        return str(dict(model_field.flatchoices).get(value, value))
    if isinstance(value, bool):
        return _("ja") if value else _("nee")
    if isinstance(value, datetime.date):
        return date_format(value, "j F Y")
    return Truncator(str(value)).chars(LONG_TEXT)


def changed_fields(
    record: HistoricalRecord, previous: HistoricalRecord | None, skip: Set[str]
) -> list[ModelField]:
    """The model fields that differ from the previous version (every filled-in
    field for a first version), a partial date's two halves as one."""
    model = record.instance_type
    if previous is None:
        names = [
            f.name
            for f in record.tracked_fields
            if f.editable and not f.primary_key and getattr(record, f.attname) not in (None, "")
        ]
    else:
        names = record.diff_against(previous).changed_fields
    shown: list[ModelField] = []
    for name in names:
        if name.endswith("_precision") and (date := partner(model, name)):
            name = date
            if previous is None and getattr(record, name) is None:
                continue
        model_field = cast("ModelField", model._meta.get_field(name))
        if name not in skip and model_field not in shown:
            shown.append(model_field)
    return sorted(shown, key=lambda f: model._meta.concrete_fields.index(f))


def entries_for(
    records: Iterable[HistoricalRecord], labels: Labels, skip: Set[str] = frozenset()
) -> list[Entry]:
    """Entries for the records of one model, oldest first, each with what it changed."""
    previous: dict[int, HistoricalRecord] = {}
    entries = []
    for record in sorted(records, key=lambda r: (r.history_date, r.history_id)):
        before = previous.get(record.id)
        changes = []
        if record.history_type != "-":
            changes = [
                FieldChange(
                    model_field.name,
                    str(capfirst(model_field.verbose_name)),
                    show(before, model_field, labels) if before else "",
                    show(record, model_field, labels),
                )
                for model_field in changed_fields(record, before, skip)
            ]
        entries.append(Entry(record, changes))
        previous[record.id] = record
    return entries


def part_subject(entry: Entry, labels: Labels) -> str:
    """What a sponsor, vote or event record is about, for the motion's history;
    on creation the field that says so is not repeated among the changes."""
    record = entry.record
    name = capfirst(record.instance_type._meta.verbose_name)
    if record.instance_type is MotionEvent:
        field_name, value = "kind", record.get_kind_display()
    elif record.faction_id:
        field_name, value = "faction", labels.get(Faction, record.faction_id)
    else:
        field_name, value = "member_name", record.member_name
    if record.history_type == "+":
        entry.changes = [c for c in entry.changes if c.name != field_name]
    return f"{name}: {value}"


def record_entries(
    model_class: type[models.Model], pk: int, records: list[HistoricalRecord], url_name: str
) -> list[Entry]:
    """The history of one record, newest first; for a motion with the history of
    its sponsors, votes and events woven in. Every older version of the record
    itself can be reverted to."""
    parts: list[HistoricalRecord] = []
    if model_class is Motion:
        for part_model in MOTION_PARTS:
            parts.extend(part_model.history.filter(motion_id=pk).select_related("history_user"))
    skip = {"motion"}
    labels = Labels([*records, *parts], skip)
    entries = entries_for(records, labels)
    for entry in entries[:-1]:  # the newest is the current version
        if entry.record.history_type != "-":
            entry.revert_url = reverse(
                "workspace:revert", args=[url_name, pk, entry.record.history_id]
            )
    for part_model in MOTION_PARTS:
        own = [p for p in parts if p.instance_type is part_model]
        for entry in entries_for(own, labels, skip):
            entry.subject = part_subject(entry, labels)
            entries.append(entry)
    entries.sort(key=lambda e: (e.record.history_date, e.record.history_id), reverse=True)
    return entries


@dataclass
class RecordHistory:
    """What the history page shows of one record."""

    model_name: str  # the name in the URL, a key of HISTORY_MODELS
    verbose_name: str
    title: str
    entries: list[Entry]
    object_url: str  # where the record itself is seen; "" once it is deleted
    deleted: bool


def record_history(model_class: Shown, pk: int, model_name: str) -> RecordHistory:
    """The history of the record ``pk`` of ``model_class`` (named ``model_name``
    in the URL); Http404 for a record with neither history nor row."""
    records: list[HistoricalRecord] = list(
        model_class.history.filter(id=pk)
        .select_related("history_user")
        .order_by("history_date", "history_id")
    )
    exists = not records or records[-1].history_type != "-"
    # A record from before its model kept history has none: "nog geen wijzigingen".
    current = records[-1].instance if records else get_object_or_404(model_class, pk=pk)
    return RecordHistory(
        model_name=model_name,
        verbose_name=str(model_class._meta.verbose_name),
        title=str(current),
        entries=record_entries(model_class, pk, records, model_name) if records else [],
        object_url=object_url(current) if exists else "",
        deleted=not exists,
    )


def object_url(instance: models.Model) -> str:
    """Where a record is seen: a motion on its workspace page, others on their own."""
    if isinstance(instance, Motion):
        return reverse("workspace:motion_edit", args=[instance.pk])
    if hasattr(instance, "get_absolute_url"):
        return instance.get_absolute_url()
    return ""
