"""Cleaning of submitted data: numbers, texts, the problems blocking a submission."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from .. import plausibility
from ..models import TaskReport
from .errors import TEXT_MAX, InvalidData

TASK_FIELDS = ("percent_complete", "narrative", "problems", "next_steps")
VALUE_FIELDS = ("value", "note")


def parse_decimal(raw, label: str) -> Decimal | None:
    if raw is None:
        return None
    if isinstance(raw, Decimal):
        return raw
    if isinstance(raw, bool):
        raise InvalidData(f"{label}须为数字")
    if isinstance(raw, int | float):
        return Decimal(str(raw))
    text = str(raw).strip().replace(",", "").replace("，", "")
    if text.endswith(("%", "％")):
        text = text[:-1].strip()
    if text == "":
        return None
    try:
        value = Decimal(text)
    except InvalidOperation as exc:
        raise InvalidData(f"{label}须为数字，收到“{text[:20]}”") from exc
    if not value.is_finite():
        raise InvalidData(f"{label}须为数字")
    return value


def _text(raw, label: str) -> str:
    text = "" if raw is None else str(raw).strip()
    if len(text) > TEXT_MAX:
        raise InvalidData(f"{label}不能超过 {TEXT_MAX} 字")
    return text


def clean_task_data(data: dict) -> dict:
    """Parse a task report's editable fields; raises InvalidData listing every problem."""
    cleaned, problems = {}, []
    labels = {"percent_complete": "完成进度", "narrative": "进展情况", "problems": "存在问题", "next_steps": "下步打算"}
    for name in TASK_FIELDS:
        if name not in data:
            continue
        try:
            if name == "percent_complete":
                value = parse_decimal(data[name], labels[name])
                if value is not None and not (Decimal(0) <= value <= Decimal(100)):
                    raise InvalidData("完成进度须在 0 到 100 之间")
                if value is not None:
                    value = value.quantize(Decimal("0.01"))
                cleaned[name] = value
            else:
                cleaned[name] = _text(data[name], labels[name])
        except InvalidData as exc:
            problems.extend(exc.messages)
    if problems:
        raise InvalidData(problems[0], problems)
    return cleaned


def clean_value_data(data: dict) -> dict:
    cleaned, problems = {}, []
    if "value" in data:
        try:
            value = parse_decimal(data["value"], "数值")
            if value is not None and abs(value) >= Decimal("1e16"):
                raise InvalidData("数值过大")
            cleaned["value"] = value.quantize(Decimal("0.0001")) if value is not None else None
        except InvalidData as exc:
            problems.extend(exc.messages)
    if "note" in data:
        try:
            cleaned["note"] = _text(data["note"], "说明")
        except InvalidData as exc:
            problems.extend(exc.messages)
    if problems:
        raise InvalidData(problems[0], problems)
    return cleaned


def submission_problems(row, *, batch=None) -> list[str]:
    """What stops this row from being submitted (empty when it may go)."""
    if isinstance(row, TaskReport):
        problems = []
        if row.percent_complete is None:
            problems.append("请填写完成进度（%）")
        if not row.narrative.strip():
            problems.append("请填写进展情况")
        return problems
    if row.value is None:
        return ["请填写数值"]
    result = plausibility.check_value(row.indicator, row.unit, row.period, row.value, row.note, batch=batch)
    return result.blocking(row.note)
