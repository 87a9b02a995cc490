"""The one tabular Excel writer: headers, rows, widths, frozen header, formula-like text kept as text, CSV, and
Chinese file names in the download."""

import datetime as dt
import io
from decimal import Decimal
from urllib.parse import quote

import openpyxl

from kechuang.core.xlsx import Sheet, csv_bytes, sheet_response, workbook_bytes


def _read(data: bytes):
    return openpyxl.load_workbook(io.BytesIO(data))


def test_a_sheet_reads_back_with_its_header_rows_types_and_frozen_header():
    rows = ([f"企业{i}", Decimal("12.50"), Decimal("3"), dt.date(2022, 1, i + 1), None] for i in range(3))
    wb = _read(workbook_bytes(Sheet("名单", ["企业名称", "金额", "人数", "日期", "备注"], rows)))
    ws = wb["名单"]
    assert [c.value for c in ws[1]] == ["企业名称", "金额", "人数", "日期", "备注"]
    assert ws[1][0].font.bold and ws.freeze_panes == "A2"
    assert [c.value for c in ws[2]] == ["企业0", 12.5, 3, dt.datetime(2022, 1, 1), None]
    assert ws.max_row == 4
    assert ws.column_dimensions["A"].width >= 8 and ws.column_dimensions["A"].width <= 60


def test_a_note_goes_above_the_header_and_the_header_stays_frozen():
    ws = _read(workbook_bytes(Sheet("名单", ["甲"], [["一"]], note="数据年度：2022"))).active
    assert [ws["A1"].value, ws["A2"].value, ws["A3"].value] == ["数据年度：2022", "甲", "一"]
    assert ws.freeze_panes == "A3"


def test_text_that_a_spreadsheet_would_run_is_stored_as_literal_text():
    hostile = ['=HYPERLINK("http://x","点我")', "+1+2", "-3", "@SUM(A1)", "＝1", "正常"]
    ws = _read(workbook_bytes(Sheet("名单", ["值"], [[v] for v in hostile]))).active
    for row, value in enumerate(hostile, start=2):
        cell = ws.cell(row=row, column=1)
        assert cell.value == value and cell.data_type == "s"
        assert cell.quotePrefix == (value != "正常")
    assert b"<f>" not in workbook_bytes(Sheet("名单", ["值"], [[v] for v in hostile]))


def test_sheet_titles_are_made_valid_and_unique():
    wb = _read(workbook_bytes(Sheet("一/二", ["a"], []), Sheet("一/二", ["a"], [])))
    assert wb.sheetnames == ["一二", "一二2"]


def test_the_csv_has_a_bom_for_excel_and_escapes_formulas():
    data = csv_bytes(Sheet("名单", ["名称", "金额"], [["=1+2", Decimal("2.50")], ["正常", 3]]))
    assert data.startswith("\ufeff".encode())
    assert data.decode("utf-8-sig").splitlines() == ["名称,金额", "'=1+2,2.5", "正常,3"]


def test_the_download_names_the_file_in_chinese():
    response = sheet_response(Sheet("名单", ["a"], [["b"]]), "高新技术企业名单-2022.xlsx")
    assert response["Content-Disposition"] == f"attachment; filename*=UTF-8''{quote('高新技术企业名单-2022.xlsx')}"
    assert _read(response.content).active["A2"].value == "b"
    response = sheet_response(Sheet("名单", ["a"], [["b"]]), "名单.xlsx", "csv")
    assert response["Content-Type"].startswith("text/csv") and quote("名单.csv") in response["Content-Disposition"]
