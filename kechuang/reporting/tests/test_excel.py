"""The monthly form as Excel: round trip, all errors at once (sheet/row/column), nothing written on error,
approved rows locked, formula injection escaped."""

import io
import zipfile

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from kechuang.reporting import excel, services
from kechuang.reporting.choices import SubmissionStatus as S
from kechuang.reporting.models import IndicatorValue, TaskReport

from .helpers import filled, period, reported_indicator, submitted_town_report, town_report

pytestmark = pytest.mark.django_db


def _download(client_for, plan, persona="town", month=5):
    resp = client_for(persona).get(reverse("reporting:excel_download", args=[plan.code, plan.year, month]))
    assert resp.status_code == 200
    assert "filename*=UTF-8''" in resp["Content-Disposition"]
    return load_workbook(io.BytesIO(resp.content))


def _upload(client_for, plan, wb, persona="town", month=5):
    buf = io.BytesIO()
    wb.save(buf)
    buf.seek(0)
    buf.name = "form.xlsx"
    return client_for(persona).post(reverse("reporting:excel_upload", args=[plan.code, plan.year, month]),
                                    {"file": buf})


def _fill_tasks(sheet, action="报送"):
    for r in range(2, sheet.max_row + 1):
        sheet.cell(row=r, column=5).value = 60
        sheet.cell(row=r, column=6).value = f"第{r}行进展"
        sheet.cell(row=r, column=9).value = action


def test_the_downloaded_form_is_prefilled_protected_and_carries_hidden_meta(plan, personas, client_for):
    submitted_town_report(plan, personas, month=4)
    wb = _download(client_for, plan)
    assert wb.sheetnames[:2] == ["任务进展", "指标数据"]
    assert wb["__meta"].sheet_state == "veryHidden"
    meta = {r[0]: r[1] for r in wb["__meta"].iter_rows(values_only=True)}
    assert meta["plan"] == plan.code and meta["period"] == "202205" and meta["unit"] == "gs-wushengguan"
    sheet = wb["任务进展"]
    assert sheet.protection.sheet and sheet["A1"].protection.locked
    assert [c.value for c in sheet[1]][:5] == ["任务序号", "任务名称", "本单位角色", "状态", "完成进度（%）"]
    six = next(r for r in sheet.iter_rows(min_row=2, values_only=True) if r[0] == "（六）")
    assert six[4] == 40 and six[5] == "完成校企对接 3 次"  # pre-filled from April
    assert not sheet["E2"].protection.locked and sheet["B2"].protection.locked
    assert any("保存,报送" in (dv.formula1 or "") for dv in sheet.data_validations.dataValidation)


def test_a_filled_form_round_trips_and_submits(plan, personas, client_for):
    wb = _download(client_for, plan)
    _fill_tasks(wb["任务进展"])
    resp = _upload(client_for, plan, wb)
    assert resp.status_code == 302
    rows = TaskReport.objects.filter(unit=personas["town"].unit, period=period(plan))
    assert rows.count() == wb["任务进展"].max_row - 1
    assert {r.status for r in rows} == {S.SUBMITTED} and {r.percent_complete for r in rows} == {60}
    again = _download(client_for, plan)
    assert {r[3] for r in again["任务进展"].iter_rows(min_row=2, values_only=True)} == {"已报送"}


def test_every_error_is_reported_at_once_and_nothing_is_written(plan, personas, client_for):
    wb = _download(client_for, plan)
    sheet = wb["任务进展"]
    _fill_tasks(sheet)
    sheet["E2"] = "一半"
    sheet["E3"] = 150
    sheet["F4"] = ""  # submitting without narrative
    sheet["A5"] = "（九十）"
    resp = _upload(client_for, plan, wb)
    assert resp.status_code == 422
    errors = resp.context["errors"]
    located = {(e.sheet, e.row, e.column) for e in errors}
    assert ("任务进展", 2, "完成进度（%）") in located
    assert ("任务进展", 3, "完成进度（%）") in located
    assert ("任务进展", 4, "进展情况") in located
    assert ("任务进展", 5, "任务序号") in located
    text = resp.content.decode()
    assert "须为数字" in text and "0 到 100" in text and "请填写进展情况" in text and "不是本单位本月的任务" in text
    assert not TaskReport.objects.filter(unit=personas["town"].unit).exists()


