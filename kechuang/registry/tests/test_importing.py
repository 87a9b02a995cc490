import datetime as dt
import io
from decimal import Decimal

import openpyxl
import pytest

from kechuang.registry.config import get_registry
from kechuang.registry.importing import build_template, export_rows, parse_date, parse_number, run_import
from kechuang.registry.models import Enterprise, EnterpriseYear, HighTechCertificate, Talent
from kechuang.registry.tests import factories as f
from kechuang.registry.tests import xlsx
from kechuang.registry.validators import make_uscc

pytestmark = pytest.mark.django_db

U1, U2, U3 = (make_uscc(f"91421381MA{n:07d}") for n in (11, 12, 13))


def _texts(result):
    return [str(e) for e in result.errors]


def test_people_formats_of_dates_and_numbers_are_understood():
    assert parse_date("2022/3/5") == dt.date(2022, 3, 5)
    assert parse_date("2022-03-05") == dt.date(2022, 3, 5)
    assert parse_date("2022年3月5日") == dt.date(2022, 3, 5)
    assert parse_date("２０２２年３月５日") == dt.date(2022, 3, 5)
    assert parse_date(44625) == dt.date(2022, 3, 5)
    assert parse_number("2.4亿元") == Decimal("240000000")
    assert parse_number("1,200万元") == Decimal("12000000")
    assert parse_number("１２３４") == Decimal("1234")
    with pytest.raises(ValueError):
        parse_number("约100")


def test_a_valid_file_imports_and_reimporting_it_creates_nothing_new(plan, personas):
    data = xlsx.workbook_bytes(
        [
            xlsx.enterprise_row(U1, "演示甲公司"),
            xlsx.enterprise_row(U2, "演示乙公司", registered_on="2022年3月5日", above="否"),
            [None] * 11,  # empty row: skipped
            xlsx.enterprise_row(U3, "演示丙公司", registered_on=44625),
        ]
    )
    result = run_import("enterprises", data, personas["office"], commit=True)
    assert result.ok, _texts(result)
    assert (result.created, result.updated, result.unchanged) == (3, 0, 0)
    assert Enterprise.objects.get(uscc=U3).registered_on == dt.date(2022, 3, 5)
    assert Enterprise.objects.get(uscc=U1).initials.startswith("ysjgs")
    assert Enterprise.history.count() == 3
    again = run_import("enterprises", data, personas["office"], commit=True)
    assert again.ok and (again.created, again.updated, again.unchanged) == (0, 0, 3)
    assert Enterprise.objects.count() == 3


def test_a_changed_row_updates_the_existing_enterprise(plan, personas):
    run_import(
        "enterprises", xlsx.workbook_bytes([xlsx.enterprise_row(U1, "演示甲公司")]), personas["office"], commit=True
    )
    result = run_import(
        "enterprises", xlsx.workbook_bytes([xlsx.enterprise_row(U1, "演示甲科技公司")]), personas["office"], commit=True
    )
    assert (result.created, result.updated) == (0, 1)
    ent = Enterprise.objects.get(uscc=U1)
    assert ent.name == "演示甲科技公司" and ent.initials.startswith("ysjkj")
    assert ent.history.count() == 2


def test_a_legacy_uscc_is_accepted_with_a_warning_flag(plan, personas):
    result = run_import(
        "enterprises",
        xlsx.workbook_bytes([xlsx.enterprise_row("91350100M0001TGQXM", "演示闽公司")]),
        personas["office"],
        commit=True,
    )
    assert result.ok
    assert Enterprise.objects.get(uscc="91350100M0001TGQXM").uscc_warning is True


def test_a_dry_run_writes_nothing(plan, personas):
    result = run_import("enterprises", xlsx.workbook_bytes([xlsx.enterprise_row(U1, "演示甲公司")]), personas["office"])
    assert result.ok and result.created == 1 and not result.committed
    assert Enterprise.objects.count() == 0


