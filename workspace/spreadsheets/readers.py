"""Reading an uploaded file (CSV as Dutch Excel saves it: semicolons,
Windows-1252 or UTF-8 with a BOM; or an XLSX workbook) into the columns of a
sheet and its rows; a file that cannot be imported at all is refused whole."""

import csv
import datetime
import io
import re
import zipfile
from typing import Any, TypedDict, cast

import openpyxl
from django.conf import settings
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from openpyxl.cell.read_only import EmptyCell, ReadOnlyCell

from .cells import FORMULA_START, Cell, Clear, as_text, is_clear_word, loose
from .sheets import SHEETS, Sheet


class Upload(TypedDict):
    """A file read for import: what the preview and the apply step need."""

    kind: str
    filename: str
    columns: list[str]  # the sheet's columns the file has, in its order
    ignored: list[str]  # headers of the columns it has that no sheet reads
    rows: list[tuple[int, dict[str, Cell]]]  # (row number, {column: cell})


MAX_ROWS = 5000
MAX_SCANNED_ROWS = 100_000  # empty rows included: a guard against inflated workbooks
# A workbook is a ZIP: 5,000 rows unpack to a few MB. More is a file made to
# inflate (a million tiny shared strings), refused before openpyxl reads it.
MAX_UNPACKED_MB = 25


class SpreadsheetError(Exception):
    """A file that cannot be imported at all; the message is for the volunteer."""


def max_upload_bytes() -> int:
    return settings.MAX_UPLOAD_MB * 1024 * 1024


# --- reading files ------------------------------------------------------------------------

NOT_TEXT = gettext_lazy(
    "Dit bestand is geen tekst en dus geen CSV. Sla het in Excel op als "
    '"CSV (gescheiden door lijstscheidingsteken)" of als Excel-werkmap (.xlsx).'
)
NOT_XLSX = gettext_lazy(
    "Dit bestand is geen Excel-werkmap (.xlsx). Sla het in Excel opnieuw op als .xlsx of als CSV."
)
CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def read_csv(data: bytes) -> list[list[Cell]]:
    """Rows of a CSV file as Excel saves it: UTF-8 (with or without BOM) or
    Windows-1252, separated by semicolons, commas or tabs (whichever the header has most)."""
    if data.startswith(b"PK\x03\x04"):
        raise SpreadsheetError(_("Dit is een Excel-werkmap, geen CSV: geef het de extensie .xlsx."))
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        try:
            text = data.decode("cp1252")
        except UnicodeDecodeError:
            raise SpreadsheetError(str(NOT_TEXT)) from None
    if CONTROL_CHARACTERS.search(text):
        raise SpreadsheetError(str(NOT_TEXT))
    header = next((line for line in text.splitlines() if line.strip()), "")
    delimiter = max(";,\t", key=header.count)
    try:
        rows = list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter))
    except csv.Error as error:
        raise SpreadsheetError(_("Het CSV-bestand kon niet gelezen worden: %s.") % error) from None
    return [[csv_cell(cell) for cell in row] for row in rows]


def csv_cell(text: str) -> str:
    """Undo the quote the export puts before text that Excel would take for a
    formula or that reads as "clear this value" ("'-", "'leeg": meant as text)."""
    text = text.strip()
    if text.startswith("'") and (text[1:2] in FORMULA_START or is_clear_word(text[1:])):
        return text[1:]
    return Clear(text) if is_clear_word(text) else text


def xlsx_cell(value: object, number_format: str | None, quoted: bool = False) -> Cell:
    """A cell's value as text, or as a date; a date cell formatted as a month
    ("apr-25") or a year stands for that month or year. A text cell typed with a
    leading quote in Excel (``quoted``) is never read as "clear this value"."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "ja" if value else "nee"
    if isinstance(value, datetime.datetime):
        value = value.date()
    if isinstance(value, datetime.date):
        shown = re.sub(r'\[[^]]*]|"[^"]*"', "", (number_format or "").lower())
        if "d" not in shown and "y" in shown:
            return value.strftime("%m-%Y") if "m" in shown else str(value.year)
        return value
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    text = str(value).strip()
    return Clear(text) if is_clear_word(text) and not quoted else text


def read_xlsx(data: bytes) -> list[list[Cell]]:
    """Rows of the first sheet of an Excel workbook (values, not formulas)."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            if "xl/workbook.xml" not in archive.namelist():
                raise SpreadsheetError(str(NOT_XLSX))
            # The sizes the ZIP declares bound what it unpacks (zipfile stops there).
            if sum(item.file_size for item in archive.infolist()) > MAX_UNPACKED_MB * 2**20:
                raise SpreadsheetError(
                    _(
                        "Dit Excel-bestand is uitgepakt groter dan %(mb)s MB; dat past niet bij "
                        "een lijst van hoogstens %(rows)s regels. Sla alleen de gegevens op "
                        "(zonder opmaak of extra bladen) of stuur een CSV-bestand."
                    )
                    % {"mb": MAX_UNPACKED_MB, "rows": MAX_ROWS}
                )
        workbook = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except SpreadsheetError:
        raise
    except Exception:  # openpyxl raises many kinds of errors on a broken file
        raise SpreadsheetError(str(NOT_XLSX)) from None
    rows = []
    try:
        sheet = workbook.worksheets[0]
        sheet.reset_dimensions()  # trust the rows, not a size the writer may have got wrong
        filled = 0
        for row in sheet.iter_rows():
            # A read-only workbook's cells (the stubs give it an ordinary sheet's).
            cells = cast(tuple[ReadOnlyCell | EmptyCell, ...], row)
            rows.append([xlsx_cell(cell.value, cell.number_format, quoted(cell)) for cell in cells])
            filled += any(rows[-1])
            if filled > MAX_ROWS + 1 or len(rows) > MAX_SCANNED_ROWS:
                break  # too many: read_spreadsheet() says so
    except Exception:
        raise SpreadsheetError(str(NOT_XLSX)) from None
    finally:
        workbook.close()
    return rows