def test_the_error_page_offers_the_users_own_form_with_bad_cells_marked_which_uploads_once_fixed(
        plan, personas, client_for):
    import base64
    import re

    from kechuang.core.error_workbook import BAD_FILL, ERROR_SHEET

    wb = _download(client_for, plan)
    sheet = wb["任务进展"]
    _fill_tasks(sheet)
    sheet["E2"] = "一半"
    sheet["F3"] = ""  # submitting without narrative
    resp = _upload(client_for, plan, wb)
    assert resp.status_code == 422
    page = resp.content.decode()
    assert "下载标注错误的原文件" in page and "-标注错误.xlsx" in page
    data = re.search(r'href="data:application/vnd\.openxmlformats-officedocument\.spreadsheetml\.sheet;base64,([^"]+)"',
                     page).group(1)
    marked = load_workbook(io.BytesIO(base64.b64decode(data)))
    bad, no_text = marked["任务进展"]["E2"], marked["任务进展"]["F3"]
    assert bad.fill.start_color.rgb.endswith(BAD_FILL.start_color.rgb[-6:]) and "须为数字" in bad.comment.text
    assert "请填写进展情况" in no_text.comment.text
    assert marked["任务进展"]["F2"].comment is None  # a good cell is left alone
    listed = list(marked[ERROR_SHEET].iter_rows(min_row=2, values_only=True))
    assert {(r[0], r[1], r[2]) for r in listed} == {("任务进展", 2, "E"), ("任务进展", 3, "F")}
    assert "__meta" in marked.sheetnames and marked["__meta"].sheet_state == "veryHidden"  # still the system's form

    # Fixed in Excel and uploaded again as it is: accepted (the 错误清单 sheet is ignored).
    marked["任务进展"]["E2"], marked["任务进展"]["F3"] = 60, "已补充进展"
    assert _upload(client_for, plan, marked).status_code == 302
    assert TaskReport.objects.filter(unit=personas["town"].unit, status=S.SUBMITTED).count() == sheet.max_row - 1


def test_an_approved_row_is_locked_in_the_upload(plan, personas, client_for):
    row = submitted_town_report(plan, personas)
    services.approve(row, user=personas["lead"])
    wb = _download(client_for, plan)
    sheet = wb["任务进展"]
    r = next(i for i in range(2, sheet.max_row + 1) if sheet.cell(row=i, column=1).value == "（六）")
    assert sheet.cell(row=r, column=6).protection.locked
    sheet.cell(row=r, column=6).value = "改写已审核的内容"
    sheet.cell(row=2 if r != 2 else 3, column=6).value = "其他任务的正常修改"
    resp = _upload(client_for, plan, wb)
    assert resp.status_code == 422
    assert any(e.row == r and "锁定" in e.message for e in resp.context["errors"])
    row.refresh_from_db()
    assert row.narrative == "完成校企对接 3 次"
    assert TaskReport.objects.filter(unit=personas["town"].unit).count() == 1  # nothing else written


def test_a_row_changed_since_download_is_refused(plan, personas, client_for):
    row = town_report(plan, personas)
    wb = _download(client_for, plan)
    filled(row, personas["town"], narrative="网页上先改了")
    _fill_tasks(wb["任务进展"], action="保存")
    resp = _upload(client_for, plan, wb)
    assert resp.status_code == 422 and "重新下载" in resp.content.decode()
    row.refresh_from_db()
    assert row.narrative == "网页上先改了"


