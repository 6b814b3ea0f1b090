"""The import of the register of municipalities that CBS publishes every year,
with what became of each ended municipality (the verified merger file).

Both files are read from a path or an http(s) URL (``sources.py``), checked
whole before anything is written, and written in one transaction; a second
run on the same files changes nothing.
"""

import datetime
import itertools
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from kinderpardon.history import changeset
from kinderpardon.text import fold, name_slug

from .models import Municipality, Province, Succession, succession_problem
from .signals import register_imported
from .sources import (
    cbs_code,
    choice,
    default_source,
    invalid,
    parse_date,
    read_csv,
    read_source,
)

# The CSV writes the province's old Dutch name; CBS now uses Fryslân.
PROVINCE_NAMES = {"Friesland": "Fryslân"}

# Names people search for that CBS does not use. Coordinators may add more in
# the admin; the import only adds these when they are missing.
ALIASES = {
    "GM0518": "Den Haag",  # 's-Gravenhage
    "GM0796": "Den Bosch",  # 's-Hertogenbosch
    "GM0373": "Bergen Noord-Holland",  # Bergen (NH.)
    "GM0893": "Bergen Limburg",  # Bergen (L.)
}

REGISTER_COLUMNS = (
    "provinciecode",
    "provincienaam",
    "gemeentecode",
    "gemeentenaam",
    "begindatum",
    "einddatum",
)

# The register of municipalities -------------------------------------------


@dataclass(frozen=True)
class RegisterRow:
    """One line of the CBS list: a municipality's code, name and province for a period."""

    line: int
    province_code: str
    province_name: str
    code: str
    name: str
    begins_on: datetime.date
    ends_on: datetime.date | None

    def valid_on(self, day: datetime.date) -> bool:
        return self.begins_on <= day and (self.ends_on is None or self.ends_on > day)


@dataclass(frozen=True)
class PlannedMunicipality:
    """What the register says about one code: its name and province on the
    as-of date (or in the period nearest to it), and when it began and ended."""

    row: RegisterRow
    began_on: datetime.date
    dissolved_on: datetime.date | None

    def exists_on(self, day: datetime.date) -> bool:
        return self.began_on <= day and (self.dissolved_on is None or self.dissolved_on > day)


@dataclass
class RegisterSummary:
    """What one import did. Each municipality counts once: created (new and not
    ended on the as-of date), dissolved (new, or not ended until now, and ended
    by the as-of date), updated (anything else changed) or unchanged; ``active``
    counts those that exist on the as-of date."""

    as_of: datetime.date
    active: int = 0
    created: int = 0
    updated: int = 0
    dissolved: int = 0
    unchanged: int = 0
    provinces_created: int = 0
    provinces_updated: int = 0
    provinces_unchanged: int = 0
    successions: "SuccessionSummary | None" = None

    def __str__(self) -> str:
        text = (
            f"Peildatum {self.as_of:%Y-%m-%d}: {self.active} gemeenten bestaan op die dag. "
            f"Gemeenten: {self.created} nieuw, {self.updated} bijgewerkt, "
            f"{self.dissolved} opgeheven, {self.unchanged} ongewijzigd; "
            f"provincies: {self.provinces_created} nieuw, {self.provinces_updated} bijgewerkt, "
            f"{self.provinces_unchanged} ongewijzigd."
        )
        return f"{text}\n{self.successions}" if self.successions else text


def _register_row(values: dict, line: int) -> RegisterRow:
    for column in ("provincienaam", "gemeentenaam", "begindatum"):
        if not values[column]:
            raise ValueError(f"{column} ontbreekt")
    begins_on = parse_date(values["begindatum"], "begindatum")
    ends_on = parse_date(values["einddatum"], "einddatum") if values["einddatum"] else None
    if ends_on is not None and ends_on <= begins_on:
        raise ValueError("einddatum ligt niet na begindatum")
    province_name = values["provincienaam"]
    return RegisterRow(
        line=line,
        province_code=cbs_code(values["provinciecode"], "PV", 2, "provinciecode"),
        province_name=PROVINCE_NAMES.get(province_name, province_name),
        code=cbs_code(values["gemeentecode"], "GM", 4, "gemeentecode"),
        name=values["gemeentenaam"],
        begins_on=begins_on,
        ends_on=ends_on,
    )


