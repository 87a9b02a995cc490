"""Outputs: the draft plan dict (format kechuang-plan/1, loadable by ``load_plan``) and the JSON summary."""

from __future__ import annotations

import hashlib
import re

from .core import ExtractedTask, Extraction
from .naming import propose_code

# Group names documents use for "every town / street / department"; the loader expands them.
GROUP_KINDS = [
    (re.compile(r"^各(镇办|镇街|镇\(街道\)|镇（街道）|镇街道|乡镇|乡镇\(街道\)|乡镇（街道）|镇区|镇、街道)"),
     ["town", "street"]),
    (re.compile(r"^各镇(人民政府)?$"), ["town"]),
    (re.compile(r"^各街道(办事处)?$"), ["street"]),
    (re.compile(r"^(市政府各部门|各部门|市直各部门|市直有关部门|各有关部门|市直各单位)$"), ["department"]),
    (re.compile(r"^各(园区|开发区)$"), ["zone"]),
]


def group_kinds(name: str) -> list[str] | None:
    for pattern, kinds in GROUP_KINDS:
        if pattern.match(name):
            return kinds
    return None


def _num(value):
    return int(value) if value == value.to_integral_value() else float(value)


def summary(result: Extraction) -> dict:
    """``{"tasks": [...], "targets": [...]}`` with unit names as written."""
    return {
        "tasks": [
            {"number": t.number, "title": t.title, "lead_units": [n for n, _, _ in t.lead],
             "responsible_units": [n for n, _, _ in t.responsible]}
            for t in result.all_tasks()
        ],
        "targets": [
            {"text": result.orig(target.sentence).strip(), "metric": target.code, "value": _num(target.value),
             "unit": target.measure, "comparator": target.comparator,
             "task": target.task.number if target.task else None}
            for target in result.targets
        ],
        "warnings": warnings(result),
    }


def warnings(result: Extraction) -> list[dict]:
    """What the run could not read or place, with where it is in the original text."""
    out = []
    for w in result.warnings:
        item = {"kind": w["kind"], "message": w["message"]}
        if w.get("start") is not None:
            item.update(_span(result, w["start"], w["end"]))
        out.append(item)
    return out


def assign_codes(result: Extraction) -> None:
    taken: set[str] = set()
    for target in result.targets:
        target.code = propose_code(target.name, target.kind, taken)


def _span(result: Extraction, start: int, end: int) -> dict:
    ostart, oend = result.norm.orig_span(start, end)
    return {"start": start, "end": end, "ostart": ostart, "oend": oend}


def spans(result: Extraction) -> dict:
    """Where every item came from, for the review page (offsets in the normalised and original text)."""
    tasks = []
    for task in result.all_tasks():
        tasks.append({
            "number": task.number,
            "title": _span(result, *task.item.title_span),
            "text": _span(result, task.item.start, task.item.end),
            "units": [
                {"role": a.role, "label": a.label, **_span(result, a.start, a.end),
                 "names": [{"name": n, **_span(result, s, e)} for n, s, e in a.names]}
                for a in task.assignments
            ],
        })
    targets = [
        {"code": t.code, "value": _span(result, t.start, t.end), "sentence": _span(result, *t.sentence),
         "task": t.task.number if t.task else None}
        for t in result.targets
    ]
    title = _span(result, *result.title_span) if result.title_span else None
    return {"title": title, "tasks": tasks, "targets": targets}


def _unit_node(unit) -> dict:
    return {"code": unit.code, "name": unit.name, "full_name": unit.full_name, "kind": unit.kind}


