"""From a read document to an Extraction: metadata, sections, tasks with units, targets with spans."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from .layout import build as build_layout
from .normalise import NormText
from .reading import Source
from .structure import ANNEX_RE, BULLET_LEVEL, TABLE_LEVEL, Item, classify_section, parse
from .targets import Target, find_targets, quantities, restated, same_target, target_from_cells
from .units import LABEL_RE, Assignment, find_assignments, find_inline_assignments, settle_roles, split_names

TITLE_RE = re.compile(r"(方案|要点|计划|意见|安排|清单|任务书|细则|重点|分解表|任务表)$")
DOC_NUMBER_RE = re.compile(r"[\u4e00-\u9fff]{1,12}[〔\[［(（]\s*\d{4}\s*[〕\]］)）]\s*\d+\s*号")
DATE_LINE_RE = re.compile(r"^\s*(\d{4})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日\s*$")
ARTEFACT_RE = re.compile(r"\[bookmark:[^\]]*\]")
CELL_LEAD_RE = re.compile(r"^\s*([^()]+?)\s*牵头\s*[,;、]?\s*([^()]*?)\s*(?:配合|参与|协同|协助|负责)?\s*$")


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
    # What could not be read or placed: {"kind", "message", "start", "end"} (logical offsets; start None for
    # the document as a whole). Shown in the CLI, the JSON and the review page.
    warnings: list[dict] = field(default_factory=list)

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


def _top_sections(items: list[Item]) -> list[Item]:
    """The items at the document's top heading level (whatever marker it uses), bullets and table rows aside."""
    headings = [i for i in items if i.level < BULLET_LEVEL]
    if not headings:
        return []
    top = min(i.level for i in headings)
    return [i for i in headings if i.level == top and i.parent is None]


def _holds_assignments(norm: NormText, item: Item) -> bool:
    text = norm.text
    if any(i.table_units for i in _descendants(item)):
        return True
    return LABEL_RE.search(text, item.start, item.end) is not None or "牵头)" in text[item.start:item.end]


def _descendants(item: Item) -> list[Item]:
    out = []
    for child in item.children:
        out.append(child)
        out.extend(_descendants(child))
    return out


def _classify(norm: NormText, section: Item) -> str:
    """A section's kind from its title, then from what it holds."""
    title = norm.text[section.title_span[0]:section.title_span[1]]
    kind = classify_section(title)
    holds_units = _holds_assignments(norm, section)
    if kind in ("guiding", "goals") and holds_units and section.children and re.search(r"任务|工作|措施|举措", title):
        return "tasks"
    if kind == "goals" and holds_units and any(c.level == TABLE_LEVEL for c in section.children):
        return "tasks"
    return kind


def _uncovered(start: int, end: int, covered: list[tuple[int, int]]) -> list[tuple[int, int]]:
    spans, pos = [], start
    for s, e in sorted(covered):
        if e <= pos or s >= end:
            continue
        if s > pos:
            spans.append((pos, s))
        pos = max(pos, e)
    if pos < end:
        spans.append((pos, end))
    return spans


def extract_source(source: Source) -> Extraction:
    layout = build_layout(source)
    norm = layout.norm
    items, unread_tables = parse(norm, layout.lines)
    result = Extraction(norm)

    sections = _top_sections(items)
    for section in sections:
        section.section = _classify(norm, section)
    first_section = sections[0].start if sections else (items[0].start if items else len(norm.text))

    _read_header(result, layout, first_section)
    _settle_task_sections(norm, sections)
    roots, indicator_rows = _task_roots(items, sections)
    _read_section_texts(result, sections)
    result.tasks = _build_tasks(norm, roots, sections)

    # Targets: task bodies first (indicator-table cells, then sentences), then every other part of every
    # section — goals, guiding text, safeguards — deduplicated against the bodies and linked to no task.
    rejected: list = []
    body_targets = _body_targets(result, indicator_rows, rejected)
    other_targets, repeated = _other_targets(result, sections, indicator_rows, first_section, body_targets, rejected)
    result.targets = body_targets + other_targets
    # Nothing numbered at all: everything after the title is what could not be read.
    report_from = result.title_span[1] if result.title_span else (first_section if items else 0)
    _report(result, layout, sections, items, unread_tables, rejected, report_from, repeated)
    return result


