"""Excel (or CSV) downloads of the cultivation lists: written by the one tabular writer, every download audited."""

from __future__ import annotations

from django.http import HttpResponse

from kechuang.audit.services import record_event
from kechuang.core.xlsx import Sheet, sheet_response


def xlsx_response(request, *, action: str, filename: str, sheet: Sheet, rows: int, detail: dict | None = None,
                  fmt: str | None = None) -> HttpResponse:
    """The sheet as a download (``fmt="csv"``: CSV); every export writes an audit event."""
    response = sheet_response(sheet, filename, fmt or "xlsx")
    record_event(action, user=request.user, request=request, detail={"filename": filename, "rows": rows,
                                                                     **(detail or {})})
    return response