def draft(result: Extraction, *, owner=None, owner_name: str = "", code: str = "", resolver=None) -> dict:
    """The draft plan dict. ``owner`` is the root Unit (or None); ``resolver`` a UnitResolver under it.

    Names that do not resolve are proposed as new units under the owner; group names (各镇办 …) are kept as
    written and declared in ``unit_groups`` so the loader expands them.
    """
    assign_codes(result)
    groups, proposed = _sort_unit_names(result, owner, resolver)
    owner_name = owner.name if owner is not None else (owner_name or _guess_owner(result.title) or "本级")
    year = result.year or 0
    digest = hashlib.sha1(result.norm.original.encode("utf-8")).hexdigest()[:6]
    data: dict = {
        "format": "kechuang-plan/1",
        "code": code or f"draft-{year}-{digest}",
        "title": result.title or "未命名方案",
        "doc_number": result.doc_number,
        "issuer": "",
        "year": year,
        "issue_date": result.issue_date,
        "status": "draft",
        "owner_unit": owner_name,
    }
    if proposed or owner is None:
        data["units"] = _proposed_units(owner, owner_name, proposed)
    if groups:
        data["unit_groups"] = [{"name": name, "kinds": kinds} for name, kinds in groups.items()]
    data.update({
        "preamble": result.preamble,
        "guiding_text": result.guiding_text,
        "goals_text": result.goals_text,
        "tasks": [_task_dict(result, t) for t in result.tasks],
        "requirements": result.requirements,
        "indicators": [_indicator_dict(result, target, groups) for target in result.targets],
        "source_text": result.norm.original,
        "settings": {"extraction": {
            "proposed_units": proposed,
            "groups": list(groups),
            "spans": spans(result),
            "warnings": warnings(result),
        }},
    })
    return data


def _sort_unit_names(result: Extraction, owner, resolver) -> tuple[dict[str, list[str]], list[str]]:
    """({group name: unit kinds}, names proposed as new units) from the unit names as written, in order."""
    written = []
    for task in result.all_tasks():
        written.extend(n for n, _, _ in task.lead + task.responsible)
    groups: dict[str, list[str]] = {}
    proposed: list[str] = []
    for name in written:
        if name in groups or name in proposed:
            continue
        if resolver is not None and resolver.resolve(name).found:
            continue
        kinds = group_kinds(name)
        if kinds and _has_members(owner, kinds):
            groups[name] = kinds
        else:
            # Unknown names, and group names with no member units yet, are proposed as units to review.
            proposed.append(name)
    return groups, proposed


def _proposed_units(owner, owner_name: str, proposed: list[str]) -> dict:
    """The owner unit's node with the proposed new units as its children."""
    root = _unit_node(owner) if owner is not None else {
        "code": f"u-{hashlib.sha1(owner_name.encode('utf-8')).hexdigest()[:8]}", "name": owner_name, "kind": "city"}
    taken: set[str] = set()
    children = []
    for name in proposed:
        ucode = f"{root['code']}-new-{hashlib.sha1(name.encode('utf-8')).hexdigest()[:6]}"
        while ucode in taken:
            ucode += "x"
        taken.add(ucode)
        children.append({"code": ucode, "name": name, "kind": _guess_kind(name), "note": "提取时新建，请核对"})
    if children:
        root["children"] = children
    return root


def _indicator_dict(result: Extraction, target, groups: dict[str, list[str]]) -> dict:
    item = {
        "code": target.code,
        "name": target.name or target.code,
        "measure": target.measure or "—",  # an index has no unit of measure
        "kind": target.kind,
        "comparator": target.comparator,
        "target": _num(target.value),
        "progress": target.progress,
        "source": "reported",
        "tasks": [target.task.number] if target.task else [],
        "sentence": result.orig(target.sentence).strip(),
    }
    if target.task and target.task.lead:
        lead = target.task.lead[0][0]
        if lead not in groups:
            item["owner"] = lead
    if target.kind == "ratio":
        item["min"], item["max"] = 0, 100
    return item


def _task_dict(result: Extraction, task: ExtractedTask) -> dict:
    item = {
        "number": task.number,
        "title": task.title,
        "key": False,
        "lead": [n for n, _, _ in task.lead],
        "responsible": [n for n, _, _ in task.responsible],
        "text": result.orig(task.text_span).strip(),
    }
    if task.children:
        item["children"] = [_task_dict(result, c) for c in task.children]
    return item


def _has_members(owner, kinds: list[str]) -> bool:
    if owner is None:
        return False
    return owner.descendants(include_self=False).filter(kind__in=kinds, is_active=True).exists()


def _guess_owner(title: str) -> str:
    m = re.match(r"^(.{1,8}?[省市县区旗])", title or "")
    return m.group(1) if m else ""


def _guess_kind(name: str) -> str:
    if name.endswith(("镇", "乡", "镇人民政府", "乡人民政府")):
        return "town"
    if name.endswith(("街道", "街道办事处")):
        return "street"
    if "开发区" in name or "园区" in name or "高新区" in name:
        return "zone"
    if name.startswith("市委") or "党" in name:
        return "party"
    if name.endswith(("局", "委", "办", "厅", "部")):
        return "department"
    return "other"
