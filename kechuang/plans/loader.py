"""Load a plan file (YAML, format kechuang-plan/1) into the database.

Idempotent: loading the same file again changes nothing and writes no history; loading an
edited file updates what changed. Everything happens in one transaction, and a malformed file
fails with a Chinese message naming the field before anything is written.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

import yaml
from django.db import transaction

from kechuang.org.models import Unit, UnitAlias, UnitGroup, UnitKind
from kechuang.org.services import UnitResolver, split_unit_list

from .choices import Comparator, IndicatorKind, PlanStatus, ProgressMode, TaskUnitRole, ValueSource
from .models import Indicator, Plan, Task, TaskUnit

FORMAT = "kechuang-plan/1"
DATA_DIR = Path(__file__).resolve().parent / "data"


class PlanFileError(ValueError):
    """A plan file that cannot be loaded; the message names the field."""


def bundled_plan_path(code: str) -> Path:
    return DATA_DIR / f"{code}.yaml"


def read_plan_file(path: str | Path) -> dict:
    try:
        with open(path, encoding="utf-8") as fh:
            data = yaml.safe_load(fh)
    except FileNotFoundError as exc:
        raise PlanFileError(f"找不到方案文件：{path}") from exc
    except yaml.YAMLError as exc:
        raise PlanFileError(f"方案文件不是有效的 YAML：{exc}") from exc
    if not isinstance(data, dict):
        raise PlanFileError("方案文件的顶层必须是字典")
    return data


def _req(data: dict, key: str, where: str) -> Any:
    value = data.get(key)
    if value in (None, "", []):
        raise PlanFileError(f"{where}缺少字段“{key}”")
    return value


def _decimal(value: Any, where: str) -> Decimal:
    try:
        return Decimal(str(value))
    except (InvalidOperation, ValueError) as exc:
        raise PlanFileError(f"{where}的数值“{value}”无效") from exc


def _choice(value: Any, choices, where: str) -> str:
    if value not in choices.values:
        raise PlanFileError(f"{where}的取值“{value}”无效，应为：{'、'.join(choices.values)}")
    return value


def _save_if_changed(obj, values: dict) -> bool:
    """Set ``values`` on ``obj`` and save only if something differs (no empty history rows)."""
    changed = obj.pk is None
    for key, value in values.items():
        field = obj._meta.get_field(key)
        if field.many_to_one:
            # Compare ids so unset relations on new objects do not raise.
            current, wanted = getattr(obj, field.attname), (value.pk if value is not None else None)
            if current != wanted:
                setattr(obj, key, value)
                changed = True
            continue
        if getattr(obj, key) != value:
            setattr(obj, key, value)
            changed = True
    if changed:
        obj.save()
    return changed


def _load_unit(node: dict, parent: Unit | None, order: int, where: str) -> Unit:
    code = _req(node, "code", where)
    name = _req(node, "name", where)
    kind = _choice(node.get("kind", "department"), UnitKind, f"{where}（{name}）的 kind")
    unit = Unit.objects.filter(code=code).first() or Unit(code=code)
    _save_if_changed(
        unit,
        {"name": name, "full_name": node.get("full_name", ""), "kind": kind, "parent": parent, "sort_order": order},
    )
    for alias in node.get("aliases", []) or []:
        existing = UnitAlias.objects.filter(alias=alias).first()
        if existing is None:
            UnitAlias.objects.create(unit=unit, alias=alias)
        elif existing.unit_id != unit.pk:
            raise PlanFileError(f"{where}：别名“{alias}”已属于单位“{existing.unit}”")
    for index, child in enumerate(node.get("children", []) or [], start=1):
        _load_unit(child, unit, index, f"{where} > {name}")
    return unit


def _resolve(resolver: UnitResolver, names: list[str], where: str) -> list[Unit]:
    units, unknown = resolver.resolve_many(names)
    if unknown:
        hints = "；".join(f"“{name}”您是否要填写：{near}？" for name in unknown if (near := resolver.suggest(name)))
        raise PlanFileError(f"{where}：单位“{'、'.join(unknown)}”不在单位名录中" + (f"（{hints}）" if hints else ""))
    return units


def _sync_task_units(task: Task, role: str, units: list[Unit]) -> None:
    existing = {tu.unit_id: tu for tu in task.task_units.filter(role=role)}
    wanted = {u.pk: i for i, u in enumerate(units)}
    for unit_id, tu in existing.items():
        if unit_id not in wanted:
            tu.delete()
    for unit in units:
        tu = existing.get(unit.pk) or TaskUnit(task=task, unit=unit, role=role)
        _save_if_changed(tu, {"seq": wanted[unit.pk]})


def _parse_date(value: Any, where: str) -> dt.date | None:
    if value in (None, ""):
        return None
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value))
    except ValueError as exc:
        raise PlanFileError(f"{where}的日期“{value}”无效，应为 YYYY-MM-DD") from exc


@transaction.atomic
def load_plan(source: str | Path | dict, *, status: str | None = None) -> Plan:
    """Create or update the plan described by ``source`` (a path or an already-parsed dict)."""
    data = read_plan_file(source) if not isinstance(source, dict) else source
    if data.get("format", FORMAT) != FORMAT:
        raise PlanFileError(f"不支持的方案文件格式“{data.get('format')}”，应为 {FORMAT}")
    code = _req(data, "code", "方案")
    where = f"方案 {code} "
    owner = _load_owner_units(data, where)
    resolver = UnitResolver(owner)
    plan = _save_plan(data, code, where, owner, resolver, status)
    tasks_by_number: dict[str, Task] = {}
    _load_tasks(plan, data.get("tasks", []), None, [0], resolver, where, tasks_by_number)
    for stale in Task.objects.filter(plan=plan).exclude(number__in=tasks_by_number).order_by("-seq"):
        stale.delete()
    _load_indicators(plan, data, tasks_by_number, resolver, where)
    return plan


def _load_owner_units(data: dict, where: str) -> Unit:
    """The file's unit tree and unit groups; returns the owner unit."""
    if data.get("units"):
        _load_unit(data["units"], None, 0, f"{where}units")
    owner_name = _req(data, "owner_unit", where)
    owner = (
        Unit.objects.filter(name=owner_name, parent__isnull=True).first()
        or Unit.objects.filter(name=owner_name).first()
    )
    if owner is None:
        raise PlanFileError(f"{where}owner_unit：单位“{owner_name}”不存在")
    for group in data.get("unit_groups", []) or []:
        kinds = [_choice(k, UnitKind, f"{where}unit_groups.kinds") for k in group.get("kinds", [])]
        g = UnitGroup.objects.filter(root=owner, name=_req(group, "name", f"{where}unit_groups")).first()
        _save_if_changed(g or UnitGroup(root=owner, name=group["name"]), {"kinds": kinds})
    return owner


