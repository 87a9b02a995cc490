"""Reading an uploaded workbook into a ``tablib.Dataset`` for the registry's resource.

Hostile files are refused before any parser sees them (``check_archive``: not a zip/xlsx; uncompressed size over
``MAX_UNCOMPRESSED`` or a suspicious compression ratio; any DOCTYPE/ENTITY in an XML part). The workbook is then
read with python-calamine (Rust; values only, formula cells give their cached result, date cells come as dates).

Calamine does not show two things the import must refuse, so they are found in the chosen sheet's XML and put back
into the rows: a formula without a cached result (calamine gives an empty cell; here it becomes "=" + the formula)
and an Excel error value (calamine gives an empty cell; here it becomes "#N/A" …). Sheets without any ``<f>`` or
``t="e"`` (nearly all uploads) are not parsed a second time.

Calamine holds the whole sheet (bounded by ``check_archive``'s size limit); rows are turned into Python values one
at a time and reading stops at ``MAX_ROWS`` + 1 data rows.
"""

from __future__ import annotations

import io
import posixpath
import re
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field
from xml.etree.ElementTree import iterparse

import tablib
from openpyxl.utils import get_column_letter
from python_calamine import CalamineWorkbook, SheetVisibleEnum

from kechuang.core.uploads import UploadRefused, check_ooxml

from ..config import RegistryConfig
from .cells import Column, columns_for, is_blank, text
from .results import ImportRefused, ImportResult

MAX_ROWS = 50_000
MAX_UNCOMPRESSED = 200 * 1024 * 1024  # bytes, all members together
SPECIAL_SHEETS = ("说明", "选项", "__meta", "错误清单")  # 错误清单: added by the annotated error workbook

_NS = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
_REL_ID = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}id"
_PKG_REL = "{http://schemas.openxmlformats.org/package/2006/relationships}Relationship"
_CELL_RE = re.compile(r"([A-Z]+)(\d+)")
_FAULT_HINTS = (b"<f", b":f>", b":f ", b't="e"')  # a formula element (any prefix) or an error cell


def check_archive(data: bytes) -> None:
    """Refuse anything that is not a sane .xlsx before a parser reads it (the shared upload guard)."""
    try:
        check_ooxml(data, kind="xlsx", max_uncompressed=MAX_UNCOMPRESSED)
    except UploadRefused as exc:
        raise ImportRefused(str(exc)) from exc


class Workbook:
    """The sheets of an .xlsx (already passed by ``check_archive``), read with python-calamine."""

    def __init__(self, data: bytes):
        self.data = data
        self.book = CalamineWorkbook.from_filelike(io.BytesIO(data))
        self.sheetnames = list(self.book.sheet_names)
        self.hidden = {m.name for m in self.book.sheets_metadata if m.visible != SheetVisibleEnum.Visible}
        self._sheets: dict = {}

    def sheet(self, name: str):
        """The calamine sheet (parsed once: sheet detection, header and rows all read it)."""
        if name not in self._sheets:
            self._sheets[name] = self.book.get_sheet_by_name(name)
        return self._sheets[name]

    def rows(self, name: str):
        """Yield (row number as Excel shows it, tuple of values) for every row from the first non-empty one."""
        sheet = self.sheet(name)
        if sheet.start is None:
            return
        first_row, first_col = sheet.start
        pad = (None,) * first_col
        for offset, values in enumerate(sheet.iter_rows()):
            yield first_row + 1 + offset, pad + tuple(values)

    def merged_ranges(self, name: str) -> list[str]:
        ranges = self.sheet(name).merged_cell_ranges or []
        return [
            f"{get_column_letter(c0 + 1)}{r0 + 1}:{get_column_letter(c1 + 1)}{r1 + 1}" for (r0, c0), (r1, c1) in ranges
        ]

    def faults(self, name: str) -> dict[tuple[int, int], str]:
        """(Excel row, column index) → "=formula" for formulas without a cached result, or the error text."""
        archive = zipfile.ZipFile(io.BytesIO(self.data))
        raw = archive.read(_sheet_path(archive, name))
        if not any(hint in raw for hint in _FAULT_HINTS):
            return {}
        found = {}
        for _, el in iterparse(io.BytesIO(raw)):  # no DOCTYPE/ENTITY here: check_archive refused those
            if el.tag != f"{_NS}c":
                continue
            match = _CELL_RE.match(el.get("r", ""))
            formula, cached = el.find(f"{_NS}f"), el.find(f"{_NS}v")
            if match and el.get("t") == "e" and cached is not None:
                found[(int(match[2]), _col_index(match[1]))] = cached.text or ""
            elif match and formula is not None and (cached is None or not cached.text):
                found[(int(match[2]), _col_index(match[1]))] = "=" + (formula.text or "")
            el.clear()
        return found


