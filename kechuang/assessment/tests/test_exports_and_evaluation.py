"""Excel and .docx exports read back, the example evaluation framework, commendation lists, CLI."""

from __future__ import annotations

import datetime as dt
import io
import re
import shutil
import subprocess
import tempfile
from decimal import Decimal as D
from pathlib import Path

import pytest
from django.core.management import call_command
from docx import Document
from docx.oxml.ns import qn
from openpyxl import load_workbook

from kechuang.assessment import commendation, evaluation, exports, services
from kechuang.bulletins.tests.factories import month_of_reports
from kechuang.documents.gbt9704 import document_text
from kechuang.documents.pdf import docx_to_pdf, pdf_available
from kechuang.metrics.resolution import resolve
from kechuang.plans.models import Indicator

pytestmark = pytest.mark.django_db
AS_OF = dt.date(2022, 6, 30)


def test_the_excel_export_has_a_summary_and_a_traceable_breakdown_per_group(plan, personas):
    scheme = services.load_scheme(services.default_scheme_path(plan))
    month_of_reports(plan, personas, persona="town", month=4, percent="60")
    data = services.compute(scheme, AS_OF)
    wb = load_workbook(io.BytesIO(exports.results_xlsx(data, scheme.name)))
    assert wb.sheetnames[:4] == ["汇总", "市直部门明细", "镇（街道）明细", "开发区明细"]
    summary = {row[2]: row for row in wb["汇总"].iter_rows(min_row=2, values_only=True)}
    town_row = next(r for g in data["groups"] for r in g["units"] if r["unit"] == "武胜关镇")
    assert D(str(summary["武胜关镇"][3])) == D(town_row["total"])
    assert summary["武胜关镇"][1] == town_row["rank"]
    detail = [r for r in wb["镇（街道）明细"].iter_rows(min_row=2, values_only=True) if r[1] == "武胜关镇"]
    task_row = next(r for r in detail if r[2] == "任务得分")
    assert "报告ID" in task_row[5]


def test_the_results_notice_is_an_official_document(plan):
    scheme = services.load_scheme(services.default_scheme_path(plan))
    data = services.compute(scheme, AS_OF)
    raw = exports.results_notice_docx(data, year=2022, issuer="领导小组办公室", date=dt.date(2023, 1, 20))
    doc = Document(io.BytesIO(raw))
    title = doc.paragraphs[0]
    assert title.text == "关于2022年度科技创新工作目标责任考核结果的通报"
    assert title.runs[0]._element.rPr.rFonts.get(qn("w:eastAsia")) == "方正小标宋简体"
    text = document_text(raw)
    assert "镇（街道）考核结果" in text and "武胜关镇" in text
    assert len(doc.tables) == 3
    texts = [p.text for p in doc.paragraphs]
    assert texts.index("附件：2022年度科技创新工作目标责任考核结果") < texts.index("领导小组办公室")
    assert doc.paragraphs[texts.index("附件")].paragraph_format.page_break_before


@pytest.mark.skipif(not pdf_available() or not shutil.which("pdftotext"), reason="LibreOffice/poppler not installed")
def test_the_results_notice_pdf_keeps_signature_and_date_with_a_short_body_and_the_tables_in_the_attachment(plan):
    scheme = services.load_scheme(services.default_scheme_path(plan))
    data = services.compute(scheme, AS_OF)
    raw = exports.results_notice_docx(data, year=2022, issuer="领导小组办公室", date=dt.date(2023, 1, 20))
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "notice.pdf"
        path.write_bytes(docx_to_pdf(raw))
        text = subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, check=True,
                              timeout=60).stdout.decode("utf-8")
    pages = [[line.strip() for line in page.splitlines() if line.strip()] for page in text.split("\f")]
    pages = [p for p in pages if p]
    starts = [i for i, p in enumerate(pages) if p[0] == "附件"]
    assert len(starts) == 1 and starts[0] >= 1
    body = pages[:starts[0]]
    assert len(body) == 1  # the body is one page
    flat = [re.sub(r"\s+", "", line) for line in body[-1]]
    assert flat[-3:-1] == ["领导小组办公室", "2023年1月20日"]  # then the page number
    assert "名次" not in "".join(line for page in body for line in page)  # no table in the body