def _consistency_errors(rows: list[RegisterRow]) -> list[str]:
    """Rows that are fine alone but contradict each other."""
    errors = []
    province_names: dict[str, RegisterRow] = {}
    by_code: dict[str, list[RegisterRow]] = defaultdict(list)
    for row in rows:
        first = province_names.setdefault(row.province_code, row)
        if first.province_name != row.province_name:
            errors.append(
                f"regel {row.line}: provincie {row.province_code} heet hier "
                f"{row.province_name!r}, op regel {first.line} {first.province_name!r}"
            )
        by_code[row.code].append(row)
    for periods in by_code.values():
        periods.sort(key=lambda r: r.begins_on)
        for earlier, later in itertools.pairwise(periods):
            if earlier.ends_on is None or earlier.ends_on > later.begins_on:
                errors.append(
                    f"regel {later.line}: {later.code} overlapt in tijd met regel {earlier.line}"
                )
            elif earlier.ends_on < later.begins_on:
                errors.append(
                    f"regel {later.line}: {later.code} begint pas na een onderbreking "
                    f"(regel {earlier.line} eindigt op {earlier.ends_on:%Y-%m-%d})"
                )
    return errors


def parse_register(data: bytes, source: str = "het bestand") -> list[RegisterRow]:
    """Every row of a CBS municipality list, checked; errors name the line."""
    rows, errors = read_csv(data, source, REGISTER_COLUMNS, _register_row)
    errors += _consistency_errors(rows)
    if not errors and not rows:
        errors.append("het bestand bevat geen gemeenten")
    if errors:
        raise invalid(source, errors)
    return rows


def plan_register(
    rows: Iterable[RegisterRow], as_of: datetime.date
) -> dict[str, PlannedMunicipality]:
    """Per CBS code: the name and province of the period in force on ``as_of``
    (else the last one before it, else the first one), and the code's first
    and last day as the register gives them. Every code is planned, also one
    that begins after ``as_of``: whether a municipality exists on a day is
    derived from these dates, never from which codes an import left out."""
    by_code: dict[str, list[RegisterRow]] = defaultdict(list)
    for row in rows:
        by_code[row.code].append(row)
    plan = {}
    for code, periods in by_code.items():
        periods.sort(key=lambda r: r.begins_on)
        begun = [p for p in periods if p.begins_on <= as_of]
        row = begun[-1] if begun else periods[0]
        plan[code] = PlannedMunicipality(row, periods[0].begins_on, periods[-1].ends_on)
    return plan


def _free_slug(candidates: list[str], taken: set[str]) -> str:
    """The first candidate nobody uses yet (the last one numbered if all are), now taken."""
    numbered = (f"{candidates[-1]}-{n}" for n in itertools.count(2))
    slug = next(s for s in itertools.chain(candidates, numbered) if s not in taken)
    taken.add(slug)
    return slug


def _with_alias(aliases: str, alias: str | None) -> str:
    """``aliases`` plus ``alias`` if it is missing; what a coordinator typed stays."""
    present = {fold(a) for a in aliases.split(",") if a.strip()}
    if alias is None or fold(alias) in present:
        return aliases
    return f"{aliases.strip()}, {alias}" if aliases.strip() else alias


def _sync_provinces(
    plan: dict[str, PlannedMunicipality], summary: RegisterSummary
) -> dict[str, Province]:
    wanted = {p.row.province_code: p.row.province_name for p in plan.values()}
    provinces = {p.code: p for p in Province.objects.all()}
    taken = {p.slug for p in provinces.values()}
    for code, name in sorted(wanted.items()):
        province = provinces.get(code)
        if province is None:
            slug = _free_slug([name_slug(name), f"{name_slug(name)}-{code.lower()}"], taken)
            provinces[code] = Province.objects.create(code=code, name=name, slug=slug)
            summary.provinces_created += 1
        elif province.name != name:
            province.name = name  # the slug stays: links must not break
            province.save(update_fields=["name"])
            summary.provinces_updated += 1
        else:
            summary.provinces_unchanged += 1
    return provinces


def _municipality_slug(planned: PlannedMunicipality, taken: set[str]) -> str:
    code = planned.row.code.lower()
    base = name_slug(planned.row.name) or code
    candidates = [base]
    if planned.dissolved_on is not None:
        candidates.append(f"{base}-{planned.dissolved_on.year}")
    candidates.append(f"{base}-{code}")
    return _free_slug(candidates, taken)


# Fields the register decides, by attribute name.
_REGISTER_FIELDS = ("name", "province_id", "aliases", "search_text", "began_on", "dissolved_on")


