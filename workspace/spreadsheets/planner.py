"""The import planner: what importing a file would do, row by row (new,
updated, unchanged or refused, with each change as "kolom: oud → nieuw"), and
applying it. The preview plans without writing; the apply step plans again
inside one transaction, with the records it updates locked, and saves only
when no row is refused and the plan is still the one the preview showed (a
digest of the preview travels with the form, see ``Plan.digest``).

An import never erases by accident: in an update an empty cell leaves the
stored value as it is; only "-" or "leeg" clears it, and the preview marks
every value that would be cleared."""

import copy
import functools
import hashlib
import json
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, TypeVar, cast

from django.core.exceptions import ValidationError
from django.db import connection, models, transaction
from django.utils.text import Truncator, get_text_list
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from kinderpardon.uploads import shorten_middle
from motions.models import Motion
from municipalities.models import ContactMoment
from municipalities.resolver import reusing

from ..history.records import give_reason
from .cells import Cell, as_text, comparable
from .readers import Upload
from .sheets import SHEETS, Context, Row, Sheet

CREATE, UPDATE, UNCHANGED, REFUSED = "create", "update", "unchanged", "refused"
ACTION_LABELS = {
    CREATE: gettext_lazy("nieuw"),
    UPDATE: gettext_lazy("bijgewerkt"),
    UNCHANGED: gettext_lazy("ongewijzigd"),
    REFUSED: gettext_lazy("geweigerd"),
}

IMPORT_LOCK = 0x6D6F746965  # "motie"

# --- preview and apply --------------------------------------------------------------------

M = TypeVar("M", bound=models.Model)
Cells = dict[str, Cell | int | None]  # a row as the export writes it


@dataclass(frozen=True)
class ColumnChange:
    """One column that an update changes, as the preview shows it."""

    column: str
    before: str
    after: str
    clears: bool  # the stored value is emptied: the preview marks it

    def __str__(self) -> str:
        if self.clears:
            return _("%(column)s: %(before)s → wordt gewist") % {
                "column": self.column,
                "before": self.before,
            }
        return f"{self.column}: {self.before} → {self.after}"


@dataclass
class PlannedRow:
    number: int
    action: str
    label: str
    notes: list[str] = field(default_factory=list)
    instance: models.Model | None = None
    changes: list[ColumnChange] = field(default_factory=list)
    original: models.Model | None = None  # the record an update changes, as it is now

    @property
    def action_label(self) -> str:
        return str(ACTION_LABELS[self.action])

    @property
    def clears(self) -> bool:
        return any(change.clears for change in self.changes)


@dataclass
class Plan:
    sheet: Sheet[Any]
    filename: str
    ignored: list[str]
    rows: list[PlannedRow]

    @functools.cached_property
    def counts(self) -> dict[str, int]:
        counts = Counter(row.action for row in self.rows)
        return {action: counts[action] for action in ACTION_LABELS}

    @property
    def refused(self) -> list[PlannedRow]:
        return [row for row in self.rows if row.action == REFUSED]

    @property
    def changes(self) -> int:
        return self.counts[CREATE] + self.counts[UPDATE]

    @property
    def can_apply(self) -> bool:
        return not self.refused and self.changes > 0

    @functools.cached_property
    def cleared(self) -> int:
        """How many stored values the import would empty."""
        return sum(change.clears for row in self.rows for change in row.changes)

    @functools.cached_property
    def fingerprints(self) -> dict[int, str]:
        """Per row, a short hash of what the preview shows of it and what that rests
        on: the action, the record it updates and that record's cells as they are
        now, the cells it would write, its notes and changes."""
        return {row.number: fingerprint(self.sheet, row) for row in self.rows}

    @functools.cached_property
    def digest(self) -> str:
        """The whole preview in one hash: the preview form carries it, and the
        apply step saves only when the plan it makes again has the same one."""
        lines = "\n".join(f"{number}:{hashed}" for number, hashed in self.fingerprints.items())
        return hashlib.sha256(lines.encode()).hexdigest()


