"""The office's extraction pages: upload, review beside the source, correct, activate (audited)."""

from __future__ import annotations

import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import TestCase
from django.urls import reverse

from kechuang.audit.models import AuditEvent
from kechuang.plans.extract.evaluate import CORPUS_DIR, materialise
from kechuang.plans.models import Plan

from .extract_helpers import SEED


def _upload(client, path, code=""):
    with open(path, "rb") as fh:
        return _post_upload(client, SimpleUploadedFile(path.name, fh.read()), code)


def _post_upload(client, upload, code=""):
    """Upload, let the queue run the extraction (inline under test settings), then open the job's page."""
    with TestCase.captureOnCommitCallbacks(execute=True):
        response = client.post(reverse("plans:extract_upload"), {"file": upload, "code": code})
    if response.status_code == 302 and "/extract/jobs/" in response["Location"]:
        return client.get(response["Location"])
    return response


@pytest.mark.django_db
def test_the_office_uploads_the_seed_and_sees_every_item_highlighted_in_the_source(client_for):
    office = client_for("office")
    response = _upload(office, SEED, code="guangshui-2022-copy")
    assert response.status_code == 302
    assert response["Location"] == reverse("plans:extract_review", kwargs={"code": "guangshui-2022-copy"})
    plan = Plan.objects.get(code="guangshui-2022-copy")
    assert plan.status == "draft" and plan.tasks.count() == 9 and plan.indicators.count() == 17
    assert plan.settings["report_due_day"] == 5  # working rules start from the city's current plan
    page = office.get(response["Location"]).content.decode()
    assert page.count('data-testid="mark-task"') == 9
    assert page.count('data-testid="mark-target"') == 17
    assert page.count('data-testid="mark-unit"') == 57  # every lead and responsible name as written
    # The mark sits on the text it came from, and the draft item points at it.
    mark = re.search(r'<mark class="kc-mark kc-target" id="(src-g\d+)"[^>]*>([^<]*)</mark>', page)
    assert mark.group(2) == "10家"
    assert f'data-src="{mark.group(1)}"' in page
    assert AuditEvent.objects.filter(action="plan.extract", object_id=str(plan.pk)).exists()


@pytest.mark.django_db
def test_a_table_docx_upload_works_too(client_for, tmp_path):
    office = client_for("office")
    response = _upload(office, materialise(CORPUS_DIR / "table-tasks.txt", tmp_path), code="lianghe-2023")
    assert response.status_code == 302
    plan = Plan.objects.get(code="lianghe-2023")
    assert list(plan.tasks.order_by("seq").values_list("number", flat=True)) == ["1", "2", "3", "4", "5"]
    page = office.get(response["Location"]).content.decode()
    assert "新建单位" in page  # 县科技局 etc. are not in the tree: proposed


@pytest.mark.django_db
def test_an_unreadable_upload_is_refused_with_a_chinese_message(client_for):
    office = client_for("office")
    upload = SimpleUploadedFile("plan.xls", b"PK")
    response = office.post(reverse("plans:extract_upload"), {"file": upload})
    assert response.status_code == 200
    assert "请上传 .docx、.doc、.pdf 或 .txt" in response.content.decode()
    # Unreadable content is found by the worker: the job's page says why and offers a new upload.
    response = _post_upload(office, SimpleUploadedFile("plan.pdf", b"%PDF-1.4"))
    assert response.status_code == 200 and "无法读取 PDF 文件" in response.content.decode()
    response = _post_upload(office, SimpleUploadedFile("plan.docx", b"not a zip"))
    assert "无法读取 Word 文档" in response.content.decode()
    assert not Plan.objects.filter(status="draft").exists()


