"""Excel exports for the cultivation lists: formula-injection-safe cells, audited downloads."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal
from urllib.parse import quote

from django.http import HttpResponse
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from kechuang.audit.services import record_event

# A text cell starting with one of these is treated as a formula by Excel/WPS (CSV/XLSX injection).
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r", "\n", "＝", "＋", "－", "＠")
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def set_cell(ws, row: int, col: int, value):
    """Write ``value``; text that could run as a formula is stored as literal text."""
    if isinstance(value, Decimal):
        value = float(value) if value != value.to_integral() else int(value)
    cell = ws.cell(row=row, column=col)
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        cell.value = value
        cell.data_type = "s"  # never "f"
        cell.quotePrefix = True
        return cell
    cell.value = value
    if isinstance(value, (dt.date, dt.datetime)):
        cell.number_format = "yyyy-mm-dd"
    return cell


def workbook(title: str, headers: list[str], rows: list[list], note: str = "") -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.title = title[:31]
    start = 1
    if note:
        set_cell(ws, 1, 1, note).font = Font(italic=True, color="666666")
        start = 2
    for col, header in enumerate(headers, 1):
        cell = set_cell(ws, start, col, header)
        cell.font = Font(bold=True)
        cell.fill = PatternFill("solid", fgColor="DDEBF7")
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
    for r, row in enumerate(rows, start + 1):
        for col, value in enumerate(row, 1):
            set_cell(ws, r, col, value)
    for col, header in enumerate(headers, 1):
        width = max([len(str(header))] + [len(str(row[col - 1] or "")) for row in rows[:200]]) * 1.6 + 2
        ws.column_dimensions[get_column_letter(col)].width = min(max(width, 8), 60)
    ws.freeze_panes = ws.cell(row=start + 1, column=1)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def xlsx_response(request, *, action: str, filename: str, title: str, headers: list[str], rows: list[list],
                  note: str = "", detail: dict | None = None) -> HttpResponse:
    """The workbook as a download; every export writes an audit event."""
    data = workbook(title, headers, rows, note)
    record_event(action, user=request.user, request=request,
                 detail={"filename": filename, "rows": len(rows), **(detail or {})})
    response = HttpResponse(data, content_type=XLSX)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(filename)}"
    return response
