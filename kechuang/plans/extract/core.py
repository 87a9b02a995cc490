"""From a read document to an Extraction: metadata, sections, tasks with units, targets with spans."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from .normalise import NormText
from .reading import Source
from .structure import TABLE_LEVEL, Item, classify_section, parse
from .targets import Target, find_targets, same_target
from .units import Assignment, find_assignments, find_inline_assignments, settle_roles, split_names

TITLE_RE = re.compile(r"(方案|要点|计划|意见|安排|清单|任务书|细则|重点|分解表|任务表)$")
DOC_NUMBER_RE = re.compile(r"[\u4e00-\u9fff]{1,12}[〔\[［(（]\s*\d{4}\s*[〕\]］)）]\s*\d+\s*号")
DATE_LINE_RE = re.compile(r"^\s*(\d{4})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日\s*$")
ARTEFACT_RE = re.compile(r"\[bookmark:[^\]]*\]")


@dataclass
class ExtractedTask:
    number: str
    title: str
    item: Item
    lead: list = field(default_factory=list)  # [(name as written, nstart, nend)]
    responsible: list = field(default_factory=list)
    assignments: list = field(default_factory=list)
    children: list = field(default_factory=list)
    parent: ExtractedTask | None = None

    @property
    def text_span(self) -> tuple[int, int]:
        return self.item.start, self.item.end


@dataclass
class Extraction:
    norm: NormText
    title: str = ""
    title_span: tuple[int, int] | None = None
    doc_number: str = ""
    issue_date: str | None = None
    year: int | None = None
    preamble: str = ""
    guiding_text: str = ""
    goals_text: str = ""
    requirements: list = field(default_factory=list)
    tasks: list[ExtractedTask] = field(default_factory=list)  # top level
    targets: list[Target] = field(default_factory=list)

    def all_tasks(self) -> list[ExtractedTask]:
        out: list[ExtractedTask] = []

        def walk(tasks):
            for task in tasks:
                out.append(task)
                walk(task.children)

        walk(self.tasks)
        return out

    def orig(self, span: tuple[int, int]) -> str:
        return self.norm.orig(*span)


def _strip_artefacts(text: str) -> str:
    return ARTEFACT_RE.sub("", text).strip()


def _own_body(norm: NormText, item: Item) -> str:
    """An item's own text (heading line and body lines) without its number, as written."""
    start = item.title_span[0]
    return norm.orig(start, item.own_end).strip()


def _section_body(norm: NormText, item: Item) -> str:
    text = norm.text
    first_break = text.find("\n", item.start, item.own_end)
    if first_break < 0:
        return ""
    return norm.orig(first_break + 1, item.own_end).strip()