def _apply(
    municipality: Municipality,
    planned: PlannedMunicipality,
    provinces: dict[str, Province],
    as_of: datetime.date,
) -> None:
    municipality.name = planned.row.name
    municipality.province = provinces[planned.row.province_code]
    municipality.aliases = _with_alias(municipality.aliases, ALIASES.get(planned.row.code))
    municipality.search_text = municipality.build_search_text()
    municipality.began_on = planned.began_on
    # An ending after the as-of date that the register does not give yet (next
    # year's merger, entered by a coordinator) stays; the register decides the rest.
    ahead = municipality.dissolved_on is not None and municipality.dissolved_on > as_of
    if planned.dissolved_on is not None or not ahead:
        municipality.dissolved_on = planned.dissolved_on


def _sync_municipalities(
    plan: dict[str, PlannedMunicipality],
    provinces: dict[str, Province],
    summary: RegisterSummary,
    reason: str,
) -> dict[str, Municipality]:
    """Create and update municipalities with their history; every one by code."""
    as_of = summary.as_of
    existing = {m.code: m for m in Municipality.objects.all()}
    was_ended = {
        code: m.dissolved_on is not None and m.dissolved_on <= as_of for code, m in existing.items()
    }
    taken = {m.slug for m in existing.values()}

    # New rows first, those that exist on the as-of date before the others so
    # that they get the plain slug.
    new = []
    for code in sorted(plan, key=lambda c: (not plan[c].exists_on(as_of), c)):
        if code not in existing:
            municipality = Municipality(code=code, slug=_municipality_slug(plan[code], taken))
            _apply(municipality, plan[code], provinces, as_of)
            new.append(municipality)
    created = bulk_create_with_history(new, Municipality, default_change_reason=reason)
    existing.update((m.code, m) for m in created)

    # Rows grouped by the fields that changed, so that a bulk update writes only those.
    changed: dict[tuple[str, ...], list[Municipality]] = defaultdict(list)
    for code, planned in plan.items():
        summary.active += planned.exists_on(as_of)
        municipality = existing[code]
        ended = planned.dissolved_on is not None and planned.dissolved_on <= as_of
        fields: tuple[str, ...] = ()
        if code in was_ended:  # not created just now
            before = [getattr(municipality, f) for f in _REGISTER_FIELDS]
            _apply(municipality, planned, provinces, as_of)
            fields = tuple(
                f.removesuffix("_id")
                for f, old in zip(_REGISTER_FIELDS, before, strict=True)
                if getattr(municipality, f) != old
            )
            if fields:
                changed[fields].append(municipality)
        if ended and not was_ended.get(code, False):
            summary.dissolved += 1
        elif code not in was_ended:
            summary.created += 1
        elif fields:
            summary.updated += 1
        else:
            summary.unchanged += 1
    for fields, municipalities in changed.items():
        bulk_update_with_history(municipalities, Municipality, fields, default_change_reason=reason)
    return existing


def import_municipalities(
    source: str | None = None,
    as_of: datetime.date | None = None,
    mergers: str | None = None,
) -> RegisterSummary:
    """Create or update provinces and municipalities from the CBS list, each
    with the name and province it had on ``as_of`` (default today) and the
    begin and end dates the list gives; then what became of every ended
    municipality, from the verified merger file (``mergers``, default
    REFERENCE_MERGERS_FILE). Both files are checked whole before anything is
    written, and written in one transaction: all or nothing. Nothing is ever
    deleted: a dissolved municipality keeps its row, its slug and its motions."""
    source = source or default_source(settings.REFERENCE_MUNICIPALITIES_FILE)
    mergers = mergers or default_source(settings.REFERENCE_MERGERS_FILE)
    as_of = as_of or timezone.localdate()
    plan = plan_register(parse_register(read_source(source), source), as_of)
    merger_rows = parse_mergers(read_source(mergers), mergers)
    summary = RegisterSummary(as_of=as_of)
    with transaction.atomic(), changeset():
        provinces = _sync_provinces(plan, summary)
        reason = f"Import gemeentelijke indeling (peildatum {as_of:%Y-%m-%d})"
        municipalities = _sync_municipalities(plan, provinces, summary, reason)
        summary.successions = sync_successions(merger_rows, municipalities, mergers)
    register_imported.send(sender=Municipality)  # bulk writes send no post_save
    return summary


# What became of each ended municipality -------------------------------------

MERGER_COLUMNS = (
    "gemeentecode",
    "gemeentenaam",
    "einddatum",
    "opvolger_code",
    "opvolger_naam",
    "deel",
    "soort",
    "bron",
)
# Vianen moved from Zuid-Holland to Utrecht in 2002 with the same code: no ending.
PROVINCE_CHANGE = "provinciewijziging"


@dataclass(frozen=True)
class MergerRow:
    """One line of herindelingen.csv: one successor of one ending."""

    line: int
    code: str
    name: str
    ends_on: datetime.date
    successor_code: str
    kind: str
    share: str
    source: str


