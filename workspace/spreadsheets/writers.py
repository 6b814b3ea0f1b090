"""The export: motions and contact moments as CSV and XLSX, in the columns
the import reads, so that a file exported and imported again changes nothing."""

import csv
import datetime
import io

import openpyxl
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.cell.cell import Cell as WorkbookCell
from openpyxl.worksheet._write_only import WriteOnlyWorksheet

from .cells import FORMULA_START, Cell, as_text, is_clear_word
from .sheets import SHEETS

# --- export --------------------------------------------------------------------------------


def export_table(kind: str) -> tuple[list[str], list[list[Cell | int | None]]]:
    sheet = SHEETS[kind]()
    cells = [sheet.cells(instance) for instance in sheet.queryset()]
    return sheet.column_names(), [list(row.values()) for row in cells]


def csv_safe(value: Cell | int | None) -> str:
    """Text that Excel would take for a formula, or that an import would read as
    "clear this value", gets a quote in front (undone on import)."""
    text = as_text(value)
    if isinstance(value, str) and (text.startswith(FORMULA_START) or is_clear_word(text)):
        return "'" + text
    return text


def write_csv(headers: list[str], rows: list[list[Cell | int | None]]) -> bytes:
    """Semicolons and a BOM: what Dutch Excel opens without questions."""
    out = io.StringIO(newline="")
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    writer.writerow(headers)
    writer.writerows([csv_safe(value) for value in row] for row in rows)
    return out.getvalue().encode("utf-8-sig")


def write_xlsx(headers: list[str], rows: list[list[Cell | int | None]]) -> bytes:
    workbook = openpyxl.Workbook(write_only=True)
    sheet = workbook.create_sheet()
    sheet.append(headers)
    for row in rows:
        sheet.append([xlsx_out(sheet, value) for value in row])
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


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


WRITERS = {
    "csv": (write_csv, "text/csv; charset=utf-8"),
    "xlsx": (write_xlsx, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
}
