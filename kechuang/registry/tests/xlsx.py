"""Build real .xlsx files for import tests (valid, malformed and hostile)."""

from __future__ import annotations

import functools
import io
import zipfile
from xml.sax.saxutils import escape

import openpyxl
from openpyxl.utils import get_column_letter

from kechuang.registry.validators import make_uscc

ENTERPRISE_HEADERS = [
    "统一社会信用代码",
    "企业名称",
    "所在镇办/开发区",
    "行业代码",
    "所属行业",
    "规上企业",
    "工业企业",
    "成立日期",
    "地址",
    "联系人",
    "存续",
]


def workbook_bytes(rows, headers=ENTERPRISE_HEADERS, sheet="企业", merge: str | None = None) -> bytes:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = sheet
    ws.append(headers)
    for row in rows:
        ws.append(row)
    if merge:
        ws.merge_cells(merge)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def enterprise_row(uscc, name, town="武胜关镇", **kw):
    row = {
        "uscc": uscc,
        "name": name,
        "town": town,
        "industry_code": "C34",
        "industry_name": "通用设备制造业",
        "above": "是",
        "industrial": "是",
        "registered_on": "2015/3/5",
        "address": "",
        "contact": "",
        "active": "是",
    }
    row.update(kw)
    return list(row.values())


@functools.cache  # the same bytes each time (~1 s to build): built once per test process
def zip_bomb() -> bytes:
    """A valid-looking xlsx whose sheet XML expands to far more than the limit (300 MB of spaces, written in
    chunks at the fastest compression level: still over 200 to 1)."""
    base = workbook_bytes([])
    src = zipfile.ZipFile(io.BytesIO(base))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as dst:
        for info in src.infolist():
            data = src.read(info.filename)
            if info.filename == "xl/worksheets/sheet1.xml":
                chunk = b" " * (1024 * 1024)
                with dst.open(info.filename, "w") as member:
                    member.write(data)
                    for _ in range(300):
                        member.write(chunk)
                continue
            dst.writestr(info.filename, data)
    return out.getvalue()


def entity_bomb() -> bytes:
    base = workbook_bytes([])
    src = zipfile.ZipFile(io.BytesIO(base))
    out = io.BytesIO()
    dtd = b'<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;">]>'

    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            data = src.read(info.filename)
            if info.filename == "xl/worksheets/sheet1.xml":
                head, sep, rest = data.partition(b"?>")
                data = head + sep + dtd + rest
            dst.writestr(info.filename, data)
    return out.getvalue()


def big_enterprise_file(n: int, start: int = 0, town="武胜关镇") -> bytes:
    return _big_workbook("企业", ENTERPRISE_HEADERS, (
        [
            make_uscc(f"91421381MA{i:07d}"),
            f"演示批量企业{i:06d}有限公司",
            town,
            "C34",
            "通用设备制造业",
            "是" if i % 5 == 0 else "否",
            "是" if i % 2 == 0 else "否",
            "2015-03-05",
            "",
            "",
            "是",
        ]
        for i in range(start, start + n)
    ))


def _big_workbook(sheet: str, headers: list[str], rows) -> bytes:
    """A one-sheet workbook with many rows, written several times faster than openpyxl's writer (~6 s for
    50,000 rows): openpyxl writes the workbook with its header row, and the data rows are added to the sheet's
    XML as openpyxl's write-only mode writes them (text inline, numbers as ``t="n"``, "" as an empty text cell,
    None as no cell, non-ASCII as character references), so the file is the one openpyxl would write."""
    wb = openpyxl.Workbook(write_only=True)
    wb.create_sheet(sheet).append(headers)
    base = io.BytesIO()
    wb.save(base)
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(base.getvalue())) as src, \
            zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            data = src.read(info.filename)
            if info.filename == "xl/worksheets/sheet1.xml":
                head, sep, tail = data.partition(b"</sheetData>")
                data = head + "".join(_row_xml(r, values) for r, values in enumerate(rows, 2)).encode(
                    "ascii", "xmlcharrefreplace") + sep + tail
            dst.writestr(info, data)
    return out.getvalue()


def _row_xml(r: int, values) -> str:
    cells = []
    for letter, value in zip(_LETTERS, values, strict=False):
        if value is None:
            continue
        if value == "":
            cells.append(f'<c r="{letter}{r}" t="inlineStr"></c>')
            continue
        if isinstance(value, int | float) and not isinstance(value, bool):
            cells.append(f'<c r="{letter}{r}" t="n"><v>{value}</v></c>')
        else:
            cells.append(f'<c r="{letter}{r}" t="inlineStr"><is><t>{escape(str(value))}</t></is></c>')
    return f'<row r="{r}">{"".join(cells)}</row>'


_LETTERS = [get_column_letter(c) for c in range(1, 65)]  # more columns than any registry has


YEAR_HEADERS = [
    "企业（统一社会信用代码）",
    "年度",
    "营业收入（元）",
    "研发费用（元）",
    "境内研发费用（元）",
    "高新技术产品收入（元）",
    "资产总额（元）",
    "净资产（元）",
    "职工人数",
    "科技人员数",
]


def big_enterprise_year_file(n: int, year: int = 2022, start: int = 0) -> bytes:
    """One plausible year row for each enterprise of ``big_enterprise_file(n, start)`` (every rule applies)."""
    def row(i):
        revenue = 10_000_000 + i * 100
        return [
            make_uscc(f"91421381MA{i:07d}"),
            year,
            revenue,
            revenue // 25,
            revenue // 30,
            revenue // 2,
            revenue * 2,
            revenue,
            50 + i % 100,
            10 + i % 20,
        ]

    return _big_workbook("企业年度数据", YEAR_HEADERS, (row(i) for i in range(start, start + n)))
