"""Plausibility rules (plausibility.py) at every door: Excel import, web form, API (rows and files), CLI;
workbooks as users send them (hidden sheet, extra sheet, error cells, thousands separators)."""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from decimal import Decimal

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.test import Client
from django.urls import reverse

from kechuang.accounts.models import APIToken
from kechuang.org.models import Unit
from kechuang.registry.config import get_registry
from kechuang.registry.importing import columns_for, parse_number, run_import
from kechuang.registry.models import Commissioner, Enterprise, EnterpriseYear, HighTechCertificate, ImportJob
from kechuang.registry.plausibility import describe
from kechuang.registry.services import process_job
from kechuang.registry.tests import factories as f
from kechuang.registry.tests import xlsx

FOUNDED = dt.date(2010, 5, 1)
NEXT_YEAR = dt.date.today().year + 1


def _headers(registry: str) -> dict[str, str]:
    return {c.name: c.header for c in columns_for(get_registry(registry))}


def rows_file(registry: str, rows: list[dict], sheet: str | None = None) -> bytes:
    """An .xlsx with the template's headers for the keys of ``rows`` (in template order)."""
    headers = _headers(registry)
    names = [n for n in headers if any(n in r for r in rows)]
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = sheet or get_registry(registry).title
    ws.append([headers[n] for n in names])
    for r in rows:
        ws.append([r.get(n) for n in names])
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


@pytest.fixture
def firm(plan):
    return f.enterprise(name="规则测试企业有限公司", registered_on=FOUNDED, town=Unit.objects.get(name="武胜关镇"))


def _year(firm, **kw):
    row = {"enterprise": firm.uscc, "year": 2022, "revenue": "1000000", "employees": 20}
    row.update(kw)
    return row


# (registry, row builder, field in the error, fragment of the Chinese message)
ERROR_CASES = {
    "negative revenue": ("enterprise-years", lambda e: _year(e, revenue="-100"), "revenue", "不能为负数"),
    "negative R&D": ("enterprise-years", lambda e: _year(e, rd_expense="-5"), "rd_expense", "不能为负数"),
    "negative employees": ("enterprise-years", lambda e: _year(e, employees=-5), "employees", "负数"),
    "year 2099": ("enterprise-years", lambda e: _year(e, year=2099), "year", f"晚于{NEXT_YEAR}年"),
    "year before founding": ("enterprise-years", lambda e: _year(e, year=2005), "year", "早于企业成立年份2010年"),
    "tech staff over employees": (
        "enterprise-years",
        lambda e: _year(e, employees=10, tech_staff=12),
        "tech_staff",
        "科技人员数不能大于职工人数",
    ),
    "high-tech revenue over revenue": (
        "enterprise-years",
        lambda e: _year(e, hightech_revenue="2000000"),
        "hightech_revenue",
        "高新技术产品收入（元）不能大于营业收入（元）",
    ),
    "domestic R&D over R&D": (
        "enterprise-years",
        lambda e: _year(e, rd_expense="100", rd_domestic="200"),
        "rd_domestic",
        "境内研发费用（元）不能大于研发费用（元）",
    ),
    "net assets over total assets": (
        "enterprise-years",
        lambda e: _year(e, total_assets="100", net_assets="200"),
        "net_assets",
        "净资产（元）不能大于资产总额（元）",
    ),
    "founded in the future": (
        "enterprises",
        lambda e: {"uscc": f.uscc(), "name": "未来公司", "town": "武胜关镇", "registered_on": f"{NEXT_YEAR + 1}-01-01"},
        "registered_on",
        "晚于今天",
    ),
    "Excel error value as a name": (
        "enterprises",
        lambda e: {"uscc": f.uscc(), "name": "#N/A", "town": "武胜关镇"},
        "name",
        "Excel 错误值",
    ),
    "certificate validity not 3 years": (
        "certificates",
        lambda e: {
            "number": "GR202142000001",
            "enterprise": e.uscc,
            "issued_on": "2021-12-01",
            "expires_on": "2025-12-01",
        },
        "expires_on",
        "有效期至应为发证日期后3年",
    ),
    "certificate before founding": (
        "certificates",
        lambda e: {"number": "GR200942000001", "enterprise": e.uscc, "issued_on": "2009-12-01"},
        "issued_on",
        "早于企业成立日期",
    ),
    "tech-SME year before founding": (
        "tech-smes",
        lambda e: {"number": "20094213810001", "enterprise": e.uscc, "year": 2009},
        "year",
        "早于企业成立",
    ),
    "commissioner ends before starting": (
        "commissioners",
        lambda e: {
            "name": "张三",
            "dispatching_body": "省科技厅",
            "term_start": "2022-05-01",
            "term_end": "2022-01-01",
        },
        "term_end",
        "服务结束不能早于服务开始",
    ),
    "negative contract amount": (
        "contracts",
        lambda e: {
            "number": "42138120220001",
            "kind": "技术开发",
            "seller": "甲",
            "buyer": "乙",
            "amount": "-1",
            "registered_on": "2022-03-01",
        },
        "amount",
        "不能为负数",
    ),
}