def _col_index(letters: str) -> int:
    n = 0
    for ch in letters:
        n = n * 26 + ord(ch) - 64
    return n - 1


def _sheet_path(archive: zipfile.ZipFile, name: str) -> str:
    rels = {}
    for _, el in iterparse(archive.open("xl/_rels/workbook.xml.rels")):
        if el.tag == _PKG_REL:
            target = el.get("Target", "")
            rels[el.get("Id")] = target.lstrip("/") if target.startswith("/") else posixpath.normpath(f"xl/{target}")
    for _, el in iterparse(archive.open("xl/workbook.xml")):
        if el.tag == f"{_NS}sheet" and el.get("name") == name:
            return rels[el.get(_REL_ID)]
    raise KeyError(name)


# ------------------------------------------------------------------------------ the data sheet


@dataclass
class Sheet:
    """The data sheet as the resource reads it: one dataset column per recognised header."""

    name: str
    columns: list[Column]  # in the dataset's order
    letters: dict[str, str] = field(default_factory=dict)  # column name → letter
    excel_rows: list[int] = field(default_factory=list)  # dataset row i (0-based) → row as Excel shows it
    dataset: tablib.Dataset | None = None

    @property
    def headers(self) -> dict[str, str]:
        return {c.name: c.header for c in self.columns}


def norm_header(value) -> str:
    cell = text(value) if value is not None else ""
    return cell.replace("*", "").replace("(", "（").replace(")", "）").replace(" ", "")


def _header_match(columns, header_row) -> tuple[int, int]:
    """(cells matching a template header, non-empty cells) of a sheet's first row."""
    expected = {norm_header(c.header) for c in columns}
    cells = [norm_header(v) for v in header_row or () if v is not None and str(v).strip()]
    return sum(1 for c in cells if c in expected), len(cells)


def _has_data(rows) -> bool:
    return any(values and not all(is_blank(v) for v in values) for _, values in rows)


def find_data_sheet(cfg: RegistryConfig, wb: Workbook, columns, result: ImportResult) -> str | None:
    """The sheet carrying the template's header, visible or hidden. Several such sheets with data:
    refused, naming them (never half-read). No sheet with the header: the registry's own sheet or
    the first ordinary one, so that the header errors are reported on it."""
    shaped, with_data, others = [], [], []
    for name in wb.sheetnames:
        if name in SPECIAL_SHEETS:
            continue
        rows = wb.rows(name)
        first = next(rows, None)
        if first is None:
            continue
        matched, cells = _header_match(columns, first[1])
        if matched and matched * 2 >= cells:
            shaped.append(name)
            if _has_data(rows):
                with_data.append(name)
        elif cells:
            others.append(name)
    if len(with_data) > 1:
        names = "、".join(f"“{n}”" for n in with_data)
        result.refuse(
            f"工作簿中有 {len(with_data)} 个工作表都带有模板表头和数据（{names}），"
            "系统不会只导入其中一个；请合并到一个工作表，或分成多个文件分别导入"
        )
        return None
    chosen = (with_data or shaped or [None])[0]
    if chosen is None:
        chosen = cfg.title if cfg.title in wb.sheetnames else next(
            (n for n in wb.sheetnames if n not in SPECIAL_SHEETS), None
        )
    if chosen is None:
        return None
    result.sheet = chosen
    result.warnings.append(f"数据取自工作表“{chosen}”" + ("（该工作表为隐藏工作表）" if chosen in wb.hidden else ""))
    ignored = [n for n in others + shaped if n != chosen]
    if ignored:
        result.warnings.append("已忽略没有模板数据的工作表：" + "、".join(f"“{n}”" for n in ignored))
    return chosen


def read_sheet(cfg: RegistryConfig, wb: Workbook, result: ImportResult, progress: Callable[[int], None]):
    """The data sheet as a ``Sheet`` (with its dataset), or None with the located errors in ``result``."""
    columns = columns_for(cfg)
    name = find_data_sheet(cfg, wb, columns, result)
    if name is None:
        if result.ok:
            result.refuse("工作簿中没有数据工作表")
        return None
    if not _check_meta(cfg, wb, name, result) or not _check_merged(wb, name, result):
        return None
    rows = wb.rows(name)
    first = next(rows, None)
    if first is None or first[0] != 1:
        result.add_error(name, 1, "", "", "", "第1行应为表头（请使用模板，不要在表头上方插入行）")
        return None
    position = _map_header(columns, first[1], name, result)
    if position is None:
        return None
    sheet = Sheet(name, list(position.values()))
    sheet.letters = {col.name: get_column_letter(i + 1) for i, col in position.items()}
    if _read_rows(sheet, list(position), rows, wb.faults(name), result, progress):
        return sheet
    return None