@dataclass
class SuccessionSummary:
    created: int = 0
    updated: int = 0
    removed: int = 0
    unchanged: int = 0

    def __str__(self) -> str:
        return (
            f"Opvolgingen: {self.created} nieuw, {self.updated} bijgewerkt, "
            f"{self.removed} vervallen, {self.unchanged} ongewijzigd."
        )


def _merger_row(values: dict, line: int) -> MergerRow:
    if not values["bron"]:
        raise ValueError("bron ontbreekt: elke opvolging heeft een bron")
    return MergerRow(
        line=line,
        code=cbs_code(values["gemeentecode"], "GM", 4, "gemeentecode"),
        name=values["gemeentenaam"],
        ends_on=parse_date(values["einddatum"], "einddatum"),
        successor_code=cbs_code(values["opvolger_code"], "GM", 4, "opvolger_code"),
        kind=choice(values["soort"], "soort", [*Succession.Kind.values, PROVINCE_CHANGE]),
        share=choice(values["deel"], "deel", Succession.Share.values),
        source=values["bron"],
    )


def parse_mergers(data: bytes, source: str = "het bestand") -> list[MergerRow]:
    """Every row of the merger file, checked on its own; errors name the line."""
    rows, errors = read_csv(data, source, MERGER_COLUMNS, _merger_row)
    if errors:
        raise invalid(source, errors)
    return rows


def _endings(
    rows: list[MergerRow], municipalities: dict[str, Municipality], source: str
) -> dict[str, list[tuple[MergerRow, Municipality]]]:
    """The file's successors per ended municipality (by code, in file order),
    checked against the register: the ending is the one the register gives,
    and each successor existed on that day."""
    endings: dict[str, list[tuple[MergerRow, Municipality]]] = defaultdict(list)
    errors = []
    for row in rows:
        if row.kind == PROVINCE_CHANGE:
            continue
        predecessor = municipalities.get(row.code)
        successor = municipalities.get(row.successor_code)
        if predecessor is None or successor is None:
            unknown = row.code if predecessor is None else row.successor_code
            errors.append(f"regel {row.line}: {unknown} staat niet in het register")
        elif predecessor.dissolved_on != row.ends_on:
            errors.append(
                f"regel {row.line}: {row.code} {row.name} eindigt volgens het register niet "
                f"op {row.ends_on:%Y-%m-%d}"
            )
        elif successor == predecessor:
            errors.append(f"regel {row.line}: {row.code} kan niet zijn eigen opvolger zijn")
        elif any(s == successor for _r, s in endings[row.code]):
            errors.append(f"regel {row.line}: {row.successor_code} staat er twee keer bij")
        elif problem := succession_problem(predecessor, successor):
            errors.append(f"regel {row.line}: {problem}")
        else:
            endings[row.code].append((row, successor))
    if errors:
        raise invalid(source, errors)
    return endings


def sync_successions(
    rows: list[MergerRow], municipalities: dict[str, Municipality], source: str
) -> SuccessionSummary:
    """Make each ending the file gives have exactly the file's successors, with
    history. Endings the file does not mention keep the links a coordinator
    entered (next year's mergers, before the file has them)."""
    endings = _endings(rows, municipalities, source)
    summary = SuccessionSummary()
    reason = "Import herindelingen"
    predecessors = [municipalities[code] for code in endings]
    current: dict[tuple[int, int], Succession] = {
        (s.predecessor_id, s.successor_id): s
        for s in Succession.objects.filter(predecessor__in=predecessors)
    }
    new, changed = [], []
    for code, successors in endings.items():
        predecessor = municipalities[code]
        for position, (row, successor) in enumerate(successors, start=1):
            values = {"kind": row.kind, "share": row.share, "position": position}
            values["source"] = row.source
            succession = current.pop((predecessor.pk, successor.pk), None)
            if succession is None:
                new.append(Succession(predecessor=predecessor, successor=successor, **values))
            elif any(getattr(succession, k) != v for k, v in values.items()):
                for name, value in values.items():
                    setattr(succession, name, value)
                changed.append(succession)
            else:
                summary.unchanged += 1
    for gone in current.values():  # no longer in the file for an ending it gives
        gone._change_reason = reason
        gone.delete()
    bulk_create_with_history(new, Succession, default_change_reason=reason)
    if changed:
        bulk_update_with_history(
            changed,
            Succession,
            ["kind", "share", "position", "source"],
            default_change_reason=reason,
        )
    summary.created, summary.updated, summary.removed = len(new), len(changed), len(current)
    return summary
