"""Unit assignments: （牵头单位：…；责任单位：…）, 牵头：…, 责任单位: …, and table columns."""

from __future__ import annotations

import re
from dataclasses import dataclass

LEAD = "lead"
RESPONSIBLE = "responsible"
MAIN = "main"  # 主要责任单位: the lead when no 牵头 is named, otherwise responsible

# Longest labels first. Matched on NFKC text (full-width colons are ":" there).
_LABELS = [
    ("牵头责任单位", LEAD), ("牵头单位", LEAD), ("牵头部门", LEAD), ("牵头领导", None), ("牵头", LEAD),
    ("主要责任单位", MAIN), ("主责单位", MAIN),
    ("协同配合单位", RESPONSIBLE), ("配合单位", RESPONSIBLE), ("配合部门", RESPONSIBLE), ("协办单位", RESPONSIBLE),
    ("参与单位", RESPONSIBLE), ("责任单位", RESPONSIBLE), ("责任部门", RESPONSIBLE), ("配合", RESPONSIBLE),
    ("责任", RESPONSIBLE),
]
# "牵头单位：" or a label alone on its line with the names on the next line.
LABEL_RE = re.compile(r"(" + "|".join(re.escape(label) for label, _ in _LABELS) + r")[ \t]*(?::[ \t]*\n?[ \t]*|\n)")
ROLE_OF = dict(_LABELS)

# Table column headers.
COLUMN_ROLES = [
    (re.compile(r"牵头"), LEAD),
    (re.compile(r"主要责任|主责"), MAIN),
    (re.compile(r"协同|配合|协办|参与"), RESPONSIBLE),
    (re.compile(r"责任(单位|部门)"), RESPONSIBLE),
]

_SPLIT_RE = re.compile(r"[、,;/]|\s+|和(?=市)")


@dataclass
class Assignment:
    role: str
    names: list[tuple[str, int, int]]  # (name as written, normalised start, end)
    start: int  # span of the whole assignment in the normalised text
    end: int
    label: str = ""


def split_names(norm, start: int, end: int) -> list[tuple[str, int, int]]:
    """Split the normalised span into names; each name is returned as written in the original."""
    text = norm.text[start:end]
    names = []
    pos = 0
    # Separators inside brackets do not split: "各县（市、区）人民政府" is one name.
    depth_at, depth = [], 0
    for char in text:
        depth += char == "("
        depth -= char == ")" and depth > 0
        depth_at.append(depth)
    separators = [m for m in _SPLIT_RE.finditer(text) if depth_at[m.start()] == 0]
    for match in separators + [None]:
        stop = match.start() if match else len(text)
        s, e = start + pos, start + stop
        # Trim spaces, stray punctuation and a trailing 等 / 等单位.
        while s < e and norm.text[s] in " :：)。":
            s += 1
        while e > s and norm.text[e - 1] in " :：。":
            e -= 1
        piece = norm.text[s:e]
        for suffix in ("等有关单位", "等相关单位", "等单位", "等部门", "等"):
            if piece.endswith(suffix) and len(piece) > len(suffix) + 1:
                e -= len(suffix)
                break
        if e > s:
            names.append((norm.orig(s, e), s, e))
        pos = match.end() if match else len(text)
    return names


def find_assignments(norm, start: int, end: int) -> list[Assignment]:
    """Unit assignments written inside the normalised span [start, end)."""
    text = norm.text
    found: list[Assignment] = []
    labels = [m for m in LABEL_RE.finditer(text, start, end)]
    for i, m in enumerate(labels):
        role = ROLE_OF[m.group(1)]
        # Short labels (牵头/配合/责任) only count when they open a clause, e.g. "(牵头：" or a line start.
        before = text[m.start() - 1] if m.start() > 0 else "\n"
        if m.group(1) in ("牵头", "配合", "责任") and before not in "\n(;,。 \t":
            continue
        if ":" not in m.group(0) and before != "\n":
            continue
        if role is None:
            continue
        value_start = m.end()
        limit = labels[i + 1].start() if i + 1 < len(labels) else end
        depth = 0
        pos = value_start
        while pos < limit:
            char = text[pos]
            if char == "(":
                depth += 1
            elif char == ")":
                if depth == 0:
                    break
                depth -= 1
            elif char in ";。\n\t":
                break
            pos += 1
        names = split_names(norm, value_start, pos)
        if names:
            found.append(Assignment(role, names, m.start(), pos, m.group(1)))
    return found


