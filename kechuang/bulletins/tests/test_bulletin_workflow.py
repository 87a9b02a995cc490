"""Drafting, editing, issuing: office only, draft only, frozen after issue, audited; PDF output."""

from __future__ import annotations

import re
import shutil
import subprocess

import pytest

from kechuang.audit.models import AuditEvent
from kechuang.bulletins import services
from kechuang.bulletins.compose import bulletin_title
from kechuang.bulletins.models import Bulletin
from kechuang.bulletins.tests.factories import approved_report, quarter_data
from kechuang.core.concurrency import ConflictError
from kechuang.documents.gbt9704 import document_text
from kechuang.documents.pdf import docx_to_pdf, pdf_available

pytestmark = pytest.mark.django_db


def test_only_the_office_drafts_edits_and_issues(plan, personas):
    for name in ("leader", "lead", "town"):
        with pytest.raises(services.BulletinError):
            services.draft_bulletin(plan, 2022, 2, user=personas[name])
    bulletin = services.draft_bulletin(plan, 2022, 2, user=personas["office"])
    with pytest.raises(services.BulletinError):
        services.update_narrative(bulletin, user=personas["leader"], summary="x", next_steps="y",
                                  version=bulletin.version)
    with pytest.raises(services.BulletinError):
        services.issue_bulletin(bulletin, user=personas["lead"])


# Slow by nature (~5 s under load): composes, renders and issues a bulletin.
def test_the_office_edits_the_narrative_of_a_draft_but_not_of_an_issued_bulletin(plan, personas):
    office = personas["office"]
    bulletin = services.draft_bulletin(plan, 2022, 2, user=office)
    edited = services.update_narrative(bulletin, user=office, summary="上半年总体平稳。\n第二段。",
                                       next_steps="抓好三季度工作。", version=bulletin.version)
    with pytest.raises(ConflictError):
        services.update_narrative(bulletin, user=office, summary="旧版本", next_steps="", version=bulletin.version)
    text = document_text(services.render(edited))
    assert "上半年总体平稳。" in text and "抓好三季度工作。" in text
    issued = services.issue_bulletin(edited, user=office)
    with pytest.raises(services.BulletinError):
        services.update_narrative(issued, user=office, summary="改", next_steps="改", version=issued.version)
    assert AuditEvent.objects.filter(action="bulletin.edit").count() == 1
    assert AuditEvent.objects.filter(action="bulletin.issue", object_id=str(issued.pk)).exists()


# Slow by nature (~5 s under load): composes and issues a bulletin, changes data, composes again.
def test_an_issued_bulletin_does_not_change_when_the_data_change_later(plan, personas):
    quarter_data(plan, personas)
    office = personas["office"]
    issued = services.issue_bulletin(services.draft_bulletin(plan, 2022, 2, user=office), user=office)
    stored = services.docx_bytes(issued)
    snapshot = issued.snapshot
    # Late data for the quarter arrives after the bulletin was issued.
    approved_report(plan, personas, persona="zone", month=6, percent="95", narrative="开发区补报六月进展",
                    task_number="（六）")
    issued.refresh_from_db()
    assert issued.snapshot == snapshot
    assert services.docx_bytes(issued) == stored
    # A draft of the same data would now show it: the data did change.
    live = services.build_snapshot(plan, 2022, 2, issued.as_of)
    assert live != snapshot
    narratives = lambda snap: [p["narrative"] for t in snap["tasks"] for p in t["progress"]]  # noqa: E731
    assert "开发区补报六月进展" in narratives(live) and "开发区补报六月进展" not in narratives(issued.snapshot)


# Slow by nature (~5 s under load): composes and renders the bulletin twice.
def test_regenerating_a_draft_refreshes_data_and_keeps_the_edited_narrative(plan, personas):
    office = personas["office"]
    bulletin = services.draft_bulletin(plan, 2022, 2, user=office)
    services.update_narrative(bulletin, user=office, summary="手工修改", next_steps="下步", version=bulletin.version)
    approved_report(plan, personas, persona="town", month=6, percent="50", narrative="新报进展")
    again = services.draft_bulletin(plan, 2022, 2, user=office)
    assert again.pk == bulletin.pk and again.summary == "手工修改"
    assert "新报进展" in [p["narrative"] for t in again.snapshot["tasks"] for p in t["progress"]]
    assert Bulletin.objects.count() == 1


# Slow by nature (~6 s): LibreOffice converts the .docx to PDF, then pdftoppm renders a page.
@pytest.mark.skipif(not pdf_available() or not shutil.which("pdftoppm"), reason="LibreOffice/poppler not installed")
def test_the_pdf_has_the_title_and_the_table_figures_and_renders_to_png(plan, personas, tmp_path):
    quarter_data(plan, personas)
    office = personas["office"]
    bulletin = services.issue_bulletin(services.draft_bulletin(plan, 2022, 2, user=office), user=office)
    pdf = services.pdf_bytes(bulletin)
    assert pdf.startswith(b"%PDF")
    path = tmp_path / "b.pdf"
    path.write_bytes(pdf)
    subprocess.run(["pdftoppm", "-r", "40", "-png", "-f", "1", "-l", "1", str(path), str(tmp_path / "page")],
                   check=True, timeout=60)
    pngs = list(tmp_path.glob("page*.png"))
    assert pngs and pngs[0].read_bytes().startswith(b"\x89PNG") and pngs[0].stat().st_size > 5000
    text = subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, check=True,
                          timeout=60).stdout.decode("utf-8")
    flat = re.sub(r"\s+", "", text)
    assert bulletin_title(2022, 2) in flat
    assert "2022年第1期" in flat
    first = bulletin.snapshot["indicators"][0]
    assert first["name"] in flat and first["target"] in flat
    assert f"{first['time_progress_pct']}%" in flat
    # Fonts were mapped to installed CJK fonts: the text extracted is Chinese, not boxes.
    fonts = subprocess.run(["pdffonts", str(path)], capture_output=True, check=True, timeout=60).stdout.decode()
    assert "CJK" in fonts or "GB" in fonts


# Slow by nature (~5 s): two LibreOffice conversions, which is the point of the test.
@pytest.mark.skipif(not pdf_available(), reason="LibreOffice not installed")
def test_two_conversions_in_a_row_use_separate_profiles():
    from kechuang.documents.gbt9704 import OfficialDocument

    builder = OfficialDocument()
    builder.title("测试标题")
    data = builder.to_bytes()
    assert docx_to_pdf(data).startswith(b"%PDF") and docx_to_pdf(data).startswith(b"%PDF")