def _save_plan(data: dict, code: str, where: str, owner: Unit, resolver: UnitResolver, status: str | None) -> Plan:
    office = None
    if data.get("office_unit"):
        office = _resolve(resolver, [data["office_unit"]], f"{where}office_unit")[0]

    plan = Plan.objects.filter(code=code).first() or Plan(code=code)
    new_status = status or data.get("status") or (plan.status if plan.pk else PlanStatus.DRAFT)
    _save_if_changed(
        plan,
        {
            "title": _req(data, "title", where),
            "doc_number": data.get("doc_number", ""),
            "issuer": data.get("issuer", ""),
            "year": int(_req(data, "year", where)),
            "issue_date": _parse_date(data.get("issue_date"), f"{where}issue_date"),
            "status": _choice(new_status, PlanStatus, f"{where}status"),
            "owner_unit": owner,
            "office_unit": office,
            "preamble": data.get("preamble", ""),
            "guiding_text": data.get("guiding_text", ""),
            "goals_text": data.get("goals_text", ""),
            "requirements": data.get("requirements", []) or [],
            "source_text": data.get("source_text", plan.source_text if plan.pk else ""),
            "settings": data.get("settings", {}) or {},
        },
    )
    return plan


def _load_tasks(plan: Plan, items: list, parent: Task | None, counter: list[int], resolver: UnitResolver,
                where: str, tasks_by_number: dict[str, Task]) -> None:
    """Save ``items`` and their children in document order (``counter`` numbers them), filling ``tasks_by_number``."""
    for item in items or []:
        number = _req(item, "number", f"{where}tasks")
        twhere = f"{where}任务{number}"
        counter[0] += 1
        task = Task.objects.filter(plan=plan, number=number).first() or Task(plan=plan, number=number)
        lead = item.get("lead", []) or []
        responsible = item.get("responsible", []) or []
        if isinstance(lead, str):
            lead = split_unit_list(lead)
        if isinstance(responsible, str):
            responsible = split_unit_list(responsible)
        _save_if_changed(
            task,
            {
                "parent": parent,
                "seq": counter[0],
                "title": _req(item, "title", twhere),
                "text": item.get("text", ""),
                "lead_text": "、".join(lead),
                "responsible_text": "、".join(responsible),
                "is_key": bool(item.get("key", False)),
            },
        )
        _sync_task_units(task, TaskUnitRole.LEAD, _resolve(resolver, lead, f"{twhere} 牵头单位"))
        _sync_task_units(task, TaskUnitRole.RESPONSIBLE, _resolve(resolver, responsible, f"{twhere} 责任单位"))
        tasks_by_number[number] = task
        _load_tasks(plan, item.get("children", []), task, counter, resolver, where, tasks_by_number)


