"""The one writer for tabular Excel exports (policy lists, assessment sheets, data quality, registry lists).

A sheet is a title, a header row and rows of plain values. The writer freezes the header, sizes the columns,
writes dates as dates and numbers as numbers, and stores any text that a spreadsheet would run as a formula as
literal text (the value is kept; the cell is a string with Excel's quote prefix, never a formula). Rows may be
a generator: the workbook is written in openpyxl's streaming mode, so a 100,000-row export stays small in memory.

Re-importable files (registry templates) and protected filing forms (``reporting/excel.py``) are not tabular
exports and keep their own openpyxl code.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import itertools
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from urllib.parse import quote

from django.http import HttpResponse
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CSV = "text/csv; charset=utf-8"
# A text cell starting with one of these is treated as a formula by Excel/WPS (CSV/XLSX injection).
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r", "\n", "＝", "＋", "－", "＠")
SIZE_SAMPLE = 200  # rows looked at to size the columns
HEADER_FONT = Font(bold=True)
HEADER_FILL = PatternFill("solid", fgColor="DDEBF7")
HEADER_ALIGN = Alignment(horizontal="center", vertical="center", wrap_text=True)
NOTE_FONT = Font(italic=True, color="666666")


@dataclass
class Sheet:
    """One worksheet: ``rows`` is any iterable of sequences (a list or a generator)."""

    title: str
    headers: Sequence[str]
    rows: Iterable[Sequence]
    widths: Sequence[float] | None = None  # None: from the headers and the first rows
    note: str = ""  # an optional first line above the header (e.g. the year and the source of a list)


def is_formula_like(value) -> bool:
    return isinstance(value, str) and value.startswith(FORMULA_PREFIXES)


def plain(value):
    """A value as a cell holds it: Decimal → int or float; everything else unchanged."""
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral() else float(value)
    return value


def sheet_title(name: str, used: set[str]) -> str:
    """A valid, unique worksheet title (Excel: at most 31 characters, none of []:*?/\\)."""
    title = "".join(ch for ch in str(name) if ch not in "[]:*?/\\")[:28] or "Sheet"
    base, n = title, 2
    while title in used:
        title, n = f"{base}{n}", n + 1
    used.add(title)
    return title


def _cell(ws, value, *, header: bool = False, note: bool = False) -> WriteOnlyCell:
    value = plain(value)
    cell = WriteOnlyCell(ws, value=value)
    if is_formula_like(value):
        cell.data_type = "s"  # never "f"
        cell.quotePrefix = True
    elif isinstance(value, (dt.date, dt.datetime)):
        cell.number_format = "yyyy-mm-dd" if not isinstance(value, dt.datetime) else "yyyy-mm-dd hh:mm"
    if header:
        cell.font, cell.fill, cell.alignment = HEADER_FONT, HEADER_FILL, HEADER_ALIGN
    elif note:
        cell.font = NOTE_FONT
    return cell


def _widths(headers: Sequence[str], sample: list[Sequence]) -> list[float]:
    out = []
    for col, header in enumerate(headers):
        longest = max([len(str(header))] + [len(str(row[col] if row[col] is not None else ""))
                                            for row in sample if col < len(row)])
        out.append(min(max(longest * 1.6 + 2, 8), 60))
    return out


def _write_sheet(wb: Workbook, sheet: Sheet, used: set[str]) -> None:
    ws = wb.create_sheet(sheet_title(sheet.title, used))
    rows = iter(sheet.rows)
    sample = [list(r) for r in itertools.islice(rows, SIZE_SAMPLE)]
    for col, width in enumerate(sheet.widths or _widths(sheet.headers, sample), 1):
        ws.column_dimensions[get_column_letter(col)].width = width
    header_row = 2 if sheet.note else 1
    ws.freeze_panes = f"A{header_row + 1}"
    if sheet.note:
        ws.append([_cell(ws, sheet.note, note=True)])
    ws.append([_cell(ws, h, header=True) for h in sheet.headers])
    for row in itertools.chain(sample, rows):
        ws.append([_cell(ws, v) for v in row])


def workbook_bytes(*sheets: Sheet) -> bytes:
    """The .xlsx bytes of ``sheets``, in order."""
    wb = Workbook(write_only=True)
    used: set[str] = set()
    for sheet in sheets:
        _write_sheet(wb, sheet, used)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def csv_bytes(sheet: Sheet) -> bytes:
    """The sheet as UTF-8 CSV with a BOM (so Excel opens Chinese text correctly); formula-like text is
    prefixed with an apostrophe, the usual CSV-injection escape."""
    buf = io.StringIO()
    writer = csv.writer(buf)
    writer.writerow(sheet.headers)
    for row in sheet.rows:
        writer.writerow(["'" + v if is_formula_like(v) else plain(v) for v in row])
    return ("\ufeff" + buf.getvalue()).encode("utf-8")


def attachment(data: bytes, filename: str, content_type: str = XLSX) -> HttpResponse:
    """A download with a Chinese file name (RFC 5987 ``filename*``, understood by every current browser)."""
    response = HttpResponse(data, content_type=content_type)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(filename)}"
    return response


def sheet_response(sheet: Sheet, filename: str, fmt: str = "xlsx") -> HttpResponse:
    """One sheet as an .xlsx download, or as .csv when ``fmt`` is "csv" (the file name's suffix follows)."""
    if fmt == "csv":
        return attachment(csv_bytes(sheet), filename.rsplit(".", 1)[0] + ".csv", CSV)
    return attachment(workbook_bytes(sheet), filename)