def _read_header(result: Extraction, layout, first_section: int) -> None:
    """Document number, date, title, preamble (everything before the first section) and the plan's year."""
    norm = result.norm
    text = norm.text
    header_lines = [(line.start, line.end) for line in layout.lines if line.end <= first_section]
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
        _read_title(result, header_lines, title_index)
    year = re.search(r"(20\d\d)\s*年", text[result.title_span[0]:result.title_span[1]]) if result.title_span else None
    if year is None:
        year = re.search(r"(20\d\d)\s*年", text)
    result.year = int(year.group(1)) if year else None


def _read_title(result: Extraction, header_lines: list[tuple[int, int]], title_index: int) -> None:
    """The title (joined with its first half when it is set on two lines), its span, and the preamble below it."""
    norm = result.norm
    text = norm.text
    s, e = header_lines[title_index]
    result.title = _strip_artefacts(norm.orig(s, e))
    if title_index > 0:
        # A title set on two lines ("某县2024年科技创新⏎工作要点"): the line above is its first half.
        ps, pe = header_lines[title_index - 1]
        above = _strip_artefacts(text[ps:pe])
        if above and len(above) + len(result.title) <= 40 and not re.search(r"[,，:;。()\[\]〔〕]", above) \
                and not TITLE_RE.search(above) and not DATE_LINE_RE.match(above) \
                and not re.search(r"(文件|通知|函)$", above):
            result.title = _strip_artefacts(norm.orig(ps, pe)) + result.title
            s = ps
    offset = text[s:e].find(_strip_artefacts(text[s:e])[:1]) if text[s:e].strip() else 0
    result.title_span = (s + max(offset, 0), e)
    preamble = [norm.orig(ps, pe).strip() for ps, pe in header_lines[title_index + 1:]]
    result.preamble = "\n".join(p for p in preamble if p)


def _settle_task_sections(norm: NormText, sections: list[Item]) -> None:
    """Reclassify sections by what they hold."""
    has_task_section = any(s.section == "tasks" for s in sections)
    for section in sections:
        # A section that assigns work to units holds tasks, whatever its title: beside a 任务 section it is
        # one more; without one, a safeguards section whose items name units is a task group like the others.
        if not (section.children and _holds_assignments(norm, section)):
            continue
        if section.section == "other" and has_task_section:
            section.section = "tasks"
        elif section.section == "requirements" and any(_holds_assignments(norm, c) for c in section.children):
            section.section = "tasks" if has_task_section else "other"


def _task_roots(items: list[Item], sections: list[Item]) -> tuple[list[Item], list[Item]]:
    """(the items that become top-level tasks, the rows of indicator tables); indicator rows are taken out of
    their parents' children."""
    task_sections = [s for s in sections if s.section == "tasks"]
    roots: list[Item]
    if not sections:
        roots = [i for i in items if i.parent is None]
    elif task_sections:
        roots = [c for s in task_sections for c in s.children]
    else:
        roots = [s for s in sections if s.section == "other"]
    # Table rows outside every section (a 任务分解表 before or without headings) are tasks too; rows of a
    # table of indicators with no responsible units are goals, not tasks.
    loose_rows = [i for i in items if i.parent is None and i.level == TABLE_LEVEL]
    if sections and loose_rows:
        roots = sorted(roots + loose_rows, key=lambda i: i.start)
    indicator_rows = [i for i in items if i.indicator_row]
    roots = [r for r in roots if not r.indicator_row]
    for item in indicator_rows:
        if item.parent is not None and item in item.parent.children:
            item.parent.children.remove(item)
    return roots, indicator_rows


def _read_section_texts(result: Extraction, sections: list[Item]) -> None:
    """The guiding text, the goals text and the requirements, from their sections."""
    norm = result.norm
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