MODELS = {
    "enterprise-years": EnterpriseYear,
    "enterprises": Enterprise,
    "certificates": HighTechCertificate,
    "commissioners": Commissioner,
}


def _count(registry):
    return get_registry(registry).model.objects.count()


# One test per door, looping over the cases: each case writes nothing, and the shared fixtures are
# expensive to set up per test.


def test_each_rule_class_refuses_the_file_with_a_located_chinese_message(firm, personas):
    for case, (registry, build, field, fragment) in ERROR_CASES.items():
        before = _count(registry)
        result = run_import(registry, rows_file(registry, [build(firm)]), personas["office"], commit=True)
        assert not result.ok and not result.committed, case
        assert _count(registry) == before, case
        hits = [e for e in result.errors if fragment in e.reason]
        assert hits, (case, [str(e) for e in result.errors])
        err = hits[0]
        assert (err.row, err.header, err.sheet) == (2, _headers(registry)[field], get_registry(registry).title), case
        assert err.column, case


def _form_payload(registry, row):
    payload = dict(row)
    if payload.get("town"):
        payload["town"] = Unit.objects.get(name=payload["town"]).pk
    return payload


def test_each_rule_class_refuses_the_web_form(firm, client_for):
    client = client_for("office")
    for case, (registry, build, field, fragment) in ERROR_CASES.items():
        before = _count(registry)
        response = client.post(reverse("registry:create", args=[registry]), _form_payload(registry, build(firm)))
        assert response.status_code == 200, case  # the form again, with the errors
        form = response.context["form"]
        messages = " ".join(str(e) for errors in form.errors.values() for e in errors)
        assert field in form.errors, (case, messages)
        assert fragment in messages or case == "negative employees", (case, messages)
        assert _count(registry) == before, case


@pytest.fixture
def api(personas):
    _, key = APIToken.issue(personas["office"], "tests")
    return Client(HTTP_AUTHORIZATION=f"Bearer {key}")


def test_each_rule_class_refuses_the_api(firm, api):
    for case, (registry, build, _field, fragment) in ERROR_CASES.items():
        before = _count(registry)
        response = api.post(
            f"/api/registry/rows/{registry}", _form_payload(registry, build(firm)), content_type="application/json"
        )
        assert response.status_code == 422, case
        assert fragment in response.json()["detail"] or case == "negative employees", (case, response.json())
        upload = api.post(
            f"/api/registry/import/{registry}?commit=true",
            {"file": _named(rows_file(registry, [build(firm)]), "x.xlsx")},
        )
        body = upload.json()
        assert upload.status_code == 200 and body["ok"] is False and body["committed"] is False, case
        assert any(fragment in e["reason"] for e in body["errors"]), (case, body["errors"])
        assert _count(registry) == before, case


def _named(data: bytes, name: str):
    return SimpleUploadedFile(name, data, content_type="application/octet-stream")


def test_a_valid_row_through_the_api_is_created_with_its_warnings(firm, api):
    EnterpriseYear.objects.create(enterprise=firm, year=2021, revenue=Decimal(100_000), employees=20)
    payload = _year(firm, revenue="1000000", rd_expense="600000")
    response = api.post("/api/registry/rows/enterprise-years", payload, content_type="application/json")
    assert response.status_code == 201, response.content
    warnings = " | ".join(response.json()["warnings"])
    assert "变化超过3倍" in warnings and "研发投入强度为60.0%" in warnings
    assert EnterpriseYear.objects.filter(enterprise=firm, year=2022).exists()


def test_warnings_let_the_file_in_and_are_listed_row_by_row(firm, personas):
    EnterpriseYear.objects.create(enterprise=firm, year=2021, revenue=Decimal(100_000), employees=20)
    rows = [
        _year(firm, year=2022, revenue="1000000", rd_expense="600000", employees=20),  # ×10 and 60 %
        _year(firm, year=2020, revenue="100000000000", employees=2),  # 500 亿元 per head
    ]
    result = run_import("enterprise-years", rows_file("enterprise-years", rows), personas["office"], commit=True)
    assert result.ok and result.committed and result.created == 2
    texts = [str(w) for w in result.row_warnings]
    assert any("第2行" in t and "营业收入" in t and "变化超过3倍" in t for t in texts), texts
    assert any("第2行" in t and "研发投入强度为60.0%" in t for t in texts)
    assert any("第3行" in t and "人均营业收入" in t for t in texts)


