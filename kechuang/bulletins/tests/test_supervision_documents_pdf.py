"""The 督办单 and the 会议纪要 printed from the supervision data: one A4 page each (LibreOffice PDF read back)."""

from __future__ import annotations

import datetime as dt
import re
import shutil
import subprocess
import tempfile
from pathlib import Path

import pytest

from kechuang.bulletins.tests.factories import supervision_order
from kechuang.documents.pdf import docx_to_pdf, pdf_available
from kechuang.supervision import services

pytestmark = [pytest.mark.django_db,
              pytest.mark.skipif(not pdf_available() or not shutil.which("pdfinfo"),
                                 reason="LibreOffice/poppler not installed")]


def test_a_supervision_order_is_one_page_with_its_number_unit_reason_and_deadline(plan):
    order = supervision_order(plan, unit_name="杨寨镇", number=7, issued_on=dt.date(2022, 8, 12),
                              reply_due=dt.date(2022, 8, 25))
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "order.pdf"
        path.write_bytes(docx_to_pdf(services.order_docx(order)))
        info = subprocess.run(["pdfinfo", str(path)], capture_output=True, check=True, timeout=60).stdout.decode()
        text = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, check=True,
                              timeout=60).stdout.decode("utf-8")
    assert re.search(r"Pages:\s+1\n", info)
    flat = re.sub(r"\s+", "", text)
    for part in ("督办单", "〔2022〕第7号", "杨寨镇", "连续两月红灯", "2022年8月25日"):
        assert part in flat, part


def test_the_meeting_minutes_list_agenda_and_decisions_with_owners_and_keep_the_signature_with_them(plan, personas):
    from kechuang.org.models import Unit

    office = personas["office"]
    meeting = services.create_meeting(plan, dt.date(2022, 9, 20), office, "领导小组9月例会", as_of=dt.date(2022, 9, 20))
    services.save_minutes(meeting, office, "会议听取了1—8月进展汇报，研究了红灯事项。")
    unit = Unit.objects.get(name="市科技经信局")
    services.add_decision(meeting, office, "组织高新技术企业申报辅导会", unit, dt.date(2022, 10, 15))
    late = services.add_decision(meeting, office, "完成平台备案", Unit.objects.get(name="杨寨镇"), dt.date(2022, 9, 25))
    decisions = list(meeting.decisions.select_related("owner_unit").order_by("pk"))
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "minutes.pdf"
        path.write_bytes(docx_to_pdf(services.meeting_docx(meeting, decisions, dt.date(2022, 10, 8))))
        text = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, check=True,
                              timeout=60).stdout.decode("utf-8")
    pages = [re.sub(r"\s+", "", page) for page in text.split("\f") if page.strip()]
    assert len(pages) <= 2
    assert "2022年9月20日" in pages[-1].split("领导小组9月例会")[-1] and "杨寨镇" in pages[-1]  # date with the last row
    flat = "".join(pages)
    assert flat.index("会议议程：") < flat.index("会议情况：") < flat.index("议定事项：")
    assert "研究红灯事项" in flat  # the agenda drafted from the data
    for part in ("组织高新技术企业申报辅导会", "市科技经信局", "2022年10月15日", late.text, "杨寨镇", "逾期未办结"):
        assert part in flat, part