def fingerprint(sheet: Sheet[Any], row: PlannedRow) -> str:
    def cells(instance: models.Model | None) -> list[str] | None:
        return [as_text(value) for value in sheet.cells(instance).values()] if instance else None

    facts = [
        row.action,
        row.original.pk if row.original else None,
        cells(row.original),
        cells(row.instance),
        row.notes,
        [str(change) for change in row.changes],
    ]
    data = json.dumps(facts, ensure_ascii=False, default=str)
    return hashlib.sha256(data.encode()).hexdigest()[:16]


def validation_notes(sheet: Sheet[Any], error: ValidationError) -> list[str]:
    """The model's messages, each once (a rule checked by clean() and by its
    constraint says the same thing twice), named by column."""
    notes, seen = [], set()
    for name, errors in error.message_dict.items():
        column = sheet.field_columns.get(name)
        for message in errors:
            if message not in seen:
                seen.add(message)
                notes.append(f"{column}: {message}" if column else message)
    return notes


def differences(before: Cells, after: Cells) -> list[ColumnChange]:
    """Each column that changes ("status: ingediend → aangenomen"), and whether
    its stored value is emptied."""
    return [
        ColumnChange(
            column, shown(before[column]), shown(after[column]), comparable(after[column]) == ""
        )
        for column in after
        if comparable(before[column]) != comparable(after[column])
    ]


def shown(value: Cell | int | None) -> str:
    return Truncator(" ".join(as_text(value).split())).chars(60) or "—"


def plan_import(upload: Upload, *, lock: bool = False) -> Plan:
    """What importing ``upload`` would do, row by row; writes nothing. With
    ``lock`` (in the apply step's transaction) the records it may update stay
    locked until that transaction ends, so nobody changes them in between."""
    sheet = SHEETS[upload["kind"]](upload["columns"])
    context = Context()
    records = sheet.queryset().order_by("pk")
    if lock:
        records = records.select_for_update(of=("self",))
    existing: dict[tuple[Any, ...], list[Any]] = {}
    for instance in records:
        existing.setdefault(sheet.key_of(instance), []).append(instance)
    used: set[int] = set()
    first_seen: dict[tuple[Any, ...], int] = {}
    planned = []
    with reusing(context.register):
        for number, cells in upload["rows"]:
            row = Row(number, cells)
            values = sheet.read(row, context)
            planned.append(plan_row(sheet, row, values, existing, used, first_seen))
    return Plan(sheet, upload["filename"], upload["ignored"], planned)


def plan_row(
    sheet: Sheet[M],
    row: Row,
    values: dict[str, Any],
    existing: dict[tuple[Any, ...], list[M]],
    used: set[int],
    first_seen: dict[tuple[Any, ...], int],
) -> PlannedRow:
    label = sheet.describe(row)
    key = sheet.key_of(sheet.apply(sheet.model(), values))
    options = [candidate for candidate in existing.get(key, []) if candidate.pk not in used]
    if not row.errors and not options and key in first_seen:
        note = _("dubbele regel, gelijk aan regel %(n)s") % {"n": first_seen[key]}
        return PlannedRow(row.number, REFUSED, label, [note])
    # A required value left blank is missing only when the row makes a new record.
    errors = [*row.errors, *([] if options else row.deferred)]
    if errors:
        return PlannedRow(row.number, REFUSED, label, errors)
    first_seen.setdefault(key, row.number)
    update = kept(sheet, row, values)
    original = pick(sheet, options, update)
    if original is None:
        instance = sheet.apply(sheet.model(), values)
    else:
        instance = sheet.apply(copy.copy(original), update)
    try:
        # Without a query per row: the foreign keys come from records just loaded, and
        # each model's clean() checks its constraints' rules in Python with the same
        # Dutch messages (the database still enforces them when the import is applied).
        instance.full_clean(exclude=sheet.looked_up, validate_constraints=False)
    except ValidationError as error:
        return PlannedRow(row.number, REFUSED, label, validation_notes(sheet, error))
    if original is None:
        return PlannedRow(row.number, CREATE, label, row.notes, instance=instance)
    used.add(original.pk)
    changes = differences(sheet.cells(original), sheet.cells(instance))
    action = UPDATE if changes else UNCHANGED
    return PlannedRow(row.number, action, label, row.notes, instance, changes, original)


