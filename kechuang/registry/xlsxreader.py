"""A small streaming .xlsx reader for imports (values only), several times faster than openpyxl's
read-only mode. Call ``importing.check_archive`` first: it refuses DOCTYPE/ENTITY declarations,
so expat (via ElementTree.iterparse) never expands entities here.

Values: shared/inline strings → str; numbers → int or float (dates stay Excel serial numbers, which
the importer's date parser understands); booleans → bool; error cells → their text ("#N/A"),
which the importer refuses in any column; a formula cell → its cached value (what Excel shows),
or "=" + the formula when the file carries no cached value (so the importer can refuse it).
"""

from __future__ import annotations

import io
import posixpath
import re
import zipfile
from xml.etree.ElementTree import iterparse

NS = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
REL_NS = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
PKG_REL = "{http://schemas.openxmlformats.org/package/2006/relationships}"
_COL_RE = re.compile(r"([A-Z]+)(\d+)")


def col_index(letters: str) -> int:
    n = 0
    for ch in letters:
        n = n * 26 + ord(ch) - 64
    return n - 1


class Workbook:
    def __init__(self, data: bytes):
        self.archive = zipfile.ZipFile(io.BytesIO(data))
        self.sheets = self._sheet_paths()  # name → path inside the zip, in workbook order
        self.states = getattr(self, "states", {})
        self._shared: list[str] | None = None

    @property
    def sheetnames(self) -> list[str]:
        return list(self.sheets)

    def _sheet_paths(self) -> dict[str, str]:
        rels = {}
        with self.archive.open("xl/_rels/workbook.xml.rels") as f:
            for _, el in iterparse(f):
                if el.tag == f"{PKG_REL}Relationship":
                    target = el.get("Target", "")
                    path = target.lstrip("/") if target.startswith("/") else posixpath.normpath(f"xl/{target}")
                    rels[el.get("Id")] = path
        out, states = {}, {}
        with self.archive.open("xl/workbook.xml") as f:
            for _, el in iterparse(f):
                if el.tag == f"{NS}sheet":
                    name = el.get("name")
                    out[name] = rels.get(el.get(f"{REL_NS}id"), "")
                    states[name] = el.get("state", "visible")
        self.states = states
        return out

    def shared_strings(self) -> list[str]:
        if self._shared is None:
            strings: list[str] = []
            try:
                f = self.archive.open("xl/sharedStrings.xml")
            except KeyError:
                self._shared = strings
                return strings
            with f:
                parts: list[str] = []
                in_rph = 0
                for event, el in iterparse(f, events=("start", "end")):
                    tag = el.tag
                    if tag == f"{NS}rPh":
                        in_rph += 1 if event == "start" else -1
                    elif event == "end" and tag == f"{NS}t" and not in_rph:
                        parts.append(el.text or "")
                    elif event == "end" and tag == f"{NS}si":
                        strings.append("".join(parts))
                        parts = []
                        el.clear()
            self._shared = strings
        return self._shared

    def merged_ranges(self, name: str) -> list[str]:
        raw = self.archive.read(self.sheets[name])
        idx = raw.rfind(b"</sheetData>")
        tail = raw[idx:] if idx >= 0 else raw
        return [m.decode() for m in re.findall(rb'<mergeCell\s+ref="([A-Z0-9:]+)"', tail)]

    def rows(self, name: str):
        """Yield (row number as Excel shows it, tuple of values) for every row element present."""
        shared = self.shared_strings()
        c_tag, v_tag, f_tag, is_tag, t_tag, row_tag = (f"{NS}c", f"{NS}v", f"{NS}f", f"{NS}is", f"{NS}t", f"{NS}row")
        with self.archive.open(self.sheets[name]) as f:
            row_no = 0
            for _, el in iterparse(f):
                if el.tag != row_tag:
                    continue
                r = el.get("r")
                row_no = int(r) if r else row_no + 1
                values: list = []
                next_col = 0
                for c in el.iter(c_tag):
                    ref = c.get("r")
                    if ref:
                        m = _COL_RE.match(ref)
                        idx = col_index(m.group(1)) if m else next_col
                    else:
                        idx = next_col
                    next_col = idx + 1
                    value = _cell_value(c, shared, v_tag, f_tag, is_tag, t_tag)
                    if value is None:
                        continue
                    if idx >= len(values):
                        values.extend([None] * (idx + 1 - len(values)))
                    values[idx] = value
                el.clear()
                yield row_no, tuple(values)


def _cell_value(c, shared, v_tag, f_tag, is_tag, t_tag):
    kind = c.get("t", "n")
    formula = c.find(f_tag)
    if formula is not None:
        cached = c.find(v_tag)
        if cached is None or cached.text is None:
            return "=" + (formula.text or "")
    if kind == "inlineStr":
        node = c.find(is_tag)
        if node is None:
            return None
        return "".join(t.text or "" for t in node.iter(t_tag))
    v = c.find(v_tag)
    if v is None or v.text is None:
        return None
    text = v.text
    if kind == "s":
        return shared[int(text)]
    if kind == "b":
        return text == "1"
    if kind in ("str", "e"):
        return text
    if "." in text or "E" in text or "e" in text:
        number = float(text)
        return int(number) if number.is_integer() and abs(number) < 1e15 else number
    return int(text)