def test_the_example_framework_is_labelled_and_scores_from_resolve(plan):
    fw = evaluation.load_framework()
    assert fw.is_example and "示例" in fw.name and "请替换为官方指标与权重" in fw.name
    again = evaluation.load_framework()
    assert again.pk == fw.pk and again.indicators.count() == 10
    result = evaluation.evaluate(fw, plan, dt.date(2022, 12, 31))
    assert {c["class"] for c in result["classes"]} == {"总量", "质量", "速度"}
    row = next(r for r in result["rows"] if r["code"] == "HNTE_COUNT")
    ind = Indicator.objects.get(plan=plan, code="HNTE_TOTAL")
    assert row["value"] == resolve(ind, dt.date(2022, 12, 31)).value
    assert row["last_value"] == resolve(ind, dt.date(2021, 12, 31)).value
    assert result["max_total"] == D(100)


def test_commendation_lists_name_enterprises_never_people(plan, personas):
    from kechuang.org.models import Unit
    from kechuang.registry.models import Enterprise, HighTechCertificate, Talent

    town = Unit.objects.get(name="武胜关镇")
    ent = Enterprise.objects.create(uscc="91421381MA4900001X", name="演示精密机械有限公司", town=town)
    HighTechCertificate.objects.create(enterprise=ent, number="GR202242000001", issued_on=dt.date(2022, 3, 1),
                                       is_first_recognition=True)
    talent = Talent(name="张演示", employer=ent, category="高端人才", introduced_on=dt.date(2022, 2, 1))
    talent.set_id_number("420981199001011234")
    talent.save()
    scheme = services.load_scheme(services.default_scheme_path(plan))
    result = services.refresh_draft(scheme, user=personas["office"], as_of=AS_OF)
    lists = commendation.candidates(scheme, AS_OF, result)
    assert len(lists["top_units"]) >= 3
    assert [r["enterprise"] for r in lists["hnte_new"]] == ["演示精密机械有限公司"]
    assert lists["talent_building"][0]["enterprise"] == "演示精密机械有限公司"
    assert lists["talent_building"][0]["count"] == 1
    raw = exports.commendation_xlsx(lists, commendation.LIST_LABELS)
    wb = load_workbook(io.BytesIO(raw))
    cells = " ".join(str(c) for ws in wb for row in ws.iter_rows(values_only=True) for c in row if c)
    assert "演示精密机械有限公司" in cells and "张演示" not in cells and "420981" not in cells
    assert "考核排名靠前单位" in wb.sheetnames
    ranks = [row[3] for row in wb["考核排名靠前单位"].iter_rows(min_row=2, values_only=True)]
    assert ranks and all(r <= 3 for r in ranks)


def test_the_assess_cli_prints_ranks_and_writes_the_workbook(plan, tmp_path):
    out = tmp_path / "assess.xlsx"
    buf = io.StringIO()
    call_command("assess", "--plan", plan.code, "--year", "2022", "-o", str(out), "--as-of", "2022-06-30",
                 stdout=buf)
    assert "【镇（街道）】" in buf.getvalue()
    assert load_workbook(str(out)).sheetnames[0] == "汇总"


def test_the_evaluation_shows_the_change_on_last_year_from_registry_data(plan):
    from kechuang.org.models import Unit
    from kechuang.registry.models import Enterprise, HighTechCertificate

    town = Unit.objects.get(name="杨寨镇")
    for i, issued in enumerate((dt.date(2021, 6, 1), dt.date(2022, 3, 1)), 1):
        ent = Enterprise.objects.create(uscc=f"91421381MA49000{i:02d}X", name=f"演示企业{i}", town=town)
        HighTechCertificate.objects.create(enterprise=ent, number=f"GR20224200000{i}", issued_on=issued)
    fw = evaluation.load_framework()
    result = evaluation.evaluate(fw, plan, dt.date(2022, 12, 31))
    row = next(r for r in result["rows"] if r["code"] == "HNTE_COUNT")
    assert (row["value"], row["last_value"]) == (D(2), D(1))
    assert row["score"] == D("0.75")  # 15 × 2/40
    assert row["last_score"] == D("0.38")  # 15 × 1/40, rounded
    assert row["change"] == D("0.37")
    assert result["change"] == result["total"] - result["last_total"]
