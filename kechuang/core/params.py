"""Query parameters checked in one place for pages and the API: a value out of range is a ``BadParameter``
(a Chinese message naming the parameter), which the API answers with 422 and pages with 400 — never a 500."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from pydantic import Field

# API query parameters with declared ranges: an out-of-range value is a 422 from validation (the ranges appear
# in the OpenAPI document), never an overflow in the database driver.
Offset = Annotated[int, Field(ge=0, le=1_000_000_000)]
Limit = Annotated[int, Field(ge=1, le=1000)]
DbId = Annotated[int, Field(ge=1, le=2**63 - 1)]  # a row id as the databases store it (64-bit signed)

DATE_MIN = dt.date(1949, 1, 1)
DATE_MAX = dt.date(2100, 12, 31)


# Query parameters as users know them: the date pickers on pages submit these names, and the message is shown on
# the page (the API documents the parameter names themselves).
PARAM_LABELS = {"as_of": "截至日期", "date": "日期", "since": "起始日期", "until": "截止日期"}


def _name(field: str) -> str:
    return PARAM_LABELS.get(field, field)


class BadParameter(ValueError):
    """A request parameter outside what the system accepts; the message is shown to the user."""


def date_in_range(value: dt.date | None, field: str) -> dt.date | None:
    if value is not None and not DATE_MIN <= value <= DATE_MAX:
        raise BadParameter(
            f"参数“{_name(field)}”的日期 {value.isoformat()} 超出允许范围（{DATE_MIN:%Y}–{DATE_MAX:%Y} 年）")
    return value


def parse_date(raw: str | None, field: str) -> dt.date | None:
    """A YYYY-MM-DD query parameter (empty → None)."""
    raw = (raw or "").strip()
    if not raw:
        return None
    try:
        value = dt.date.fromisoformat(raw)
    except ValueError as exc:
        raise BadParameter(f"参数“{_name(field)}”应为“年-月-日”格式的日期（如 2022-06-30），收到“{raw[:20]}”") from exc
    return date_in_range(value, field)


def year_in_range(year: int | None, field: str, low: int, high: int) -> int | None:
    if year is not None and not low <= year <= high:
        raise BadParameter(f"参数“{field}”的年度 {year} 超出允许范围（{low}–{high} 年）")
    return year
