"""Imports of the reference data that CBS and Kadaster publish every year: the
register of municipalities (with its mergers) and their boundaries.

Both imports read a path or an http(s) URL, check the whole file before they
write anything, write in one transaction and are idempotent: a second run on
the same file changes nothing. A source they cannot read or use raises a
ReferenceDataError with a Dutch message, which the management commands turn
into a CommandError.
"""

import csv
import datetime
import functools
import io
import itertools
import json
import re
import urllib.parse
import urllib.request
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

import shapely
from django.conf import settings
from django.db import transaction
from django.utils import timezone
from pyproj import Transformer
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from kinderpardon.history import changeset
from kinderpardon.text import fold, name_slug

from .models import Boundary, Municipality, Province, Succession, succession_problem
from .signals import register_imported

HTTP_TIMEOUT = 30  # seconds
MAX_REPORTED_ERRORS = 10

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

MUNICIPALITY_CODE = re.compile(r"GM\d{4}")
RD_NEW = "EPSG:28992"
WGS84 = "EPSG:4326"
DEFAULT_TOLERANCE = 0.0005  # degrees: about 35 m east-west, 55 m north-south here
COORDINATE_DECIMALS = 4  # about 10 m, finer than the simplification


class ReferenceDataError(Exception):
    """A source that cannot be read or does not hold what it should (Dutch message)."""


# Reading a source ---------------------------------------------------------


def _is_url(source: str) -> bool:
    return urllib.parse.urlsplit(source).scheme in ("http", "https")


def default_source(filename: str) -> str:
    """``settings.REFERENCE_DATA`` (a directory or a URL base) joined with ``filename``."""
    base = str(settings.REFERENCE_DATA)
    if _is_url(base):
        return urllib.parse.urljoin(base.rstrip("/") + "/", filename)
    return str(Path(base) / filename)


def read_source(source: str) -> bytes:
    """The bytes at a path or an http(s) URL."""
    try:
        if _is_url(source):
            # Only http(s) gets here (checked above), so no file: or ftp: surprises.
            with urllib.request.urlopen(source, timeout=HTTP_TIMEOUT) as response:  # noqa: S310
                return response.read()
        return Path(source).read_bytes()
    except (OSError, ValueError) as exc:  # URLError, HTTPError and timeouts are OSErrors
        raise ReferenceDataError(f"Kan {source} niet lezen: {exc}") from exc


def _decode(data: bytes, source: str) -> str:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise ReferenceDataError(
            f"{source} is geen UTF-8-tekst (regel {line}); er is niets veranderd."
        ) from exc


def _invalid(source: str, errors: list[str]) -> ReferenceDataError:
    shown = "\n".join(f"  {e}" for e in errors[:MAX_REPORTED_ERRORS])
    more = len(errors) - MAX_REPORTED_ERRORS
    if more > 0:
        shown += f"\n  ... en nog {more} fout(en)"
    return ReferenceDataError(f"{source} is ongeldig; er is niets veranderd.\n{shown}")


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


def _cbs_code(value: str, prefix: str, digits: int, column: str) -> str:
    bare = value.removeprefix(prefix)
    if len(bare) != digits or not bare.isascii() or not bare.isdigit():
        raise ValueError(f"ongeldige {column} {value!r} (verwacht {digits} cijfers)")
    return prefix + bare


def _date(value: str, column: str) -> datetime.date:
    try:
        return datetime.datetime.strptime(value, "%Y-%m-%d").date()
    except ValueError:
        raise ValueError(f"ongeldige {column} {value!r} (verwacht JJJJ-MM-DD)") from None


def _read_csv(data: bytes, source: str, columns: tuple[str, ...], make_row) -> tuple[list, list]:
    """The rows of a semicolon-separated reference file with the header
    ``columns``, each made by ``make_row(values, line)`` (a ValueError names
    what is wrong with it), and the errors found, each naming its line."""
    reader = csv.DictReader(io.StringIO(_decode(data, source), newline=""), delimiter=";")
    rows: list = []
    errors: list[str] = []
    try:
        header = [name.strip().lower() for name in reader.fieldnames or []]
        missing = [c for c in columns if c not in header]
        if missing:
            errors.append(
                f"regel 1: kolom(men) {', '.join(missing)} ontbreken; "
                f"verwacht de kop {';'.join(columns)}"
            )
            return rows, errors
        reader.fieldnames = header
        for record in reader:
            try:
                if None in record:  # csv.DictReader's key for surplus fields
                    raise ValueError("te veel kolommen")
                if any(record[c] is None for c in columns):
                    raise ValueError("te weinig kolommen")
                values = {c: record[c].strip() for c in columns}
                rows.append(make_row(values, reader.line_num))
            except ValueError as exc:
                errors.append(f"regel {reader.line_num}: {exc}")
    except csv.Error as exc:
        errors.append(f"regel {max(reader.line_num, 1)}: geen leesbare CSV ({exc})")
    return rows, errors


