"""Bulletin pages and the CLI."""

from __future__ import annotations

import io
import re

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from docx import Document

from kechuang.audit.models import AuditEvent
from kechuang.bulletins import services
from kechuang.bulletins.models import Bulletin
from kechuang.documents.gbt9704 import document_text

pytestmark = pytest.mark.django_db


def test_the_office_generates_edits_and_issues_through_the_pages(plan, client_for):
    office = client_for("office")
    response = office.post(reverse("bulletins:bulletin_generate"), {"plan": plan.code, "quarter": "2022Q2"})
    bulletin = Bulletin.objects.get(plan=plan, year=2022, quarter=2)
    assert response["Location"] == reverse("bulletins:bulletin_detail", args=[bulletin.pk])
    page = office.get(response["Location"]).content.decode()
    assert "关于2022年第二季度科技创新工作推进情况的通报" in page and "序时进度" in page
    office.post(reverse("bulletins:bulletin_edit", args=[bulletin.pk]),
                {"summary": "办公室改写的概述", "next_steps": "三季度重点", "version": bulletin.version})
    bulletin.refresh_from_db()
    assert bulletin.summary == "办公室改写的概述"
    office.post(reverse("bulletins:bulletin_issue", args=[bulletin.pk]), {"version": bulletin.version})
    bulletin.refresh_from_db()
    assert bulletin.is_issued and bulletin.issue_no == 1
    download = office.get(reverse("bulletins:bulletin_docx", args=[bulletin.pk]))
    assert "attachment" in download["Content-Disposition"]
    assert "办公室改写的概述" in document_text(download.content)
    assert AuditEvent.objects.filter(action="bulletin.download", object_id=str(bulletin.pk)).exists()


def test_a_leader_reads_issued_bulletins_but_not_drafts(plan, personas, client_for):
    office = personas["office"]
    draft = services.draft_bulletin(plan, 2022, 1, user=office)
    issued = services.issue_bulletin(services.draft_bulletin(plan, 2022, 2, user=office), user=office)
    leader = client_for("leader")
    listing = leader.get(reverse("bulletins:bulletin_list")).content.decode()
    assert "2022年第2季度通报" in listing and "2022年第1季度通报" not in listing
    assert leader.get(reverse("bulletins:bulletin_detail", args=[draft.pk])).status_code == 404
    assert leader.get(reverse("bulletins:bulletin_docx", args=[issued.pk])).status_code == 200
    assert "生成通报草稿" not in listing
    assert client_for("town").get(reverse("bulletins:bulletin_list")).status_code == 404


def test_the_cli_writes_the_quarter_bulletin(plan, tmp_path):
    out = tmp_path / "q2.docx"
    call_command("bulletin", "--plan", plan.code, "--quarter", "2022Q2", "-o", str(out), "--no-charts",
                 stdout=io.StringIO())
    doc = Document(str(out))
    text = "\n".join(p.text for p in doc.paragraphs)
    assert "关于2022年第二季度科技创新工作推进情况的通报" in text
    assert Bulletin.objects.count() == 0  # nothing saved for an unissued quarter
    assert not re.search(r"(?<!\d)\d{17}[\dXx](?!\d)", text)


def test_the_bulletin_list_names_each_plan_and_reads_no_bulletin_texts(plan, personas, client_for):
    """A prefecture's list holds every county's bulletins: each row says whose it is, and the snapshots (tens of
    kB each) are not read for a list."""
    services.draft_bulletin(plan, 2022, 1, user=personas["office"])
    office = client_for("office")
    with CaptureQueriesContext(connection) as ctx:
        listing = office.get(reverse("bulletins:bulletin_list")).content.decode()
    assert f"<td>{plan.title}</td>" in listing and "2022年第1季度通报" in listing
    reads = [q["sql"] for q in ctx.captured_queries if 'FROM "bulletins_bulletin"' in q["sql"]]
    assert reads and not any('"snapshot"' in sql for sql in reads)