def _check_meta(cfg: RegistryConfig, wb: Workbook, name: str, result: ImportResult) -> bool:
    """A template or export of another registry (its hidden ``__meta`` sheet) is refused."""
    if "__meta" not in wb.sheetnames:
        return True
    meta = {r[0]: r[1] for _, r in wb.rows("__meta") if len(r) >= 2 and r[0]}
    if meta.get("registry") and meta.get("registry") != cfg.key:
        result.add_error(
            name, None, "", "", str(meta.get("registry")),
            f"这是“{meta.get('title') or meta.get('registry')}”的模板，不能导入到“{cfg.title}”",
        )
        return False
    return True


def _check_merged(wb: Workbook, name: str, result: ImportResult) -> bool:
    for ref in wb.merged_ranges(name):
        first = ref.split(":")[0]
        result.add_error(
            name, int(re.sub(r"\D", "", first)), re.sub(r"\d", "", first), "", ref,
            f"数据区域不允许合并单元格（{ref}），请取消合并并在每一行填写完整",
        )
    return result.ok


def _map_header(columns: list[Column], header_row, sheet: str, result: ImportResult) -> dict[int, Column] | None:
    """Column index → template column, matched by normalised header name (any order)."""
    expected = {norm_header(c.header): c for c in columns}
    position: dict[int, Column] = {}
    seen: set[str] = set()
    for idx, raw in enumerate(header_row or ()):
        if raw is None or str(raw).strip() == "":
            continue
        name, letter = norm_header(raw), get_column_letter(idx + 1)
        if name not in expected:
            result.add_error(sheet, 1, letter, str(raw), str(raw), "无法识别的表头（请使用模板中的列名）")
        elif name in seen:
            result.add_error(sheet, 1, letter, str(raw), str(raw), "表头重复")
        else:
            seen.add(name)
            position[idx] = expected[name]
    for col in columns:
        if norm_header(col.header) not in seen:
            if col.required:
                result.add_error(sheet, 1, "", col.header, "", f"缺少必填列“{col.header}”")
            else:
                result.warnings.append(f"未提供“{col.header}”列：已有记录的该项保持不变")
    order = [position[i].header for i in sorted(position)]
    if order != [c.header for c in columns if c.header in order] and result.ok:
        result.warnings.append("列的顺序与模板不同，已按表头名称对应（" + "、".join(order) + "）")
    return position if result.ok else None


def _read_rows(sheet: Sheet, indexes: list[int], rows, faults: dict, result: ImportResult, progress) -> bool:
    """Fill the sheet's dataset with its non-empty rows (the recognised columns only); refuse past MAX_ROWS."""
    data = []
    # One object per distinct text of a column (towns, industries, 是/否, dates repeat on most rows): the sheet's
    # cells are held until the import ends, and this keeps them at a fraction of the size.
    seen: list[dict] = [{} for _ in indexes]
    for excel_row, values in rows:
        if not values or all(is_blank(v) for v in values):
            continue
        if len(data) >= MAX_ROWS:
            reason = f"数据超过 {MAX_ROWS:,} 行，已拒绝；请拆分为多个文件后导入"
            result.add_error(sheet.name, excel_row, "", "", "", reason)
            return False
        if len(data) % 2000 == 1999:
            progress(min(20, (len(data) + 1) * 20 // MAX_ROWS + 1))
        width = len(values)
        cells = [values[i] if i < width else None for i in indexes]
        if faults:
            cells = [faults.get((excel_row, i), v) for i, v in zip(indexes, cells, strict=True)]
        data.append(tuple([m.setdefault(v, v) if type(v) is str else v for m, v in zip(seen, cells, strict=True)]))
        sheet.excel_rows.append(excel_row)
    result.total_rows = len(data)
    if not data:
        result.add_error(sheet.name, None, "", "", "", "没有数据行")
        return False
    sheet.dataset = SheetRows(data, [c.header for c in sheet.columns])
    return True


class SheetRows(tablib.Dataset):
    """A ``tablib.Dataset`` whose rows stay the tuples read (tablib wraps each row in a ``Row`` holding a list copy:
    ~120 bytes more a row). Read only: ``len``, iteration, a row by index, a column by header."""

    def __init__(self, rows: list[tuple], headers: list[str]):
        super().__init__(headers=headers)
        self._data = rows  # tablib's own column access (``dataset[header]``) indexes these rows as it does Rows

    def __iter__(self):
        return iter(self._data)

    def __getitem__(self, key):
        if isinstance(key, int):
            return self._data[key]
        if isinstance(key, slice):
            return self._data[key]
        return super().__getitem__(key)
