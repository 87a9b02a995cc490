"""Year rollover: next year's plan from this year's (or from an extracted draft), with this year's
actuals as the new baselines.

Baselines come from the one resolution path, ``kechuang.metrics.resolution.resolve(indicator,
date(year, 12, 31))``; an indicator without a value keeps an empty baseline. Units persist (they are
not per plan), so do users and their roles; the plan's settings (working rules) are carried over.
Idempotent: rolling over again updates the new draft in place and writes nothing when nothing changed.

It lives on the top floor, with its page action and command: a baseline is a resolved value, and the
resolution path and the apps that plug values into it all sit above plans.
"""

from __future__ import annotations

import copy
import datetime as dt
import difflib
import re
from decimal import Decimal

from django.db import transaction

from kechuang.audit.services import record_event
from kechuang.metrics.resolution import resolve
from kechuang.plans.choices import PlanStatus
from kechuang.plans.loader import PlanFileError, dump_plan, load_plan
from kechuang.plans.models import Indicator, Plan


class RolloverError(PlanFileError):
    """A rollover that cannot be done; the message is for users."""


def _baseline(indicator: Indicator, as_of: dt.date) -> Decimal | None:
    try:
        value = resolve(indicator, as_of).value
    except KeyError:
        # A computation that is not defined (any more): no actual to carry.
        return None
    return Decimal(value) if value is not None else None


def _number(value: Decimal):
    value = value.quantize(Decimal("0.0001"))
    return int(value) if value == value.to_integral_value() else float(value)


def _match(item: dict, candidates: list[Indicator], used: set[int]) -> Indicator | None:
    """The source indicator a draft's target continues: same code, same computation, or a similar name."""
    free = [c for c in candidates if c.pk not in used]
    for ind in free:
        if ind.code == item.get("code"):
            return ind
    if item.get("metric"):
        for ind in free:
            if ind.metric and ind.metric == item["metric"] and ind.measure == item.get("measure"):
                return ind
    best, best_ratio = None, 0.0
    for ind in free:
        if ind.measure != item.get("measure"):
            continue
        name = item.get("name", "")
        ratio = difflib.SequenceMatcher(None, ind.name, name).ratio()
        if name and (ind.name in name or name in ind.name):
            ratio = max(ratio, 0.9)
        if ratio > best_ratio:
            best, best_ratio = ind, ratio
    return best if best_ratio >= 0.6 else None


def _next_title(title: str, old_year: int, year: int) -> str:
    return re.sub(str(old_year), str(year), title, count=1) if str(old_year) in title else title


def rollover_data(source_plan: Plan, new_code: str, year: int, draft: dict | None = None) -> dict:
    """The new plan as a plan-file dict (what ``rollover_plan`` loads)."""
    as_of = dt.date(source_plan.year, 12, 31)
    sources = list(source_plan.indicators.order_by("seq"))
    if draft is None:
        data = dump_plan(source_plan)
        data["title"] = _next_title(source_plan.title, source_plan.year, year)
        data["doc_number"] = ""
        data["issue_date"] = None
        data["source_text"] = ""
        settings = copy.deepcopy(source_plan.settings or {})
        settings.pop("extraction", None)
    else:
        data = copy.deepcopy(draft)
        # Units persist: the source plan's tree is the one to use; a draft may only add units under it
        # (names the extractor proposed as new).
        if (data.get("units") or {}).get("code") != source_plan.owner_unit.code:
            data.pop("units", None)
            data.pop("unit_groups", None)
        settings = copy.deepcopy(source_plan.settings or {})
        settings.pop("extraction", None)
        if (draft.get("settings") or {}).get("extraction"):
            settings["extraction"] = draft["settings"]["extraction"]
        data["title"] = draft.get("title") or _next_title(source_plan.title, source_plan.year, year)
    data.update({
        "format": "kechuang-plan/1",
        "code": new_code,
        "year": year,
        "status": PlanStatus.DRAFT,
        "owner_unit": source_plan.owner_unit.name,
        "office_unit": source_plan.office_unit.name if source_plan.office_unit_id else None,
        "settings": settings,
    })
    used: set[int] = set()
    taken = {item.get("code") for item in data.get("indicators", [])}
    for item in data.get("indicators", []) or []:
        match = _match(item, sources, used)
        if match is None:
            item.pop("baseline", None)
            continue
        used.add(match.pk)
        if draft is not None:
            # The draft's target continues last year's indicator: keep its code and how it is measured.
            if item.get("code") != match.code and match.code not in taken:
                taken.discard(item.get("code"))
                item["code"] = match.code
                taken.add(match.code)
            item.update({"source": match.source, "kind": match.kind, "progress": match.progress_mode})
            if match.metric:
                item["metric"] = match.metric
            if match.metric_params:
                item["metric_params"] = match.metric_params
            if match.owner_unit_id and not item.get("owner"):
                item["owner"] = match.owner_unit.name
        baseline = _baseline(match, as_of)
        if baseline is None:
            item.pop("baseline", None)
        else:
            item["baseline"] = _number(baseline)
    codes = {i.get("code") for i in data.get("indicators", [])}
    for item in data.get("indicators", []) or []:
        if item.get("part_of") and item["part_of"] not in codes:
            item.pop("part_of")
    return data


@transaction.atomic
def rollover_plan(source_plan: Plan, new_code: str, year: int, draft: dict | None = None, *, user=None) -> Plan:
    """Create (or refresh) next year's draft plan ``new_code`` from ``source_plan``."""
    if new_code == source_plan.code:
        raise RolloverError("新方案编码不能与原方案相同")
    if year <= source_plan.year:
        raise RolloverError(f"新方案年度（{year}）应晚于原方案年度（{source_plan.year}）")
    existing = Plan.objects.filter(code=new_code).first()
    if existing is not None and existing.status != PlanStatus.DRAFT:
        raise RolloverError(f"方案 {new_code} 已存在且不是草稿（{existing.get_status_display()}），不能覆盖")
    data = rollover_data(source_plan, new_code, year, draft)
    plan = load_plan(data, status=PlanStatus.DRAFT)
    if existing is None:
        record_event("plan.rollover", user=user, obj=plan,
                     detail={"from": source_plan.code, "to": new_code, "year": year, "from_draft": draft is not None})
    return plan
