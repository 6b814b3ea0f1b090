"""The export: motions and contact moments as CSV and XLSX, in the columns
the import reads, so that a file exported and imported again changes nothing."""

import codecs
import csv
import datetime
import itertools
import tempfile
from collections.abc import Iterable, Iterator
from typing import IO

import openpyxl
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.cell.cell import Cell as WorkbookCell
from openpyxl.worksheet._write_only import WriteOnlyWorksheet

from .cells import FORMULA_START, Cell, as_text, is_clear_word
from .sheets import SHEETS

# --- export --------------------------------------------------------------------------------

Values = list[Cell | int | None]
CHUNK_SIZE = 1000  # rows read from the database at a time, and written to the CSV at a time
XLSX_IN_MEMORY = 1024 * 1024  # a larger workbook is spooled to a temporary file


def export_table(kind: str) -> tuple[list[str], Iterator[Values]]:
    """The header and the rows, read lazily in chunks: no more than CHUNK_SIZE
    records are in memory at once. The queryset joins whatever a row shows
    (``select_related``), so the export is one query however many rows it has."""
    sheet = SHEETS[kind]()
    rows = sheet.queryset().iterator(chunk_size=CHUNK_SIZE)
    return sheet.column_names(), (list(sheet.cells(instance).values()) for instance in rows)


def csv_safe(value: Cell | int | None) -> str:
    """Text that Excel would take for a formula, or that an import would read as
    "clear this value", gets a quote in front (undone on import)."""
    text = as_text(value)
    if isinstance(value, str) and (text.startswith(FORMULA_START) or is_clear_word(text)):
        return "'" + text
    return text


class Echo:
    """A file that hands back what is written to it, so ``csv.writer`` gives each line."""

    def write(self, value: str) -> str:
        return value


def stream_csv(headers: list[str], rows: Iterable[Values]) -> Iterator[bytes]:
    """Semicolons and a BOM: what Dutch Excel opens without questions; written a
    chunk of rows at a time, byte for byte what one ``utf-8-sig`` string would be."""
    writer = csv.writer(Echo(), delimiter=";", lineterminator="\r\n")
    yield codecs.BOM_UTF8 + writer.writerow(headers).encode()
    rows = iter(rows)
    while chunk := list(itertools.islice(rows, CHUNK_SIZE)):
        yield "".join(writer.writerow([csv_safe(value) for value in row]) for row in chunk).encode()


def write_xlsx(headers: list[str], rows: Iterable[Values]) -> IO[bytes]:
    """The workbook in a (spooled) temporary file, read from the start.

    A write-only workbook keeps no rows: each is written to openpyxl's own
    temporary file as it is appended. The .xlsx itself, a zip, can only be
    put together once every row is in (openpyxl cannot write a zip as a
    stream), so the response sends this file once it is complete."""
    workbook = openpyxl.Workbook(write_only=True)
    sheet = workbook.create_sheet()
    sheet.append(headers)
    for row in rows:
        sheet.append([xlsx_out(sheet, value) for value in row])
    # Open past this function: the FileResponse that sends it closes it.
    out = tempfile.SpooledTemporaryFile(max_size=XLSX_IN_MEMORY)  # noqa: SIM115
    try:
        workbook.save(out)
    except BaseException:
        out.close()
        raise
    out.seek(0)
    return out


def xlsx_out(sheet: WriteOnlyWorksheet, value: Cell | int | None) -> WorkbookCell:
    cell = WriteOnlyCell(sheet)
    if isinstance(value, datetime.date):
        cell.value = value
        cell.number_format = "DD-MM-YYYY"
    elif isinstance(value, str):
        cell.value = ILLEGAL_CHARACTERS_RE.sub("", value)
        cell.data_type = "s"  # text, even when it starts with "="
        if is_clear_word(value):
            cell.quotePrefix = True  # a stored "-" is text, not "clear this value"
    else:
        cell.value = value
    return cell


CONTENT_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