def _register_row(values: dict, line: int) -> RegisterRow:
    for column in ("provincienaam", "gemeentenaam", "begindatum"):
        if not values[column]:
            raise ValueError(f"{column} ontbreekt")
    begins_on = _date(values["begindatum"], "begindatum")
    ends_on = _date(values["einddatum"], "einddatum") if values["einddatum"] else None
    if ends_on is not None and ends_on <= begins_on:
        raise ValueError("einddatum ligt niet na begindatum")
    province_name = values["provincienaam"]
    return RegisterRow(
        line=line,
        province_code=_cbs_code(values["provinciecode"], "PV", 2, "provinciecode"),
        province_name=PROVINCE_NAMES.get(province_name, province_name),
        code=_cbs_code(values["gemeentecode"], "GM", 4, "gemeentecode"),
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
    rows, errors = _read_csv(data, source, REGISTER_COLUMNS, _register_row)
    errors += _consistency_errors(rows)
    if not errors and not rows:
        errors.append("het bestand bevat geen gemeenten")
    if errors:
        raise _invalid(source, errors)
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


def _choice(value: str, column: str, allowed: Iterable[str]) -> str:
    if value not in allowed:
        raise ValueError(f"ongeldige {column} {value!r} (verwacht {', '.join(allowed)})")
    return value


def _merger_row(values: dict, line: int) -> MergerRow:
    if not values["bron"]:
        raise ValueError("bron ontbreekt: elke opvolging heeft een bron")
    return MergerRow(
        line=line,
        code=_cbs_code(values["gemeentecode"], "GM", 4, "gemeentecode"),
        name=values["gemeentenaam"],
        ends_on=_date(values["einddatum"], "einddatum"),
        successor_code=_cbs_code(values["opvolger_code"], "GM", 4, "opvolger_code"),
        kind=_choice(values["soort"], "soort", [*Succession.Kind.values, PROVINCE_CHANGE]),
        share=_choice(values["deel"], "deel", Succession.Share.values),
        source=values["bron"],
    )


def parse_mergers(data: bytes, source: str = "het bestand") -> list[MergerRow]:
    """Every row of the merger file, checked on its own; errors name the line."""
    rows, errors = _read_csv(data, source, MERGER_COLUMNS, _merger_row)
    if errors:
        raise _invalid(source, errors)
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
        raise _invalid(source, errors)
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


# Boundaries ---------------------------------------------------------------


@dataclass
class BoundarySummary:
    year: int
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    unmatched: list[str] = field(default_factory=list)

    def __str__(self) -> str:
        text = (
            f"Grenzen {self.year}: {self.created} nieuw, {self.updated} bijgewerkt, "
            f"{self.unchanged} ongewijzigd; {len(self.unmatched)} code(s) zonder gemeente"
        )
        return f"{text}: {', '.join(self.unmatched)}." if self.unmatched else f"{text}."


def _feature(feature: object) -> tuple[str, shapely.Geometry]:
    if not isinstance(feature, dict) or feature.get("type") != "Feature":
        raise ValueError("is geen GeoJSON-Feature")
    properties = feature.get("properties")
    code = properties.get("statcode") if isinstance(properties, dict) else None
    if not isinstance(code, str) or not MUNICIPALITY_CODE.fullmatch(code):
        raise ValueError(f"statcode ontbreekt of is ongeldig ({code!r}; verwacht zoals GM0014)")
    geometry = feature.get("geometry")
    if not isinstance(geometry, dict):
        raise ValueError(f"{code} heeft geen geometrie")
    if geometry.get("type") not in ("Polygon", "MultiPolygon"):
        raise ValueError(
            f"{code} heeft een geometrie van type {geometry.get('type')!r} "
            "(verwacht Polygon of MultiPolygon)"
        )
    try:
        shape = shapely.from_geojson(json.dumps(geometry))
    except shapely.errors.ShapelyError as exc:
        raise ValueError(f"{code} heeft onbruikbare coördinaten ({exc})") from None
    if shape.is_empty:
        raise ValueError(f"{code} heeft een lege geometrie")
    return code, shape


def _in_box(bounds: Iterable[float], box: tuple[float, float, float, float]) -> bool:
    minx, miny, maxx, maxy = bounds
    return box[0] <= minx and maxx <= box[2] and box[1] <= miny and maxy <= box[3]


WGS84_NETHERLANDS = (3.0, 50.0, 8.0, 54.0)  # lon, lat
RD_NETHERLANDS = (0.0, 300_000.0, 300_000.0, 650_000.0)  # metres


def _source_crs(collection: dict, shapes: list[shapely.Geometry], source: str) -> str:
    """RD New or WGS84: from the ``crs`` member, else from the coordinates' size."""
    crs = collection.get("crs")
    if crs is not None:
        properties = crs.get("properties") if isinstance(crs, dict) else None
        name = str(properties.get("name", "")) if isinstance(properties, dict) else ""
        if "28992" in name:
            return RD_NEW
        if "4326" in name or "CRS84" in name:
            return WGS84
        raise ReferenceDataError(
            f"{source}: onbekend coördinatenstelsel {name!r} (verwacht WGS84 of RD New, "
            "EPSG:28992); er is niets veranderd."
        )
    bounds = shapely.total_bounds(shapes)
    if _in_box(bounds, WGS84_NETHERLANDS):
        return WGS84
    if _in_box(bounds, RD_NETHERLANDS):
        return RD_NEW
    raise ReferenceDataError(
        f"{source}: de coördinaten passen niet bij WGS84 (lengte 3..8, breedte 50..54) of "
        "RD New (x 0..300000, y 300000..650000); er is niets veranderd."
    )


@functools.cache
def _rd_to_wgs84() -> Transformer:
    return Transformer.from_crs(RD_NEW, WGS84, always_xy=True)


def parse_boundaries(
    data: bytes, source: str = "het bestand", tolerance: float = DEFAULT_TOLERANCE
) -> dict[str, dict]:
    """CBS code -> GeoJSON geometry in WGS84, simplified by ``tolerance``
    degrees and rounded to COORDINATE_DECIMALS, from a FeatureCollection."""
    try:
        collection = json.loads(_decode(data, source))
    except json.JSONDecodeError as exc:
        raise ReferenceDataError(
            f"{source} is geen JSON (regel {exc.lineno}: {exc.msg}); er is niets veranderd."
        ) from exc
    if (
        not isinstance(collection, dict)
        or collection.get("type") != "FeatureCollection"
        or not isinstance(collection.get("features"), list)
    ):
        raise ReferenceDataError(
            f"{source} is geen GeoJSON-FeatureCollection; er is niets veranderd."
        )
    codes: list[str] = []
    shapes: list[shapely.Geometry] = []
    errors: list[str] = []
    seen: dict[str, int] = {}
    for number, feature in enumerate(collection["features"], start=1):
        try:
            code, shape = _feature(feature)
        except ValueError as exc:
            errors.append(f"object {number}: {exc}")
            continue
        if code in seen:
            errors.append(f"object {number}: {code} kwam al voor bij object {seen[code]}")
        seen[code] = number
        codes.append(code)
        shapes.append(shape)
    if not errors and not shapes:
        errors.append("het bestand bevat geen gebieden")
    if errors:
        raise _invalid(source, errors)

    if _source_crs(collection, shapes, source) == RD_NEW:
        shapes = shapely.transform(shapes, _rd_to_wgs84().transform, interleaved=False)
    if not _in_box(shapely.total_bounds(shapes), WGS84_NETHERLANDS):
        raise ReferenceDataError(
            f"{source}: de gebieden liggen niet in Nederland; klopt het coördinatenstelsel? "
            "Er is niets veranderd."
        )
    simplified = shapely.simplify(shapes, tolerance, preserve_topology=True)
    rounded = shapely.transform(simplified, lambda xy: xy.round(COORDINATE_DECIMALS))
    return {
        code: json.loads(text)
        for code, text in zip(codes, shapely.to_geojson(rounded), strict=True)
    }


def import_boundaries(
    source: str | None = None, year: int | None = None, tolerance: float = DEFAULT_TOLERANCE
) -> BoundarySummary:
    """Store one simplified WGS84 boundary per municipality for ``year``, matched
    by CBS code; codes without a municipality are listed, not fatal."""
    source = source or default_source(settings.REFERENCE_BOUNDARIES_FILE)
    year = settings.REFERENCE_BOUNDARIES_YEAR if year is None else year
    if not 1800 <= year <= 2200:
        raise ReferenceDataError(f"Ongeldig jaar {year}.")
    if tolerance < 0:
        raise ReferenceDataError(f"De tolerantie kan niet negatief zijn ({tolerance}).")
    geometries = parse_boundaries(read_source(source), source, tolerance)
    summary = BoundarySummary(year=year)
    with transaction.atomic():
        ids = dict(Municipality.objects.filter(code__in=geometries).values_list("code", "pk"))
        existing = {
            b.municipality_id: b
            for b in Boundary.objects.filter(year=year, municipality_id__in=ids.values())
        }
        new, changed = [], []
        for code, geometry in sorted(geometries.items()):
            municipality_id = ids.get(code)
            boundary = existing.get(municipality_id)
            if municipality_id is None:
                summary.unmatched.append(code)
            elif boundary is None:
                new.append(Boundary(municipality_id=municipality_id, year=year, geometry=geometry))
            elif boundary.geometry != geometry:
                boundary.geometry = geometry
                changed.append(boundary)
            else:
                summary.unchanged += 1
        Boundary.objects.bulk_create(new)
        Boundary.objects.bulk_update(changed, ["geometry"])
    register_imported.send(sender=Municipality)  # bulk writes send no post_save
    summary.created, summary.updated = len(new), len(changed)
    return summary