def _load_indicators(plan: Plan, data: dict, tasks_by_number: dict[str, Task], resolver: UnitResolver,
                     where: str) -> None:
    """Save the file's indicators with their tasks and wholes; indicators no longer in the file go."""
    indicators: dict[str, Indicator] = {}
    items = list(enumerate(data.get("indicators", []) or [], start=1))
    referenced = {item.get("part_of") for _, item in items if item.get("part_of")}
    # Wholes first, so a part can point at its whole in the same save (one history row each).
    for seq, item in sorted(items, key=lambda pair: pair[1].get("code") not in referenced):
        icode = _req(item, "code", f"{where}indicators")
        iwhere = f"{where}指标 {icode} "
        ind = Indicator.objects.filter(plan=plan, code=icode).first() or Indicator(plan=plan, code=icode)
        _save_if_changed(ind, {"seq": seq, **_indicator_values(item, iwhere, resolver, indicators)})
        task_numbers = item.get("tasks", []) or []
        missing = [n for n in task_numbers if n not in tasks_by_number]
        if missing:
            raise PlanFileError(f"{iwhere}tasks：任务“{'、'.join(missing)}”不存在")
        wanted = {tasks_by_number[n].pk for n in task_numbers}
        if set(ind.tasks.values_list("pk", flat=True)) != wanted:
            ind.tasks.set(wanted)
        indicators[icode] = ind
    for item in data.get("indicators", []) or []:
        ind = indicators[item["code"]]
        part_of = indicators.get(item.get("part_of")) if item.get("part_of") else None
        if item.get("part_of") and part_of is None:
            raise PlanFileError(f"{where}指标 {item['code']} part_of：指标“{item['part_of']}”不存在")
        _save_if_changed(ind, {"part_of": part_of})
    for stale in Indicator.objects.filter(plan=plan).exclude(code__in=indicators):
        stale.delete()