def kept(sheet: Sheet[Any], row: Row, values: dict[str, Any]) -> dict[str, Any]:
    """What an update sets: a blank cell leaves the stored value as it is."""
    return {
        name: value
        for name, value in values.items()
        if sheet.field_columns.get(name) not in row.blank
    }


def pick(sheet: Sheet[M], options: list[M], values: dict[str, Any]) -> M | None:
    """Of the records this row may stand for, the one it leaves unchanged, else the oldest."""
    for option in options:
        if not differences(
            sheet.cells(option), sheet.cells(sheet.apply(copy.copy(option), values))
        ):
            return option
    return options[0] if options else None


def history_reason(model: type[Motion] | type[ContactMoment], filename: str) -> str:
    """ "Import <file name>", cut in the middle to fit the history's column
    (simple-history's 100 characters, which PostgreSQL enforces)."""
    reason = _("Import %(name)s") % {"name": filename}
    limit = model.history.model._meta.get_field("history_change_reason").max_length
    return shorten_middle(reason, limit) if limit else reason


def wait_for_other_imports() -> None:
    """Imports applied at the same moment take turns (SQLite writes one at a time
    anyway), so the second plans against what the first saved and is refused when
    that touched its rows, instead of creating the same motion twice."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [IMPORT_LOCK])


def apply_import(
    upload: Upload, digest: str, progress: Callable[[int, int], None] | None = None
) -> Plan:
    """Plan again against the database as it is now and save every new and
    changed record in one transaction, only when no row is refused and the plan
    is still the one the preview showed (``digest``); else save nothing.
    ``progress(saved, to_save)`` is told after each record saved."""
    reason = history_reason(SHEETS[upload["kind"]].model, upload["filename"])
    with transaction.atomic():
        wait_for_other_imports()
        plan = plan_import(upload, lock=True)
        if plan.refused or plan.digest != digest:
            return plan
        saving = [row for row in plan.rows if row.action in (CREATE, UPDATE)]
        for saved, row in enumerate(saving, start=1):
            instance = cast(models.Model, row.instance)  # new and updated rows have one
            give_reason(instance, reason)
            instance.save()
            if progress:
                progress(saved, len(saving))
    return plan


MAX_NAMED_ROWS = 5


def changed_since(plan: Plan, shown_fingerprints: dict[int, str] | None) -> str:
    """The message for an apply refused because the preview is out of date,
    naming the rows that changed when the preview that was shown is known."""
    shown = shown_fingerprints or {}
    changed = [
        row for row in plan.rows if shown and shown.get(row.number) != plan.fingerprints[row.number]
    ]
    if not changed:
        return _(
            "Sinds u de voorbeeldweergave opende, is er iets veranderd. Er is niets "
            "geïmporteerd. Bekijk de nieuwe voorbeeldweergave en importeer opnieuw."
        )
    named = [
        _("regel %(n)s (%(label)s)") % {"n": row.number, "label": Truncator(row.label).chars(60)}
        for row in changed[:MAX_NAMED_ROWS]
    ]
    if len(changed) > MAX_NAMED_ROWS:
        rest = len(changed) - MAX_NAMED_ROWS
        named.append(ngettext("nog %(n)s regel", "nog %(n)s andere regels", rest) % {"n": rest})
    return _(
        "Sinds u de voorbeeldweergave opende, is er iets veranderd in %(rows)s. Er is niets "
        "geïmporteerd. Bekijk de nieuwe voorbeeldweergave en importeer opnieuw."
    ) % {"rows": get_text_list(named, _("en"))}
