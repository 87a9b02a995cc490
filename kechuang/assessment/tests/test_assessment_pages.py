"""Assessment pages: the office runs it, leaders read, a unit sees only its own published row."""

from __future__ import annotations

import io
import re
from decimal import Decimal as D

import pytest
from django.test import TestCase
from django.urls import reverse
from docx import Document
from openpyxl import load_workbook

from kechuang.assessment import services
from kechuang.assessment.models import AssessmentResult, ResultStatus
from kechuang.audit.models import AuditEvent
from kechuang.org.models import Unit

pytestmark = pytest.mark.django_db


def test_the_office_computes_adds_a_bonus_and_a_veto_and_publishes(plan, personas, client_for):
    scheme = services.ensure_scheme(plan)
    office = client_for("office")
    town = Unit.objects.get(name="武胜关镇")
    office.post(reverse("assessment:bonus_add", args=[scheme.pk]),
                {"unit": town.pk, "points": "2", "reason": "省级表彰"})
    office.post(reverse("assessment:veto_add", args=[scheme.pk]),
                {"unit": Unit.objects.get(name="杨寨镇").pk, "reason": "重大失信"})
    with TestCase.captureOnCommitCallbacks(execute=True):  # the queue runs the job inline under test settings
        office.post(reverse("assessment:compute", args=[scheme.pk]))
    page = office.get(reverse("assessment:scheme_detail", args=[scheme.pk])).content.decode()
    assert "镇（街道）" in page and "一票否决" in page and "省级表彰" in page
    with TestCase.captureOnCommitCallbacks(execute=True):
        office.post(reverse("assessment:publish", args=[scheme.pk]))
    published = AssessmentResult.objects.get(scheme=scheme, status=ResultStatus.PUBLISHED)
    assert published.unit_row(town.pk)["subtotals"]["bonus"] == "2"
    xlsx = office.get(reverse("assessment:results_xlsx", args=[scheme.pk]))
    assert load_workbook(io.BytesIO(xlsx.content)).sheetnames[0] == "汇总"
    notice = office.get(reverse("assessment:results_docx", args=[scheme.pk]))
    assert Document(io.BytesIO(notice.content)).paragraphs[0].text.startswith("关于2022年度")
    assert AuditEvent.objects.filter(action="assessment.export").count() == 2


def test_a_unit_sees_its_own_published_result_and_no_other(plan, personas, client_for):
    scheme = services.ensure_scheme(plan)
    town = client_for("town")
    mine = reverse("assessment:unit_result", args=[scheme.pk, personas["town"].unit_id])
    assert town.get(mine).status_code == 404  # nothing published yet
    services.publish_assessment(scheme, user=personas["office"])
    page = town.get(reverse("assessment:scheme_detail", args=[scheme.pk])).content.decode()
    assert "武胜关镇" in page and "杨寨镇" not in page
    assert town.get(reverse("assessment:unit_result", args=[scheme.pk, personas["town_b"].unit_id])).status_code == 404
    assert town.get(reverse("assessment:results_xlsx", args=[scheme.pk])).status_code == 404


def test_the_evaluation_page_shows_the_example_label(plan, client_for):
    office = client_for("office")
    office.post(reverse("assessment:evaluation_load", args=[plan.code]))
    page = client_for("leader").get(reverse("assessment:evaluation", args=[plan.code])).content.decode()
    assert "示例（请替换为官方指标与权重）" in page and "总量指标" in page and "速度指标" in page


def test_the_page_and_its_exports_show_full_score_rate_and_not_applicable(plan, personas, client_for):
    from kechuang.documents.gbt9704 import document_text

    scheme = services.ensure_scheme(plan)
    office = client_for("office")
    with TestCase.captureOnCommitCallbacks(execute=True):
        office.post(reverse("assessment:compute", args=[scheme.pk]))
    result = AssessmentResult.objects.get(scheme=scheme, status=ResultStatus.DRAFT)
    rows = {r["unit"]: r for g in result.data["groups"] for r in g["units"]}
    town, bureau = rows["武胜关镇"], rows["市科技经信局"]
    assert not town["applies"]["indicator"] and bureau["applies"]["indicator"]
    assert D(bureau["full"]) > D(town["full"]) == D(scheme.config["tasks"]["weight"])

    page = office.get(reverse("assessment:scheme_detail", args=[scheme.pk])).content.decode()
    assert "<th>满分</th><th>得分</th><th>得分率</th>" in page and "组内按得分率排名" in page
    town_cells = re.search(r'data-testid="result-武胜关镇">(.*?)</tr>', page, re.S).group(1)
    assert ">不适用</td>" in town_cells and f"<td>{town['full']}</td>" in town_cells

    wb = load_workbook(io.BytesIO(office.get(reverse("assessment:results_xlsx", args=[scheme.pk])).content))
    header = [c.value for c in wb["汇总"][1]]
    summary = {r[2]: dict(zip(header, r, strict=True)) for r in wb["汇总"].iter_rows(min_row=2, values_only=True)}
    assert summary["武胜关镇"]["指标得分"] == "不适用" and summary["武胜关镇"]["满分"] == float(town["full"])
    assert summary["武胜关镇"]["得分率"] == f"{town['rate']}%"
    assert isinstance(summary["市科技经信局"]["指标得分"], int | float)

    text = document_text(office.get(reverse("assessment:results_docx", args=[scheme.pk])).content)
    assert "得分率" in text and "满分" in text and "不适用" in text

    town_page = client_for("leader").get(reverse("assessment:unit_result", args=[scheme.pk, town["unit_id"]]))
    html = town_page.content.decode()
    assert "指标得分不适用（不计 0 分）" in html and 'data-testid="unit-rate"' in html
