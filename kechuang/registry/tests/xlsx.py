"""Build real .xlsx files for import tests (valid, malformed and hostile)."""

from __future__ import annotations

import io
import zipfile

import openpyxl

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


def zip_bomb() -> bytes:
    """A valid-looking xlsx whose sheet XML expands to far more than the limit."""
    base = workbook_bytes([])
    src = zipfile.ZipFile(io.BytesIO(base))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            data = src.read(info.filename)
            if info.filename == "xl/worksheets/sheet1.xml":
                data = data + b" " * (300 * 1024 * 1024)
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
    wb = openpyxl.Workbook(write_only=True)
    ws = wb.create_sheet("企业")
    ws.append(ENTERPRISE_HEADERS)
    for i in range(start, start + n):
        ws.append(
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
        )
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


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
    wb = openpyxl.Workbook(write_only=True)
    ws = wb.create_sheet("企业年度数据")
    ws.append(YEAR_HEADERS)
    for i in range(start, start + n):
        revenue = 10_000_000 + i * 100
        ws.append(
            [
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
        )
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()