def test_a_warning_shows_after_saving_the_form_and_on_the_row(firm, client_for):
    client = client_for("office")
    payload = _year(firm, revenue="1000000", rd_expense="600000")
    response = client.post(reverse("registry:create", args=["enterprise-years"]), payload, follow=True)
    page = response.content.decode()
    assert "已保存" in page and "请核实：研发投入强度为60.0%" in page
    row = EnterpriseYear.objects.get(enterprise=firm, year=2022)
    assert "研发投入强度为60.0%" in client.get(row.get_absolute_url()).content.decode()


def test_rules_read_in_chinese(plan):
    texts = [r["text"] for r in describe("enterprise-years")]
    assert "科技人员数不能大于职工人数" in texts
    assert any("研发投入强度" in t and "50%" in t for t in texts)
    assert describe("certificates")[-1]["text"] == "有效期至应为发证日期后3年"


def test_one_implausible_row_among_five_thousand_refuses_the_file_with_one_message(plan, personas):
    wb = openpyxl.Workbook(write_only=True)
    ws = wb.create_sheet("企业")
    ws.append(xlsx.ENTERPRISE_HEADERS)
    for i in range(5001):
        day = dt.date(NEXT_YEAR + 1, 1, 1) if i == 3210 else dt.date(2015, 3, 5)
        ws.append(xlsx.enterprise_row(f.uscc(100_000 + i), f"批量企业{i:05d}", registered_on=day))
    buf = io.BytesIO()
    wb.save(buf)
    result = run_import("enterprises", buf.getvalue(), personas["office"], commit=True)
    assert result.total_rows == 5001 and not result.committed
    assert result.error_count == 1
    err = result.errors[0]
    assert (err.row, err.column, err.header) == (3212, "H", "成立日期") and "晚于今天" in err.reason
    assert Enterprise.objects.count() == 0


# ------------------------------------------------------------------------------ workbooks as users send them


def _workbook(sheets: list[tuple[str, list[list], str]]) -> bytes:
    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    for title, rows, state in sheets:
        ws = wb.create_sheet(title)
        for r in rows:
            ws.append(r)
        ws.sheet_state = state
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def test_the_hidden_sheet_with_the_template_header_is_read_and_named(plan, personas):
    data = _workbook(
        [
            ("Sheet1", [], "visible"),
            ("企业", [xlsx.ENTERPRISE_HEADERS, xlsx.enterprise_row(f.uscc(), "隐藏表企业")], "hidden"),
        ]
    )
    result = run_import("enterprises", data, personas["office"], commit=True)
    assert result.ok and result.created == 1 and result.sheet == "企业"
    assert "数据取自工作表“企业”（该工作表为隐藏工作表）" in result.warnings


def test_two_sheets_with_data_in_the_template_shape_are_refused_naming_both(plan, personas):
    data = _workbook(
        [
            ("企业", [xlsx.ENTERPRISE_HEADERS, xlsx.enterprise_row(f.uscc(), "甲")], "visible"),
            ("企业(续)", [xlsx.ENTERPRISE_HEADERS, xlsx.enterprise_row(f.uscc(), "乙")], "visible"),
        ]
    )
    result = run_import("enterprises", data, personas["office"], commit=True)
    assert not result.ok and Enterprise.objects.count() == 0
    assert "“企业”" in result.errors[0].reason and "“企业(续)”" in result.errors[0].reason


def test_an_excel_error_cell_is_refused_in_any_column(plan, personas):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "企业"
    ws.append(xlsx.ENTERPRISE_HEADERS)
    ws.append(xlsx.enterprise_row(f.uscc(), "甲", address="#REF!"))
    ws["B2"] = "#N/A"
    assert ws["B2"].data_type == "e"  # a real error cell, not text
    buf = io.BytesIO()
    wb.save(buf)
    result = run_import("enterprises", buf.getvalue(), personas["office"], commit=True)
    located = {(e.column, e.row) for e in result.errors if "Excel 错误值" in e.reason}
    assert located == {("B", 2), ("I", 2)}