def _indicator_values(item: dict, iwhere: str, resolver: UnitResolver, indicators: dict[str, Indicator]) -> dict:
    """An indicator's field values from its entry in the file (``seq`` and tasks aside), checked."""
    source = _choice(item.get("source", ValueSource.REPORTED), ValueSource, f"{iwhere}source")
    if source == ValueSource.COMPUTED and not item.get("metric"):
        raise PlanFileError(f"{iwhere}：资源库计算指标必须指定 metric")
    owner_unit = None
    if item.get("owner"):
        owner_unit = _resolve(resolver, [item["owner"]], f"{iwhere}owner")[0]
    return {
        "name": _req(item, "name", iwhere),
        "description": item.get("description", ""),
        "measure": _req(item, "measure", iwhere),
        "kind": _choice(item.get("kind"), IndicatorKind, f"{iwhere}kind"),
        "comparator": _choice(item.get("comparator", ">="), Comparator, f"{iwhere}comparator"),
        "target": _decimal(_req(item, "target", iwhere), f"{iwhere}target"),
        "baseline": _decimal(item["baseline"], f"{iwhere}baseline")
        if item.get("baseline") is not None
        else None,
        "progress_mode": _choice(item.get("progress", "cumulative"), ProgressMode, f"{iwhere}progress"),
        "source": source,
        "metric": item.get("metric", "") or "",
        "metric_params": item.get("metric_params", {}) or {},
        "owner_unit": owner_unit,
        "sentence": item.get("sentence", ""),
        "min_value": _decimal(item["min"], f"{iwhere}min") if item.get("min") is not None else None,
        "max_value": _decimal(item["max"], f"{iwhere}max") if item.get("max") is not None else None,
        "part_of": indicators.get(item.get("part_of")) if item.get("part_of") else None,
    }


def dump_plan(plan: Plan) -> dict:
    """The plan as a plan-file dict (same format as the loader reads), for rollover and export."""
    tasks = []

    def task_dict(task: Task) -> dict:
        item = {
            "number": task.number,
            "title": task.title,
            "key": task.is_key,
            "lead": task.lead_text.split("、") if task.lead_text else [],
            "responsible": task.responsible_text.split("、") if task.responsible_text else [],
            "text": task.text,
        }
        children = [task_dict(c) for c in task.children.order_by("seq")]
        if children:
            item["children"] = children
        return item

    for task in plan.tasks.filter(parent__isnull=True).order_by("seq"):
        tasks.append(task_dict(task))
    indicators = []
    for ind in plan.indicators.order_by("seq").prefetch_related("tasks"):
        item = {
            "code": ind.code,
            "name": ind.name,
            "measure": ind.measure,
            "kind": ind.kind,
            "comparator": ind.comparator,
            "target": float(ind.target) if ind.target % 1 else int(ind.target),
            "progress": ind.progress_mode,
            "source": ind.source,
        }
        if ind.metric:
            item["metric"] = ind.metric
        if ind.metric_params:
            item["metric_params"] = ind.metric_params
        if ind.owner_unit_id:
            item["owner"] = ind.owner_unit.name
        item["tasks"] = [t.number for t in ind.tasks.order_by("seq")]
        if ind.part_of_id:
            item["part_of"] = ind.part_of.code
        if ind.baseline is not None:
            item["baseline"] = float(ind.baseline)
        if ind.description:
            item["description"] = ind.description
        if ind.min_value is not None:
            item["min"] = float(ind.min_value)
        if ind.max_value is not None:
            item["max"] = float(ind.max_value)
        item["sentence"] = ind.sentence
        indicators.append(item)
    return {
        "format": FORMAT,
        "code": plan.code,
        "title": plan.title,
        "doc_number": plan.doc_number,
        "issuer": plan.issuer,
        "year": plan.year,
        "issue_date": plan.issue_date.isoformat() if plan.issue_date else None,
        "status": plan.status,
        "owner_unit": plan.owner_unit.name,
        "office_unit": plan.office_unit.name if plan.office_unit_id else None,
        "settings": plan.settings,
        "preamble": plan.preamble,
        "guiding_text": plan.guiding_text,
        "goals_text": plan.goals_text,
        "tasks": tasks,
        "requirements": plan.requirements,
        "indicators": indicators,
    }