def quoted(cell: ReadOnlyCell | EmptyCell) -> bool:
    """Whether Excel shows this text cell as typed with a leading quote ('-)."""
    return (
        isinstance(cell, ReadOnlyCell)
        and isinstance(cell.value, str)
        and bool(cell.style_array.quotePrefix)
    )


READERS = {".csv": read_csv, ".xlsx": read_xlsx}
HEADER_ALIASES = {"gemeentecode": "cbs_code", "emailadres": "email", "link": "bron"}


def header_name(sheet: type[Sheet[Any]], text: str) -> str | None:
    """The column a header stands for: case, accents, spaces and dashes don't matter."""
    key = loose(text)
    names = sheet.column_names()
    name = next((n for n in names if loose(n) == key), HEADER_ALIASES.get(key))
    return name if name in names else None


def check_upload(filename: str, size: int) -> str:
    """The file's extension, if it may be imported at all."""
    extension = "." + filename.rsplit(".", 1)[-1].lower() if "." in filename else ""
    if extension not in READERS:
        raise SpreadsheetError(
            _('Alleen .csv- en .xlsx-bestanden kunnen worden geïmporteerd, geen "%(name)s".')
            % {"name": filename}
        )
    if size > max_upload_bytes():
        raise SpreadsheetError(
            _("Het bestand is groter dan %(mb)s MB; splits het op.")
            % {"mb": max_upload_bytes() // (1024 * 1024)}
        )
    return extension


def read_spreadsheet(kind: str, filename: str, data: bytes) -> Upload:
    """Read an uploaded file into what the preview and the apply step need:
    {"kind", "filename", "columns", "ignored", "rows": [(row number, {column: cell})]}.
    Raises SpreadsheetError when the file as a whole cannot be imported."""
    sheet = SHEETS[kind]
    table = READERS[check_upload(filename, len(data))](data)
    numbered = [(number, row) for number, row in enumerate(table, start=1) if any(row)]
    if not numbered:
        raise SpreadsheetError(_("Het bestand is leeg."))
    (_header_number, header), body = numbered[0], numbered[1:]
    if len(body) > MAX_ROWS or len(table) > MAX_SCANNED_ROWS:
        raise SpreadsheetError(
            _("Het bestand heeft meer dan %(max)s regels; splits het op in kleinere bestanden.")
            % {"max": MAX_ROWS}
        )
    positions: dict[str, int] = {}
    ignored = []
    for index, title in enumerate(header):
        title = as_text(title).strip()
        name = header_name(sheet, title)
        if name in positions:
            raise SpreadsheetError(_('De kolom "%(name)s" staat er twee keer in.') % {"name": name})
        if name:
            positions[name] = index
        elif title or any(index < len(row) and row[index] for _n, row in body):
            ignored.append(title or _("kolom %(n)s (zonder kop)") % {"n": index + 1})
    missing = [name for name in sheet.required_columns() if name not in positions]
    if missing == ["gemeente"] and "cbs_code" in positions:
        missing = []
    if missing:
        raise SpreadsheetError(
            _(
                "Verplichte kolommen ontbreken: %(missing)s. De eerste regel van het bestand "
                "moet de kolomkoppen bevatten; zie de uitleg hieronder."
            )
            % {"missing": ", ".join(missing)}
        )
    rows = [
        (number, {name: row[i] if i < len(row) else "" for name, i in positions.items()})
        for number, row in body
    ]
    return {
        "kind": kind,
        "filename": filename,
        "columns": list(positions),
        "ignored": ignored,
        "rows": rows,
    }
