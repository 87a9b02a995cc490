"""Import errors a county clerk can act on: Chinese reasons (no Python text), the nearest unit name suggested, and
the user's own file back with each bad cell highlighted and explained, ready to fix and upload again."""

from __future__ import annotations

import io
from urllib.parse import unquote

import openpyxl
import pytest
from django.urls import reverse

from kechuang.org.models import Unit
from kechuang.org.services import suggest_name
from kechuang.registry.error_workbook import INLINE_BYTES
from kechuang.registry.importing import parse_date, run_import
from kechuang.registry.models import Enterprise, ImportJob, ImportStatus
from kechuang.registry.services import start_import
from kechuang.registry.tests import xlsx
from kechuang.registry.validators import make_uscc
from kechuang.web.tests.test_chinese_text import INTERNALS

pytestmark = pytest.mark.django_db

U1, U2, U3 = (make_uscc(f"91421381MA{n:07d}") for n in (21, 22, 23))


@pytest.mark.parametrize("written, reason", [
    ("2022-02-30", "2022年2月没有30日"), ("2022/13/01", "月份“13”不存在"), ("20220431", "2022年4月没有31日"),
    ("2022年2月29日", "2022年2月没有29日"),
])
def test_an_impossible_date_is_explained_in_chinese(written, reason):
    with pytest.raises(ValueError) as exc:
        parse_date(written)
    assert reason in str(exc.value) and "out of range" not in str(exc.value)


def test_a_misspelt_unit_name_gets_the_nearest_real_one(plan):
    names = Unit.objects.values_list("name", flat=True)
    assert suggest_name("杨寨", names) == "杨寨镇"
    assert suggest_name("应山", names) == "应山街道"
    assert suggest_name("火星镇", names) is None
    assert suggest_name("", names) is None


def test_import_errors_name_the_cell_in_chinese_and_suggest_the_unit(plan, personas):
    rows = [xlsx.enterprise_row(U1, "甲公司", town="杨寨"),
            xlsx.enterprise_row(U2, "乙公司", registered_on="2022-02-30"), xlsx.enterprise_row(U3, "丙公司")]
    result = run_import("enterprises", xlsx.workbook_bytes(rows), personas["office"], commit=True)
    assert not result.ok and Enterprise.objects.count() == 0
    by_cell = {f"{e.column}{e.row}": e.reason for e in result.errors}
    assert by_cell["C2"] == "找不到单位“杨寨”。您是否要填写：杨寨镇？"
    assert "2022年2月没有30日" in by_cell["H3"]
    for text in map(str, result.errors):
        assert not INTERNALS.search(text), text


def test_the_annotated_workbook_marks_each_bad_cell_with_its_reason(plan, personas, client_for):
    # The filer is 杨寨镇's (town_b): every row belongs to that town.
    rows = [xlsx.enterprise_row(U1, "甲公司", town="杨寨"),
            xlsx.enterprise_row(U2, "乙公司", town="杨寨镇", registered_on="2022-02-30"),
            xlsx.enterprise_row(U3, "丙公司", town="杨寨镇")]
    job = start_import("enterprises", personas["town_b"], "企业名录.xlsx", xlsx.workbook_bytes(rows))
    assert job.status == ImportStatus.INVALID
    town_b = client_for("town_b")
    page = town_b.get(reverse("registry:import_job", args=[job.pk])).content.decode()
    assert "下载标注错误的原文件" in page and f"文件有 {len(job.errors)} 处错误" in page

    response = town_b.get(reverse("registry:import_errors_xlsx", args=[job.pk]))
    assert response.status_code == 200
    disposition = unquote(response["Content-Disposition"])
    assert "filename*=UTF-8''企业名录（错误标注）.xlsx" in disposition
    wb = openpyxl.load_workbook(io.BytesIO(response.content))
    ws = wb["企业"]
    assert ws["C2"].comment.text == "找不到单位“杨寨”。您是否要填写：杨寨镇？"
    assert ws["C2"].fill.fgColor.rgb.endswith("FFC7CE")
    assert "2022年2月没有30日" in ws["H3"].comment.text
    assert ws["A4"].comment is None and ws["A4"].fill.fill_type is None  # the good row stays as it was
    assert ws["B2"].value == "甲公司"  # the user's own data, untouched
    listed = [row for row in wb["错误清单"].iter_rows(min_row=2, values_only=True)]
    assert len(listed) == len(job.errors)

    # Fixed in Excel and uploaded again: the error sheet is ignored and the file imports.
    ws["C2"].value = "杨寨镇"
    ws["H3"].value = "2022-02-28"
    fixed = io.BytesIO()
    wb.save(fixed)
    again = run_import("enterprises", fixed.getvalue(), personas["town_b"], commit=True)
    assert again.ok, [str(e) for e in again.errors]
    assert not any("错误清单" in w for w in again.warnings)
    assert Enterprise.objects.filter(uscc__in=[U1, U2, U3]).count() == 3


def test_only_the_uploader_gets_the_annotated_workbook(plan, personas, client_for):
    job = start_import("enterprises", personas["town_b"], "x.xlsx",
                       xlsx.workbook_bytes([xlsx.enterprise_row(U1, "甲", town="杨寨")]))
    url = reverse("registry:import_errors_xlsx", args=[job.pk])
    assert client_for("town").get(url).status_code == 404
    assert client_for("office").get(url).status_code == 404


def test_once_the_file_is_purged_the_page_says_so_in_chinese(plan, personas, client_for):
    job = start_import("enterprises", personas["town_b"], "x.xlsx",
                       xlsx.workbook_bytes([xlsx.enterprise_row(U1, "甲", town="杨寨")]))
    ImportJob.objects.filter(pk=job.pk).update(content=b"")
    response = client_for("town_b").get(reverse("registry:import_errors_xlsx", args=[job.pk]), follow=True)
    assert "原文件已按规定删除" in response.content.decode()


def test_a_large_file_is_annotated_by_the_worker_then_downloaded(plan, personas, client_for,
                                                                 django_capture_on_commit_callbacks):
    rows = [xlsx.enterprise_row(make_uscc(f"91421381MA{n:07d}"), f"企业{n}", town="杨寨镇") for n in range(100, 2100)]
    rows[5][2] = "杨寨"
    data = xlsx.workbook_bytes(rows)
    assert len(data) > INLINE_BYTES
    job = start_import("enterprises", personas["town_b"], "大表.xlsx", data)
    ImportJob.objects.filter(pk=job.pk).update(status=ImportStatus.INVALID)  # whatever the validator found
    job.refresh_from_db()
    url = reverse("registry:import_errors_xlsx", args=[job.pk])
    town_b = client_for("town_b")
    with django_capture_on_commit_callbacks(execute=True):
        first = town_b.get(url, follow=True)
    assert "正在生成标注错误的文件" in first.content.decode()
    job.refresh_from_db()
    assert job.summary.get("annotated") is True
    second = town_b.get(url)
    assert second.status_code == 200
    wb = openpyxl.load_workbook(io.BytesIO(second.content))
    assert "错误清单" in wb.sheetnames and wb["企业"]["C7"].comment is not None