MALFORMED = {
    "wrong header": (
        lambda: xlsx.workbook_bytes(
            [xlsx.enterprise_row(U1, "甲")], headers=["信用代码"] + xlsx.ENTERPRISE_HEADERS[1:]
        ),
        "A1",
        "无法识别的表头",
    ),
    "missing required header": (lambda: xlsx.workbook_bytes([["甲"]], headers=["企业名称"]), "1", "缺少必填列"),
    "merged cells": (
        lambda: xlsx.workbook_bytes([xlsx.enterprise_row(U1, "甲"), xlsx.enterprise_row(U2, "乙")], merge="C2:C3"),
        "C2",
        "合并单元格",
    ),
    "formula": (lambda: xlsx.workbook_bytes([xlsx.enterprise_row(U1, '=HYPERLINK("x")')]), "B2", "不允许公式"),
    "text date": (lambda: xlsx.workbook_bytes([xlsx.enterprise_row(U1, "甲", registered_on="去年三月")]), "H2", "日期"),
    "bad bool": (lambda: xlsx.workbook_bytes([xlsx.enterprise_row(U1, "甲", above="大概")]), "F2", "是"),
    "duplicate in file": (
        lambda: xlsx.workbook_bytes([xlsx.enterprise_row(U1, "甲"), xlsx.enterprise_row(U1, "乙")]),
        "A3",
        "与第2行重复",
    ),
    "bad uscc": (lambda: xlsx.workbook_bytes([xlsx.enterprise_row("91421381MA4F0000", "甲")]), "A2", "18位"),
    "unknown town": (lambda: xlsx.workbook_bytes([xlsx.enterprise_row(U1, "甲", town="火星镇")]), "C2", "找不到"),
    "zip bomb": (xlsx.zip_bomb, "", "压缩"),
    "entity bomb": (xlsx.entity_bomb, "", "DOCTYPE"),
    "not xlsx": (lambda: "name,uscc\n甲,1\n".encode(), "", ".xlsx"),
}


@pytest.mark.parametrize("case", sorted(MALFORMED))
def test_a_malformed_file_is_rejected_whole_with_located_errors(plan, personas, case):
    make, where, reason = MALFORMED[case]
    valid_first = xlsx.enterprise_row(U3, "演示有效行")
    data = make()
    before = Enterprise.objects.count()
    result = run_import("enterprises", data, personas["office"], commit=True)
    assert not result.ok and not result.committed
    assert Enterprise.objects.count() == before == 0
    text = " | ".join(_texts(result))
    assert reason in text
    if where:
        err = result.errors[0]
        assert err.sheet == "企业"
        assert where in f"{err.column}{err.row}"
    assert valid_first  # the corpus is generated; nothing from it was written


def test_full_width_digits_and_units_in_number_cells_import(plan, personas):
    ent = f.enterprise()
    headers = ["企业（统一社会信用代码）", "年度", "营业收入（元）", "研发费用（元）", "职工人数"]
    data = xlsx.workbook_bytes(
        [[ent.uscc, "２０２２", "2.4亿元", "1,200万元", "120人"]], headers=headers, sheet="企业年度数据"
    )
    result = run_import("enterprise-years", data, None, commit=True)
    assert result.ok, _texts(result)
    row = EnterpriseYear.objects.get(enterprise=ent)
    assert (row.year, row.revenue, row.rd_expense, row.employees) == (
        2022,
        Decimal("240000000"),
        Decimal("12000000"),
        120,
    )


def test_a_conflict_with_the_database_is_reported_and_nothing_written(plan, personas):
    a, b = f.enterprise(), f.enterprise()
    f.certificate(a, dt.date(2021, 1, 1), number="GR202142000001")
    headers = ["企业（统一社会信用代码）", "证书编号", "发证日期"]
    data = xlsx.workbook_bytes(
        [[b.uscc, "GR202242000009", "2022-01-01"], [b.uscc, "GR202142000001", "2022-1-1"]],
        headers=headers,
        sheet="高新技术企业证书",
    )
    result = run_import("certificates", data, personas["office"], commit=True)
    assert not result.ok
    err = result.errors[0]
    assert (err.sheet, err.row, err.column) == ("高新技术企业证书", 3, "A")
    assert "已登记在" in err.reason and a.name in err.reason
    assert HighTechCertificate.objects.count() == 1
    assert HighTechCertificate.objects.get().enterprise == a


def test_a_town_cannot_overwrite_another_towns_enterprise(plan, personas):
    other = f.enterprise(town=personas["town_b"].unit)
    data = xlsx.workbook_bytes([xlsx.enterprise_row(other.uscc, "演示改名", town="")])
    result = run_import("enterprises", data, personas["town"], commit=True)
    assert not result.ok
    assert (result.errors[0].row, result.errors[0].column) == (2, "A")
    # The record is outside the town's sight: it is told neither that it exists nor whose it is.
    assert result.errors[0].reason == "该记录暂不能由本单位登记，已转科技局核对处理"
    other.refresh_from_db()
    assert other.name != "演示改名"