def test_numbers_with_thousands_separators_are_read_or_refused_clearly():
    assert parse_number("1,234.5") == Decimal("1234.5")
    assert parse_number("1，234.5") == Decimal("1234.5")
    assert parse_number("12 万") == Decimal(120_000)
    assert parse_number("1,234,567") == Decimal(1_234_567)
    for bad in ("1,23", "12,34,567", "1.234,5"):
        with pytest.raises(ValueError):
            parse_number(bad)
    with pytest.raises(ValueError, match="千位分隔符"):
        parse_number("12,34")


# ------------------------------------------------------------------------------ every fault through every door

FAULTS = {
    "negative employees": lambda e: rows_file("enterprise-years", [_year(e, employees=-5)]),
    "error cell": lambda e: rows_file("enterprises", [{"uscc": f.uscc(), "name": "#N/A", "town": "武胜关镇"}]),
    "future founding": lambda e: rows_file(
        "enterprises", [{"uscc": f.uscc(), "name": "甲", "town": "武胜关镇", "registered_on": dt.datetime(2099, 1, 1)}]
    ),
    "two data sheets": lambda e: _workbook(
        [
            ("企业", [xlsx.ENTERPRISE_HEADERS, xlsx.enterprise_row(f.uscc(), "甲")], "visible"),
            ("企业(续)", [xlsx.ENTERPRISE_HEADERS, xlsx.enterprise_row(f.uscc(), "乙")], "hidden"),
        ]
    ),
    "bad separators": lambda e: rows_file("enterprise-years", [_year(e, revenue="12,34")]),
    "zip bomb": lambda e: xlsx.zip_bomb(),
    "entity bomb": lambda e: xlsx.entity_bomb(),
    "not a workbook": lambda e: b"PK\x03\x04 truncated",
    "corrupt sheet xml": lambda e: _corrupt(),
}


def _corrupt() -> bytes:
    base = xlsx.workbook_bytes([xlsx.enterprise_row(f.uscc(), "甲")])
    src = zipfile.ZipFile(io.BytesIO(base))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            data = src.read(info.filename)
            if info.filename == "xl/worksheets/sheet1.xml":
                data = data[: len(data) // 2]
            dst.writestr(info.filename, data)
    return out.getvalue()


def _registry_of(case):
    return "enterprise-years" if case in ("negative employees", "bad separators") else "enterprises"


def test_every_fault_class_fails_cleanly_through_upload_api_and_cli(firm, client_for, api, tmp_path):
    client = client_for("office")
    for case, build in FAULTS.items():
        registry = _registry_of(case)
        data = build(firm)
        before = (Enterprise.objects.count(), EnterpriseYear.objects.count())
        # Web upload: the job is marked invalid and its page shows the located message.
        client.post(reverse("registry:import", args=[registry]), {"file": _named(data, "fault.xlsx")})
        job = ImportJob.objects.latest("pk")
        if job.status == "pending":  # a large file: the background thread's work, run here
            process_job(job.pk)
            job.refresh_from_db()
        page = client.get(reverse("registry:import_job", args=[job.pk])).content.decode()
        assert job.status in ("invalid", "failed") and job.errors, case
        assert "未写入任何数据" in page and job.errors[0]["reason"][:20] in page, case
        # API.
        body = api.post(f"/api/registry/import/{registry}?commit=true", {"file": _named(data, "fault.xlsx")}).json()
        assert body["ok"] is False and body["committed"] is False and body["errors"], case
        # CLI: non-zero exit, Chinese message.
        path = tmp_path / "fault.xlsx"
        path.write_bytes(data)
        with pytest.raises(CommandError) as exc:
            call_command("import", registry, str(path), "--commit")
        assert exc.value.returncode == 1 and "未写入任何数据" in str(exc.value), case
        assert (Enterprise.objects.count(), EnterpriseYear.objects.count()) == before, case


def test_the_upload_preview_lists_the_warnings_and_names_the_sheet(firm, client_for):
    EnterpriseYear.objects.create(enterprise=firm, year=2021, revenue=Decimal(100_000), employees=20)
    data = rows_file("enterprise-years", [_year(firm, revenue="1000000", rd_expense="600000")], sheet="填报表")
    client = client_for("office")
    client.post(reverse("registry:import", args=["enterprise-years"]), {"file": _named(data, "年度.xlsx")})
    job = ImportJob.objects.latest("pk")
    assert job.status == "valid" and job.summary["sheet"] == "填报表"
    page = client.get(reverse("registry:import_job", args=[job.pk])).content.decode()
    assert "数据取自工作表“填报表”" in page and 'data-testid="import-warnings"' in page
    assert "研发投入强度为60.0%，高于50%，请核实" in page and "变化超过3倍" in page