def _build_tasks(norm: NormText, roots: list[Item], sections: list[Item]) -> list[ExtractedTask]:
    """The task tree from the root items, each task with its units."""
    # Task numbers must be unique in a plan: when two task sections (or two tables) both count from
    # (一) or 1, the top-level numbers get their section's number in front ("三（一）").
    root_numbers = [r.number for r in roots]
    prefixed = {n for n in root_numbers if root_numbers.count(n) > 1}
    seen_numbers: set[str] = set()

    def build(item: Item, parent: ExtractedTask | None) -> ExtractedTask:
        if parent is not None:
            number = f"{parent.number}{item.number}"
        elif prefixed and item.parent is not None and item.parent in sections:
            number = f"{item.parent.number}{item.number}"
        else:
            number = item.number
        base, k = number, 2
        while number in seen_numbers:
            number = f"{base}-{k}"
            k += 1
        seen_numbers.add(number)
        task = ExtractedTask(number, norm.orig(*item.title_span).strip(), item, parent=parent)
        task.assignments = _assignments(norm, item)
        task.lead, task.responsible = settle_roles(task.assignments)
        task.children = [build(child, task) for child in item.children]
        return task

    return [build(item, None) for item in roots]


def _assignments(norm: NormText, item: Item) -> list[Assignment]:
    """The unit assignments of a task item: labelled in its body (or, failing that, inline), then its table cells."""
    text = norm.text
    assignments: list[Assignment] = []
    for s, e in item.body_spans:
        assignments.extend(find_assignments(norm, s, e))
    if not assignments:
        for s, e in item.body_spans:
            assignments.extend(find_inline_assignments(norm, s, e))
    for role, s, e in item.table_units:
        cell = text[s:e]
        labelled = find_assignments(norm, s, e)
        if labelled:
            # "牵头：县科技局；配合：县财政局" written in the cell.
            assignments.extend(labelled)
            continue
        inline = CELL_LEAD_RE.match(cell)
        if inline:
            # "县科技局牵头，县财政局、县税务局配合" in one column.
            lead = split_names(norm, s + inline.start(1), s + inline.end(1))
            others = split_names(norm, s + inline.start(2), s + inline.end(2))
            if lead:
                assignments.append(Assignment("lead", lead, s, e, "column"))
            if others:
                assignments.append(Assignment("responsible", others, s, e, "column"))
            continue
        names = split_names(norm, s, e)
        if names:
            assignments.append(Assignment(role, names, s, e, "column"))
    return assignments


def _body_targets(result: Extraction, indicator_rows: list[Item], rejected: list) -> list[Target]:
    """Targets in task bodies (indicator-table cells, then sentences), then the rows of indicator tables."""
    norm = result.norm
    text = norm.text
    body_targets: list[Target] = []
    for task in result.all_tasks():
        item = task.item
        if item.target_span is not None:
            target = target_from_cells(text, task.title, item.target_span, item.measure_span,
                                       (item.start, item.own_end))
            if target is not None:
                target.task = task
                body_targets.append(target)
            continue
        for s, e in item.body_spans:
            for target in find_targets(text, s, e, result.year, rejected):
                if any(o.task is task and same_target(o, target) for o in body_targets):
                    continue
                target.task = task
                body_targets.append(target)
    for item in indicator_rows:
        name = norm.orig(*item.title_span).strip()
        target = target_from_cells(text, name, item.target_span, item.measure_span, (item.start, item.own_end))
        if target is not None and not any(same_target(o, target) for o in body_targets):
            target.in_goals = True
            body_targets.append(target)
    return body_targets


def _other_targets(result: Extraction, sections: list[Item], indicator_rows: list[Item], first_section: int,
                   body_targets: list[Target], rejected: list) -> tuple[list[Target], list[tuple[int, int]]]:
    """(targets outside task bodies, linked to no task; spans of goals restated from a task body)."""
    text = result.norm.text
    # The opening paragraphs after the title ("主要预期目标是：…") may hold goals too.
    opening = [(result.title_span[1], first_section)] if result.title_span and sections else []
    covered = [(t.item.start, t.item.own_end) for t in result.all_tasks()] + [
        (i.start, i.own_end) for i in indicator_rows]
    other_targets: list[Target] = []
    repeated: list[tuple[int, int]] = []  # goals restated from a task body: placed already
    for start, end in opening + [(section.title_span[1], section.end) for section in sections]:
        for s, e in _uncovered(start, end, covered):
            for target in find_targets(text, s, e, result.year, rejected):
                target.in_goals = True
                if any(restated(target, o) for o in body_targets) or any(
                        same_target(o, target) for o in other_targets):
                    repeated.append((target.start, target.end))
                    continue
                other_targets.append(target)
    return other_targets, repeated