# "（市科技局牵头，市财政局、市统计局配合）": roles written after the names, without a label.
INLINE_RE = re.compile(r"\(([^()]{2,80}?)牵头(?:,|;|，)?([^()]*?)(?:配合|参与|协同|按职责分工负责|负责)?\)")
LEAD_MARK = "(牵头)"


# "（县科技局、县财政局负责）" or "（县科技局、县财政局）" closing a task: the units, no role named.
BARE_RE = re.compile(
    r"\(((?:[^()]|\([^()]*\))+?)(?:按职责分工负责|分别负责|共同负责|负责落实|负责|落实)?\)(?=\s*[。;]?\s*$)")


def find_inline_assignments(norm, start: int, end: int) -> list[Assignment]:
    found = []
    text = norm.text[start:end]
    bare = BARE_RE.search(text.rstrip())
    if bare and "牵头" not in bare.group(1) and looks_like_units(bare.group(1)):
        names = split_names(norm, start + bare.start(1), start + bare.end(1))
        if names:
            return [Assignment(RESPONSIBLE, names, start + bare.start(), start + bare.end(), "")]
    for m in INLINE_RE.finditer(norm.text, start, end):
        if ":" in m.group(0):
            continue
        lead = split_names(norm, m.start(1), m.end(1))
        if not lead:
            continue
        found.append(Assignment(LEAD, lead, m.start(), m.end(), "牵头"))
        responsible = split_names(norm, m.start(2), m.end(2))
        if responsible:
            found.append(Assignment(RESPONSIBLE, responsible, m.start(), m.end(), "配合"))
    return found


def column_role(header: str) -> str | None:
    if "领导" in header or "责任人" in header:
        return None  # 牵头领导, 责任人: people, not units
    for pattern, role in COLUMN_ROLES:
        if pattern.search(header):
            return role
    return None


def settle_roles(assignments: list[Assignment]) -> tuple[list[tuple[str, int, int]], list[tuple[str, int, int]]]:
    """(lead names, responsible names) from a task's assignments, 主要责任单位 settled by context."""
    has_lead = any(a.role == LEAD for a in assignments)
    lead: list = []
    responsible: list = []
    for a in assignments:
        role = a.role
        if role == MAIN:
            role = RESPONSIBLE if has_lead else LEAD
        for name in a.names:
            target = lead if role == LEAD else responsible
            written, s, e = name
            # "市科技局（牵头）" inside a list of names: that unit leads.
            if written.replace("（", "(").replace("）", ")").endswith(LEAD_MARK):
                name = (written[: -len(LEAD_MARK)], s, e - len(LEAD_MARK))
                target = lead
            if name[0] not in [n[0] for n in target]:
                target.append(name)
    return lead, responsible


UNIT_SUFFIX = re.compile(
    r"(局|委|办|院|部|会|所|站|中心|政府|街道|办事处|镇|乡|公司|行|队|团|社|处|科|室|馆|厂|集团|园区|管委会|开发区|高新区|"
    r"法院|检察院|科协|联|校|大学|学院|医院|台|分局|支行|单位|部门|组|协会|商会|工会|妇联|团委|总工会|人大|政协)"
    r"(\(牵头\))?$")


def looks_like_units(text: str) -> bool:
    """True when ``text`` (normalised) is one or more unit names: "县科技局", "县财政局、县税务局", "各乡镇"."""
    text = text.strip().rstrip("。;,")
    if not text or len(text) > 60 or re.search(r"[。:]|\d", text):
        return False
    unbracketed = re.sub(r"\([^()]*\)", lambda m: m.group(0).replace("、", ""), text)
    names = [n for n in re.split(r"[、,;/\s]+", unbracketed) if n]
    return bool(names) and all(len(n) <= 20 and (UNIT_SUFFIX.search(n) or n.startswith("各")) for n in names)
