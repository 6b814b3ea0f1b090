"""Reading the reference files that CBS and Kadaster publish: from a path or
an http(s) URL, as UTF-8, checked line by line. A source that cannot be read
or does not hold what it should raises a ReferenceDataError with a Dutch
message, which the management commands turn into a CommandError."""

import csv
import datetime
import io
import urllib.parse
import urllib.request
from collections.abc import Callable, Iterable
from pathlib import Path

from django.conf import settings

HTTP_TIMEOUT = 30  # seconds
MAX_REPORTED_ERRORS = 10


class ReferenceDataError(Exception):
    """A source that cannot be read or does not hold what it should (Dutch message)."""


def is_url(source: str) -> bool:
    return urllib.parse.urlsplit(source).scheme in ("http", "https")


def default_source(filename: str) -> str:
    """``settings.REFERENCE_DATA`` (a directory or a URL base) joined with ``filename``."""
    base = str(settings.REFERENCE_DATA)
    if is_url(base):
        return urllib.parse.urljoin(base.rstrip("/") + "/", filename)
    return str(Path(base) / filename)


def read_source(source: str) -> bytes:
    """The bytes at a path or an http(s) URL."""
    try:
        if is_url(source):
            # Only http(s) gets here (checked above), so no file: or ftp: surprises.
            with urllib.request.urlopen(source, timeout=HTTP_TIMEOUT) as response:  # noqa: S310
                return response.read()
        return Path(source).read_bytes()
    except (OSError, ValueError) as exc:  # URLError, HTTPError and timeouts are OSErrors
        raise ReferenceDataError(f"Kan {source} niet lezen: {exc}") from exc


def decode(data: bytes, source: str) -> str:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise ReferenceDataError(
            f"{source} is geen UTF-8-tekst (regel {line}); er is niets veranderd."
        ) from exc


def invalid(source: str, errors: list[str]) -> ReferenceDataError:
    shown = "\n".join(f"  {e}" for e in errors[:MAX_REPORTED_ERRORS])
    more = len(errors) - MAX_REPORTED_ERRORS
    if more > 0:
        shown += f"\n  ... en nog {more} fout(en)"
    return ReferenceDataError(f"{source} is ongeldig; er is niets veranderd.\n{shown}")


def cbs_code(value: str, prefix: str, digits: int, column: str) -> str:
    bare = value.removeprefix(prefix)
    if len(bare) != digits or not bare.isascii() or not bare.isdigit():
        raise ValueError(f"ongeldige {column} {value!r} (verwacht {digits} cijfers)")
    return prefix + bare


def parse_date(value: str, column: str) -> datetime.date:
    try:
        return datetime.datetime.strptime(value, "%Y-%m-%d").date()
    except ValueError:
        raise ValueError(f"ongeldige {column} {value!r} (verwacht JJJJ-MM-DD)") from None


def read_csv(
    data: bytes, source: str, columns: tuple[str, ...], make_row: Callable[[dict, int], object]
) -> tuple[list, list[str]]:
    """The rows of a semicolon-separated reference file with the header
    ``columns``, each made by ``make_row(values, line)`` (a ValueError names
    what is wrong with it), and the errors found, each naming its line."""
    reader = csv.DictReader(io.StringIO(decode(data, source), newline=""), delimiter=";")
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


def choice(value: str, column: str, allowed: Iterable[str]) -> str:
    if value not in allowed:
        raise ValueError(f"ongeldige {column} {value!r} (verwacht {', '.join(allowed)})")
    return value