@pytest.mark.django_db
def test_the_office_corrects_the_draft_yaml_and_the_loader_validates_it(client_for):
    office = client_for("office")
    _upload(office, SEED, code="gs-fix")
    url = reverse("plans:extract_save", kwargs={"code": "gs-fix"})
    page = office.get(reverse("plans:extract_review", kwargs={"code": "gs-fix"})).content.decode()
    text = re.search(r'<textarea[^>]*name="draft_yaml"[^>]*>(.*?)</textarea>', page, re.S).group(1)
    import html

    text = html.unescape(text)
    bad = text.replace("- 市金融办", "- 不存在的单位", 1)
    response = office.post(url, {"draft_yaml": bad})
    assert response.status_code == 200
    assert "不存在的单位" in response.content.decode() and "不在单位名录中" in response.content.decode()
    fixed = text.replace("title: 推进科技创新平台建设", "title: 推进科技创新平台建设（已核对）", 1)
    response = office.post(url, {"draft_yaml": fixed})
    assert response.status_code == 302
    plan = Plan.objects.get(code="gs-fix")
    assert plan.tasks.get(number="（四）").title == "推进科技创新平台建设（已核对）"
    assert "extraction" in plan.settings  # the spans survive corrections
    assert plan.source_text  # and so does the source


@pytest.mark.django_db
def test_activation_makes_the_plan_active_and_is_audited(client_for):
    office = client_for("office")
    _upload(office, SEED, code="gs-act")
    response = office.post(reverse("plans:extract_activate", kwargs={"code": "gs-act"}))
    assert response.status_code == 302
    plan = Plan.objects.get(code="gs-act")
    assert plan.status == "active"
    assert AuditEvent.objects.filter(action="plan.activate", object_id=str(plan.pk)).count() == 1
    response = office.post(reverse("plans:extract_activate", kwargs={"code": "gs-act"}), follow=True)
    assert "只有草稿可以启用" in response.content.decode()
    assert AuditEvent.objects.filter(action="plan.activate", object_id=str(plan.pk)).count() == 1


@pytest.mark.django_db
def test_units_cannot_upload_or_see_drafts(client_for):
    _upload(client_for("office"), SEED, code="gs-hidden")
    for persona in ("lead", "town", "leader"):
        client = client_for(persona)
        assert client.get(reverse("plans:extract_upload")).status_code == 404
        assert client.get(reverse("plans:extract_review", kwargs={"code": "gs-hidden"})).status_code == 404
        assert _upload(client, SEED, code="gs-sneaky").status_code == 404
    assert not Plan.objects.filter(code="gs-sneaky").exists()


@pytest.mark.django_db
def test_the_office_corrects_titles_units_and_targets_in_the_review_form(client_for):
    office = client_for("office")
    _upload(office, SEED, code="gs-form")
    plan = Plan.objects.get(code="gs-form")
    four = plan.tasks.get(number="（四）")
    total = plan.indicators.get(target=100, measure="家")
    coverage = plan.indicators.get(target=35)
    url = reverse("plans:extract_edit", kwargs={"code": "gs-form"})
    form = {
        f"task-{four.pk}-title": "推进科技创新平台建设（核）",
        f"task-{four.pk}-lead": "市科技经信局",
        f"task-{four.pk}-responsible": "市人社局、市科协、市财政局",
        f"ind-{total.pk}-name": "规上工业企业科技创新平台总数",
        f"ind-{total.pk}-comparator": ">=",
        f"ind-{total.pk}-target": "120",
        f"ind-{total.pk}-measure": "家",
        f"ind-{total.pk}-tasks": "（四）",
        f"ind-{coverage.pk}-delete": "1",
    }
    response = office.post(url, form)
    assert response.status_code == 302
    four.refresh_from_db()
    assert (four.title, four.responsible_text) == ("推进科技创新平台建设（核）", "市人社局、市科协、市财政局")
    assert {u.name for u in four.responsible_units()} == {"市人社局", "市科协", "市财政局"}
    total.refresh_from_db()
    assert (total.name, total.target) == ("规上工业企业科技创新平台总数", 120)
    assert plan.indicators.count() == 16 and not plan.indicators.filter(pk=coverage.pk).exists()
    # Every other task and target is untouched.
    assert plan.tasks.get(number="（六）").lead_text == "市科技经信局"
    # An unknown unit is refused with the loader's Chinese message and nothing changes.
    bad = {**form, f"task-{four.pk}-lead": "不存在局", f"ind-{coverage.pk}-delete": ""}
    response = office.post(url, bad)
    assert response.status_code == 200 and "不在单位名录中" in response.content.decode()
    four.refresh_from_db()
    assert four.lead_text == "市科技经信局"