def test_indicator_rules_apply_to_the_sheet_as_a_whole(plan, personas, client_for):
    for code in ("HNTE_TOTAL", "HNTE_NEW", "HNTE_RERECOGNISED", "RD_INSTITUTION_COVERAGE"):
        reported_indicator(plan, code)
    wb = _download(client_for, plan, persona="lead")
    vs = wb["指标数据"]
    rows = {vs.cell(row=r, column=1).value: r for r in range(2, vs.max_row + 1)}
    vs.cell(row=rows["HNTE_TOTAL"], column=7).value = 10
    vs.cell(row=rows["HNTE_NEW"], column=7).value = 8
    vs.cell(row=rows["HNTE_RERECOGNISED"], column=7).value = 4
    vs.cell(row=rows["RD_INSTITUTION_COVERAGE"], column=7).value = 130
    resp = _upload(client_for, plan, wb, persona="lead")
    assert resp.status_code == 422
    errors = resp.context["errors"]
    assert any(e.sheet == "指标数据" and e.row == rows["RD_INSTITUTION_COVERAGE"] and e.column == "数值"
               and "不能大于 100" in e.message for e in errors)
    assert any("不能大于" in e.message and "之和" in e.message for e in errors)
    assert not IndicatorValue.objects.exists()
    vs.cell(row=rows["RD_INSTITUTION_COVERAGE"], column=7).value = 30
    vs.cell(row=rows["HNTE_NEW"], column=7).value = 5
    assert _upload(client_for, plan, wb, persona="lead").status_code == 302
    assert IndicatorValue.objects.get(indicator__code="HNTE_NEW").value == 5


def test_formula_injection_is_escaped_on_export(plan, personas, client_for):
    row = town_report(plan, personas)
    filled(row, personas["town"], narrative='=HYPERLINK("http://evil","点我")', problems="+1", next_steps="@SUM(A1)")
    wb = _download(client_for, plan)
    sheet = wb["任务进展"]
    r = next(i for i in range(2, sheet.max_row + 1) if sheet.cell(row=i, column=1).value == "（六）")
    assert sheet.cell(row=r, column=6).value.startswith("'=")
    assert sheet.cell(row=r, column=7).value == "'+1" and sheet.cell(row=r, column=8).value == "'@SUM(A1)"
    # Uploading the same file back does not turn the escape into a change.
    assert excel.unescape("'=1") == "=1"
    resp = _upload(client_for, plan, wb)
    assert resp.status_code == 302
    row.refresh_from_db()
    assert row.narrative == '=HYPERLINK("http://evil","点我")'


def test_a_file_for_another_unit_is_refused(plan, personas, client_for):
    wb = _download(client_for, plan, persona="town")
    resp = _upload(client_for, plan, wb, persona="town_b")
    assert resp.status_code == 422 and "单位" in resp.content.decode()
    assert not TaskReport.objects.exists()


def test_garbage_is_one_clear_error(plan, personas, client_for):
    buf = io.BytesIO(b"not an excel file")
    buf.name = "x.xlsx"
    resp = client_for("town").post(reverse("reporting:excel_upload", args=[plan.code, 2022, 5]), {"file": buf})
    assert resp.status_code == 422 and "无法读取" in resp.content.decode()


def _upload_bytes(client_for, plan, data, name="form.xlsx"):
    buf = io.BytesIO(data)
    buf.name = name
    return client_for("town").post(reverse("reporting:excel_upload", args=[plan.code, plan.year, 5]), {"file": buf})


def test_a_file_with_too_many_rows_is_refused_from_the_archive_directory(plan, personas, client_for):
    from .files import huge_sheet_xlsx

    resp = _upload_bytes(client_for, plan, huge_sheet_xlsx(150_000))
    assert resp.status_code == 422 and "解压后超过" in resp.content.decode()
    assert not TaskReport.objects.exists()


def test_hostile_xml_in_the_monthly_form_is_refused(plan, personas, client_for):
    wb = _download(client_for, plan)
    buf = io.BytesIO()
    wb.save(buf)
    src = zipfile.ZipFile(io.BytesIO(buf.getvalue()))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as dst:
        for info in src.infolist():
            content = src.read(info)
            if info.filename == "xl/workbook.xml":
                content = b'<!DOCTYPE x [<!ENTITY a "aaaa">]>' + content.split(b"?>", 1)[-1]
            dst.writestr(info, content)
    resp = _upload_bytes(client_for, plan, out.getvalue())
    assert resp.status_code == 422 and "DOCTYPE" in resp.content.decode()
    assert not TaskReport.objects.exists()
