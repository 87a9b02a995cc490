"""The numbered structure of a plan: sections (一、), tasks (（一） 1. （1）, —— bullets, table rows)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from .units import column_role

CN = "一二三四五六七八九十"
# Markers by rank. Which rank is a document's top level is read from the markers it uses.
LEVEL_PATTERNS = [
    (0, re.compile(rf"^\s*(第[{CN}百零]{{1,4}}(?:部分|章|条|节))\s*[、.:]?\s*")),
    (1, re.compile(rf"^\s*([{CN}]{{1,3}})\s*[、.]")),
    (2, re.compile(rf"^\s*\(\s*([{CN}]{{1,3}})\s*\)\s*[、.]?")),
    (3, re.compile(r"^\s*(\d{1,2})\s*(?:[、]|\.(?!\d))")),
    (4, re.compile(r"^\s*\(\s*(\d{1,2})\s*\)\s*[、.]?")),
    (4, re.compile(r"^\s*(\d{1,2})\s*\)\s*")),
    (5, re.compile(r"^\s*([\u2460-\u2473])\s*")),
    (6, re.compile(r"^\s*(——|—|--|-|·|•|●|▪|◆|■|□|√)\s*")),
]
TABLE_LEVEL = 7
ANNEX_RE = re.compile(r"^\s*附\s*件\s*\d*\s*(:|$)")
NUMBERED_CELL = re.compile(r"^\s*\d+\s*[.、]?\s*$")
BULLET_LEVEL = 6

SECTION_KINDS = [
    ("guiding", re.compile(r"指导思想|总体思路|总体要求|基本原则|工作思路")),
    ("goals", re.compile(r"目标")),
    ("requirements", re.compile(r"工作要求|保障措施|组织保障|保障机制|工作机制|组织实施|有关要求|工作保障|实施保障|"
                                r"组织领导|督查|考核|附则")),
    ("tasks", re.compile(r"任务|主要工作|重点工作|工作内容|工作重点|主要措施|重点措施|具体措施|工作举措|主要举措|"
                         r"工作措施|"
                         r"重点项目|重点事项")),
]

COLUMN_KINDS = [
    ("number", re.compile(r"^(序号|编号|序)$")),
    ("person", re.compile(r"领导|责任人|联系人|负责人")),
    ("skip", re.compile(r"完成情况|完成进度|进展|已完成|实际完成|完成值|实际值|现状|基期|基数|上年|备注|说明|进度")),
    ("date", re.compile(r"完成时限|完成期限|完成时间|时限|时间|期限|截止|时间节点")),
    ("measure", re.compile(r"^(计量单位|单位)$")),
    ("target", re.compile(r"^(\d{4}年)?(年度)?(目标值|目标|预期目标|预期值|目标数|任务目标|计划)$")),
    ("title", re.compile(r"工作任务|任务名称|重点任务|项目名称|任务|事项|工作项目|指标名称|指标|工作举措|主要举措")),
    ("body", re.compile(r"具体内容|工作内容|主要内容|具体措施|工作措施|内容|目标|措施|举措")),
]


@dataclass
class Item:
    level: int
    marker: str  # the numbering as written (normalised), e.g. "(一)" "1." "——"
    number: str  # the task number as written in the original (（一）, 1, ...)
    start: int  # normalised offset of the item's first character
    own_end: int  # end of the item's own text (before its first child / next item)
    title_span: tuple[int, int]
    parent: Item | None = None
    children: list[Item] = field(default_factory=list)
    section: str = ""
    table_units: list = field(default_factory=list)  # [(role, start, end)] from table columns
    body_spans: list = field(default_factory=list)  # normalised spans searched for targets
    end: int = 0  # end including children
    measure_span: tuple[int, int] | None = None  # indicator tables: the unit-of-measure cell
    target_span: tuple[int, int] | None = None  # indicator tables: the target cell
    skipped_spans: list = field(default_factory=list)  # table cells read on purpose as no targets (完成情况 …)
    indicator_row: bool = False  # a row of a table of indicators without responsible units: a goal, not a task


def _marker(line: str) -> tuple[int, re.Match] | None:
    for level, pattern in LEVEL_PATTERNS:
        m = pattern.match(line)
        if m and m.end() < len(line.rstrip()):
            return level, m
    return None


def _title_span(text: str, start: int, end: int) -> tuple[int, int]:
    """The title: up to the first 。 or : (or the whole line), without a trailing unit parenthesis."""
    pos = start
    while pos < end and text[pos] in " \t":
        pos += 1
    stop = end
    m = re.compile(r"[。:]|\((牵头|责任|主要责任|配合)").search(text, pos, end)
    if m:
        stop = m.start()
    while stop > pos and text[stop - 1] in " \t,;。":
        stop -= 1
    return pos, stop


def classify_section(title: str) -> str:
    for kind, pattern in SECTION_KINDS:
        if pattern.search(title):
            return kind
    return "other"


def _column_kind(text: str) -> tuple[str, str] | None:
    role = column_role(text)
    if role and "完成" not in text:
        return "units", role
    for kind, pattern in COLUMN_KINDS:
        if pattern.search(text):
            return kind, ""
    return None


def is_header_word(cell: str) -> bool:
    text = re.sub(r"\s+", "", cell)
    return 0 < len(text) <= 12 and _column_kind(text) is not None


def header_columns(cells: list[str]) -> dict[int, tuple[str, str]] | None:
    """Column index → (kind, role) when ``cells`` look like the header row of a task or indicator table."""
    columns: dict[int, tuple[str, str]] = {}
    for index, cell in enumerate(cells):
        text = re.sub(r"\s+", "", cell)
        if not text or len(text) > 12:
            continue
        found = _column_kind(text)
        if found:
            columns[index] = found
    kinds = [k for k, _ in columns.values()]
    has_text = "title" in kinds or "body" in kinds
    if "target" in kinds and "measure" not in kinds:
        # Without a unit-of-measure column a 目标 column holds target sentences.
        columns = {i: (("body", "") if k == "target" else (k, r)) for i, (k, r) in columns.items()}
        kinds = [k for k, _ in columns.values()]
        has_text = True
    if has_text and ("units" in kinds or ("measure" in kinds and "target" in kinds)):
        return columns
    return None


@dataclass
class Structure:
    items: list[Item]  # every numbered item in order
    sections: list[Item]  # level-1 items
    title_line: tuple[int, int] | None
    preamble: tuple[int, int] | None
    tables_seen: int = 0


def parse(norm, lines: list) -> tuple[list[Item], list[dict]]:
    """``lines``: the layout's logical lines. Returns the items and the tables that could not be read."""
    parser = _Parser(norm)
    for line in lines:
        if line.kind == "row":
            parser.row(line)
        else:
            parser.paragraph(line)
    return parser.finish()