@pytest.mark.django_db
def test_the_review_page_lists_and_marks_what_could_not_be_placed(client_for, tmp_path):
    office = client_for("office")
    path = tmp_path / "plan.txt"
    path.write_text("某县2024年科技创新工作方案\n一、重点任务\n（一）培育企业。2023年新认定高新技术企业6家，"
                    "2024年新认定高新技术企业9家。（牵头单位：县科技局）\n", encoding="utf-8")
    response = _upload(office, path, code="warn-2024")
    page = office.get(response["Location"]).content.decode()
    assert "处未能读取或归入，已在原文中标红" in page  # said on arrival too
    assert 'data-testid="extract-warnings"' in page
    assert "未作为目标的数值“6家”（往年的数值）" in page
    mark = re.search(r'<mark class="kc-mark kc-warn" id="(src-w\d+)"[^>]*>([^<]*)</mark>', page)
    assert mark.group(2) == "6家" and f'data-src="{mark.group(1)}"' in page


@pytest.mark.django_db
def test_the_office_splits_and_merges_tasks_and_moves_a_target_before_activation(client_for, tmp_path):
    office = client_for("office")
    path = tmp_path / "plan.txt"
    path.write_text("某县2024年科技创新工作方案\n一、重点任务\n"
                    "（一）培育企业。新认定高新技术企业9家，技术合同成交额达到3亿元。（牵头单位：县科技局）\n"
                    "（二）培育企业（续）。科技型中小企业入库60家。（牵头单位：县科技局；责任单位：县财政局）\n"
                    "（三）人才。引进人才20名，全市排名保持全省第5位。（牵头单位：县人社局）\n", encoding="utf-8")
    _upload(office, path, code="split-2024")
    plan = Plan.objects.get(code="split-2024")
    tasks = {t.number: t for t in plan.tasks.all()}
    contracts = plan.indicators.get(target=3)
    rank = plan.indicators.get(measure="位")
    assert rank.comparator == "<="
    form = {
        f"task-{tasks['（一）'].pk}-title": "培育企业", f"task-{tasks['（一）'].pk}-lead": "县科技局",
        f"task-{tasks['（一）'].pk}-split": "促进技术交易",
        f"task-{tasks['（二）'].pk}-title": "培育企业（续）", f"task-{tasks['（二）'].pk}-lead": "县科技局",
        f"task-{tasks['（二）'].pk}-responsible": "县财政局", f"task-{tasks['（二）'].pk}-merge": "1",
        f"task-{tasks['（三）'].pk}-title": "人才", f"task-{tasks['（三）'].pk}-lead": "县人社局",
        f"ind-{contracts.pk}-name": contracts.name, f"ind-{contracts.pk}-comparator": ">=",
        f"ind-{contracts.pk}-target": "3", f"ind-{contracts.pk}-measure": "亿元",
        f"ind-{contracts.pk}-tasks": "（一）-2",
        f"ind-{rank.pk}-name": rank.name, f"ind-{rank.pk}-comparator": "=", f"ind-{rank.pk}-target": "5",
        f"ind-{rank.pk}-measure": "位", f"ind-{rank.pk}-tasks": "（三）",
    }
    response = office.post(reverse("plans:extract_edit", kwargs={"code": "split-2024"}), form)
    assert response.status_code == 302
    numbers = list(plan.tasks.order_by("seq").values_list("number", flat=True))
    assert numbers == ["（一）", "（一）-2", "（三）"]  # （二） merged into （一）, a new task split off after it
    merged = plan.tasks.get(number="（一）")
    assert merged.responsible_text == "县财政局", (merged.lead_text, merged.responsible_text)
    # The merged task's target follows it; the reassigned one sits on the new task; the comparator changed.
    assert [t.number for t in plan.indicators.get(target=60).tasks.all()] == ["（一）"]
    assert [t.number for t in plan.indicators.get(target=3).tasks.all()] == ["（一）-2"]
    assert plan.indicators.get(measure="位").comparator == "="