def test_reordered_headers_are_accepted_and_reported(plan, personas):
    headers = ["企业名称", "统一社会信用代码", "所在镇办/开发区"]
    data = xlsx.workbook_bytes([["演示甲公司", U1, "武胜关镇"]], headers=headers)
    result = run_import("enterprises", data, personas["office"], commit=True)
    assert result.ok
    assert any("顺序" in w for w in result.warnings)


def test_a_town_may_import_only_its_own_enterprises(plan, personas):
    other = xlsx.workbook_bytes([xlsx.enterprise_row(U1, "演示甲公司", town="杨寨镇")])
    result = run_import("enterprises", other, personas["town"], commit=True)
    assert not result.ok and "本辖区" in _texts(result)[0]
    assert Enterprise.objects.count() == 0
    own = xlsx.workbook_bytes([xlsx.enterprise_row(U1, "演示甲公司", town="")])
    assert run_import("enterprises", own, personas["town"], commit=True).ok
    assert Enterprise.objects.get(uscc=U1).town == personas["town"].unit


def test_a_department_may_not_import(plan, personas):
    result = run_import(
        "enterprises", xlsx.workbook_bytes([xlsx.enterprise_row(U1, "甲")]), personas["dept"], commit=True
    )
    assert not result.ok and Enterprise.objects.count() == 0


def test_talents_import_with_checked_encrypted_id_numbers(plan, personas):
    good, bad = f.id_number(1), f.id_number(2)
    bad = bad[:17] + ("0" if bad[17] != "0" else "1")
    headers = ["姓名", "身份证号码", "联系电话", "人才类别"]
    data = xlsx.workbook_bytes(
        [
            ["演示人才001", good, "13812345678", "高端人才"],
            ["演示人才002", bad, "13812345679", "高端人才"],
            ["演示人才003", "42138119901301123X", "", "高端人才"],
        ],
        headers=headers,
        sheet="科技人才",
    )
    result = run_import("talents", data, personas["office"], commit=True)
    reasons = _texts(result)
    assert "第3行 B列" in reasons[0] and "校验位" in reasons[0]
    assert "第4行 B列" in reasons[1] and "出生日期" in reasons[1]
    assert Talent.objects.count() == 0
    ok = xlsx.workbook_bytes([["演示人才001", good, "13812345678", "高端人才"]], headers=headers, sheet="科技人才")
    assert run_import("talents", ok, personas["office"], commit=True).created == 1
    assert run_import("talents", ok, personas["office"], commit=True).unchanged == 1
    assert Talent.objects.get().id_number == good


# Slow by nature (~8 s): a 50,001-row workbook is written and read to its last row (the limit counts data rows).
def test_over_fifty_thousand_rows_are_refused(plan, personas):
    data = xlsx.big_enterprise_file(50_001)
    result = run_import("enterprises", data, personas["office"], commit=True)
    assert not result.ok and "50,000" in _texts(result)[0]
    assert result.errors[0].row == 50_002
    assert Enterprise.objects.count() == 0


def test_the_template_has_dropdowns_instructions_and_meta(plan):
    wb = openpyxl.load_workbook(io.BytesIO(build_template(get_registry("enterprises"))))
    assert wb.sheetnames[:2] == ["说明", "企业"]
    assert wb["选项"].sheet_state == "hidden" and wb["__meta"]["B1"].value == "enterprises"
    ws = wb["企业"]
    assert [c.value for c in ws[1]] == xlsx.ENTERPRISE_HEADERS
    assert any("选项!" in dv.formula1 for dv in ws.data_validations.dataValidation)


def test_an_export_escapes_formulas_and_reimports_unchanged(plan, personas):
    f.enterprise(name="=cmd|' /C calc'!A0")
    data = export_rows(get_registry("enterprises"), Enterprise.objects.all())
    wb = openpyxl.load_workbook(io.BytesIO(data))
    assert wb["企业"]["B2"].value.startswith("'=")
    assert wb["企业"]["B2"].data_type == "s"
    result = run_import("enterprises", data, personas["office"], commit=True)
    assert result.ok, _texts(result)
    assert result.unchanged == 1