def _excerpt(norm: NormText, start: int, end: int, limit: int = 40) -> str:
    written = re.sub(r"\s+", " ", norm.orig(start, end)).strip()
    return written if len(written) <= limit else written[:limit] + "…"


def _report(result: Extraction, layout, sections, items, unread_tables, rejected, first_section, repeated) -> None:
    """What the run could not read or place, for the office to check (never an empty success)."""
    norm, text = result.norm, result.norm.text
    warnings = result.warnings
    for note in layout.notes + unread_tables:
        warnings.append({"kind": "table", "start": note["start"], "end": note["end"],
                         "message": "未能识别的表格（表头不含任务和责任单位列）："
                                    f"{_excerpt(norm, note['start'], note['end'])}"})
    task_sections = [s for s in sections if s.section == "tasks"]
    for section in sections:
        title = _excerpt(norm, *section.title_span)
        if task_sections and section.section == "other":
            warnings.append({"kind": "section", "start": section.start, "end": section.title_span[1],
                             "message": f"未作为任务读取的部分：{section.number}、{title}"})
        if section.section == "tasks" and not section.children and not result.tasks:
            warnings.append({"kind": "section", "start": section.start, "end": section.title_span[1],
                             "message": f"任务部分“{title}”中没有找到编号的任务条目"})
    # Short lines after the first section that look like headings but carry no marker that was understood.
    in_items = {(i.start) for i in items}
    for line in layout.lines:
        if line.kind != "p" or line.start < first_section or line.start in in_items:
            continue
        content = text[line.start:line.end].strip()
        if 2 <= len(content) <= 20 and not re.search(r"[。;:,，、\d]", content) and not LABEL_RE.match(content + ":") \
                and not ANNEX_RE.match(content) and not re.fullmatch(r"\(.*\)", content) \
                and not re.search(r"(局|委|办|院|部|会|所|政府|街道|镇|乡|中心|单位|部门)$", content):
            warnings.append({"kind": "heading", "start": line.start, "end": line.end,
                             "message": f"未识别的标题或段落：{_excerpt(norm, line.start, line.end)}"})
    placed = [(t.start, t.end) for t in result.targets] + repeated
    skipped = [span for i in items for span in i.skipped_spans]
    reasons = {(s, e): reason for s, e, reason in rejected}
    for s, e in quantities(text, first_section, len(text)):
        if any(ps < e and s < pe for ps, pe in placed) or any(ss <= s and e <= se for ss, se in skipped):
            continue
        reason = next((r for (rs, re_), r in reasons.items() if rs < e and s < re_), "")
        if not reason:
            reason = "未能归入目标"
        warnings.append({"kind": "number", "start": s, "end": e,
                         "message": f"未作为目标的数值“{_excerpt(norm, s, e)}”（{reason}）"})
    numbers = quantities(text, 0, len(text))
    if not result.all_tasks():
        warnings.append({"kind": "document", "start": None, "end": None,
                         "message": "没有识别出任何任务：文档的版式未能读懂，请检查原文或手工录入"})
    if numbers and not result.targets:
        warnings.append({"kind": "document", "start": None, "end": None,
                         "message": f"文档中有 {len(numbers)} 个带单位的数值，但没有识别出任何量化目标，请核对"})
    for target in result.targets:
        if target.task is None:
            warnings.append({"kind": "unplaced", "start": target.start, "end": target.end,
                             "message": f"目标“{_excerpt(norm, target.start, target.end)}”未能对应到具体任务"})


def table_task_items(result: Extraction) -> list[ExtractedTask]:
    return [t for t in result.all_tasks() if t.item.level == TABLE_LEVEL]