class _Parser:
    """The item tree, built line by line: ``stack`` holds the open items, innermost last."""

    def __init__(self, norm):
        self.norm = norm
        self.text = norm.text
        self.items: list[Item] = []
        self.stack: list[Item] = []
        self.columns: dict[int, dict] = {}
        self.unread: dict[int, dict] = {}
        self.rows_before: dict[int, int] = {}
        self.data_seen: set[int] = set()
        self.table_counters: dict[int, int] = {}
        self.bullet_counters: dict[int, int] = {}

    def finish(self) -> tuple[list[Item], list[dict]]:
        items = self.items
        for item in items:
            if item.level != TABLE_LEVEL:
                item.body_spans = [(item.start, item.own_end)]
        for item in reversed(items):
            item.end = max([item.own_end] + [c.end for c in item.children])
        return items, list(self.unread.values())

    def add(self, item: Item) -> None:
        if item.parent:
            item.parent.children.append(item)
        self.items.append(item)
        self.stack.append(item)

    def parent_below(self, level: int) -> Item | None:
        """Close the open items at ``level`` or deeper; the innermost one left is the new item's parent."""
        stack = self.stack
        while stack and stack[-1].level >= level:
            stack.pop()
        return stack[-1] if stack else None

    def row(self, line) -> None:
        text = self.text
        cells = list(line.cells)
        cell_texts = [text[s:e] for s, e in cells]
        if line.table not in self.columns:
            self.first_rows(line, cell_texts)
            return
        header = self.columns[line.table]
        if self.rows_before.get(line.table) is not None and line.table not in self.data_seen:
            # A second header row (牵头单位 | 配合单位 under a merged 责任单位) replaces the first.
            second = header_columns(cell_texts)
            if second is not None and not any(NUMBERED_CELL.match(t) for t in cell_texts[:1]):
                self.columns[line.table] = second
                return
        self.data_seen.add(line.table)
        spans = _row_spans(text, header, cells)
        title_span = spans["title"]
        if title_span is None or title_span[0] == title_span[1]:
            return
        parent = self.parent_below(TABLE_LEVEL)
        target_span = spans["target"]
        self.add(Item(TABLE_LEVEL, "", self.row_number(line.table, spans["number"]), line.start, line.end,
                      title_span, parent=parent, table_units=spans["units"], body_spans=spans["bodies"],
                      measure_span=spans["measure"], target_span=target_span, skipped_spans=spans["skipped"],
                      indicator_row=target_span is not None and not any(k == "units" for k, _ in header.values())))

    def first_rows(self, line, cell_texts: list[str]) -> None:
        """Rows before the table's header is known: the header, or rows of a table that cannot be read."""
        start, end = line.start, line.end
        # The header is the first row that names the columns; a title row above it (merged over the
        # table's width) is allowed.
        header = header_columns(cell_texts)
        seen = self.rows_before.get(line.table, 0)
        self.rows_before[line.table] = seen + 1
        if header is not None and seen < 3:
            self.columns[line.table] = header
            self.unread.pop(line.table, None)
            return
        self.unread.setdefault(line.table, {"kind": "table", "start": start, "end": end})["end"] = end
        if self.stack:
            self.stack[-1].own_end = end

    def row_number(self, table: int, number_span: tuple[int, int] | None) -> str:
        """The number in the row's number cell as written, or the row's count in its table."""
        text = self.text
        if number_span and text[number_span[0]:number_span[1]].strip():
            s, e = number_span
            while s < e and text[s] == " ":
                s += 1
            while e > s and text[e - 1] in " .、":
                e -= 1
            return self.norm.orig(s, e)
        self.table_counters[table] = self.table_counters.get(table, 0) + 1
        return str(self.table_counters[table])

    def paragraph(self, line) -> None:
        norm, start, end = self.norm, line.start, line.end
        content = self.text[start:end]
        if ANNEX_RE.match(content):
            # 附件: what follows (often the task table) belongs to no section of the main text.
            self.stack.clear()
            return
        found = _marker(content)
        if found is None:
            if self.stack:
                self.stack[-1].own_end = end
            return
        level, m = found
        parent = self.parent_below(level)
        mstart, mend = start + m.start(1), start + m.end(1)
        if level == BULLET_LEVEL:
            key = id(parent)
            self.bullet_counters[key] = self.bullet_counters.get(key, 0) + 1
            number = str(self.bullet_counters[key])
        elif level in (2, 4):
            # The bracketed number as written: "（一）".
            number = norm.orig(start + m.start(0), start + m.end(0)).strip().rstrip("、.．")
        else:
            number = norm.orig(mstart, mend)
        self.add(Item(level, m.group(0).strip(), number, start, end,
                      _title_span(self.text, start + m.end(0), end), parent=parent, body_spans=[(start, end)]))


def _row_spans(text: str, header: dict, cells: list[tuple[int, int]]) -> dict:
    """A table row's cells by the kind of their column: number, title, measure and target spans; units
    ``[(role, start, end)]``, body and skipped spans."""
    spans: dict = {"number": None, "title": None, "measure": None, "target": None,
                   "units": [], "bodies": [], "skipped": []}
    for index, (kind, role) in header.items():
        if index >= len(cells):
            continue
        s, e = cells[index]
        if kind == "number":
            spans["number"] = (s, e)
        elif kind == "title":
            spans["title"] = _title_span(text, s, e)
            spans["bodies"].append((s, e))
        elif kind == "body":
            spans["bodies"].append((s, e))
            if spans["title"] is None:
                spans["title"] = _title_span(text, s, e)
        elif kind == "units":
            spans["units"].append((role, s, e))
        elif kind == "measure":
            spans["measure"] = (s, e)
        elif kind == "target":
            spans["target"] = (s, e)
        elif kind == "skip":
            spans["skipped"].append((s, e))
    return spans