def extract_source(source: Source) -> Extraction:
    norm = NormText(source.text)
    text = norm.text
    lines = [(norm.o2n[line.start], norm.o2n[line.end], line) for line in source.lines]
    items = parse(norm, lines)
    result = Extraction(norm)

    sections = [i for i in items if i.level == 1]
    for section in sections:
        section.section = classify_section(text[section.title_span[0]:section.title_span[1]])
    first_section = sections[0].start if sections else (items[0].start if items else len(text))

    # Header: document number, date, title, preamble (everything before the first section).
    header_lines = [(s, e) for s, e, _ in lines if e <= first_section]
    for s, e in header_lines:
        line = text[s:e]
        m = DOC_NUMBER_RE.search(line)
        if m and not result.doc_number:
            result.doc_number = norm.orig(s + m.start(), s + m.end()).strip()
        d = DATE_LINE_RE.match(line)
        if d:
            result.issue_date = f"{int(d.group(1)):04d}-{int(d.group(2)):02d}-{int(d.group(3)):02d}"
    title_index = None
    for index, (s, e) in enumerate(header_lines):
        line = _strip_artefacts(text[s:e])
        if line and len(line) <= 40 and TITLE_RE.search(line) and "《" not in line:
            title_index = index
    if title_index is not None:
        s, e = header_lines[title_index]
        result.title = _strip_artefacts(norm.orig(s, e))
        offset = text[s:e].find(_strip_artefacts(text[s:e])[:1]) if text[s:e].strip() else 0
        result.title_span = (s + max(offset, 0), e)
        preamble = [norm.orig(ps, pe).strip() for ps, pe in header_lines[title_index + 1:]]
        result.preamble = "\n".join(p for p in preamble if p)
    year = re.search(r"(20\d\d)\s*年", text[result.title_span[0]:result.title_span[1]]) if result.title_span else None
    if year is None:
        year = re.search(r"(20\d\d)\s*年", text)
    result.year = int(year.group(1)) if year else None
    if result.issue_date is None and result.year is None:
        result.year = None

    task_sections = [s for s in sections if s.section == "tasks"]
    roots: list[Item]
    if not sections:
        roots = [i for i in items if i.parent is None]
    elif task_sections:
        roots = [c for s in task_sections for c in s.children]
    else:
        roots = [s for s in sections if s.section == "other"]
    for section in sections:
        if section.section == "guiding":
            result.guiding_text = _section_body(norm, section)
        elif section.section == "goals":
            result.goals_text = _section_body(norm, section)
        elif section.section == "requirements":
            for child in section.children:
                result.requirements.append({
                    "number": child.number,
                    "title": norm.orig(*child.title_span),
                    "text": _own_body(norm, child),
                })

    # Task numbers must be unique in a plan: when two task sections (or two tables) both count from
    # (一) or 1, the top-level numbers get their section's number in front ("三（一）").
    root_numbers = [r.number for r in roots]
    prefixed = {n for n in root_numbers if root_numbers.count(n) > 1}
    seen_numbers: set[str] = set()

    def build(item: Item, parent: ExtractedTask | None) -> ExtractedTask:
        if parent is not None:
            number = f"{parent.number}{item.number}"
        elif prefixed and item.parent is not None and item.parent.level == 1:
            number = f"{item.parent.number}{item.number}"
        else:
            number = item.number
        base, k = number, 2
        while number in seen_numbers:
            number = f"{base}-{k}"
            k += 1
        seen_numbers.add(number)
        task = ExtractedTask(number, norm.orig(*item.title_span).strip(), item, parent=parent)
        assignments: list[Assignment] = []
        for s, e in item.body_spans:
            assignments.extend(find_assignments(norm, s, e))
        if not assignments:
            for s, e in item.body_spans:
                assignments.extend(find_inline_assignments(norm, s, e))
        for role, s, e in item.table_units:
            names = split_names(norm, s, e)
            if names:
                assignments.append(Assignment(role, names, s, e, "column"))
        task.assignments = assignments
        task.lead, task.responsible = settle_roles(assignments)
        task.children = [build(child, task) for child in item.children]
        return task

    result.tasks = [build(item, None) for item in roots]

    # Targets: task bodies first, then the goals section (deduplicated against the bodies).
    body_targets: list[Target] = []
    for task in result.all_tasks():
        spans = task.item.body_spans
        for s, e in spans:
            for target in find_targets(text, s, e, result.year):
                if any(o.task is task and same_target(o, target) for o in body_targets):
                    continue
                target.task = task
                body_targets.append(target)
    goal_targets: list[Target] = []
    for section in sections:
        if section.section != "goals":
            continue
        # The whole section, numbered goal lists (1. … 2. …) included.
        for target in find_targets(text, section.title_span[1], section.end, result.year):
            target.in_goals = True
            if any(same_target(o, target) for o in body_targets + goal_targets):
                continue
            goal_targets.append(target)
    result.targets = body_targets + goal_targets
    return result


def table_task_items(result: Extraction) -> list[ExtractedTask]:
    return [t for t in result.all_tasks() if t.item.level == TABLE_LEVEL]
