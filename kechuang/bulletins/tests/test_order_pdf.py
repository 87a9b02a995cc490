"""The 督办单 printed from the supervision data: one A4 page (LibreOffice PDF read back)."""

from __future__ import annotations

import datetime as dt
import re
import shutil
import subprocess
import tempfile
from pathlib import Path

import pytest

from kechuang.bulletins.pdf import docx_to_pdf, pdf_available
from kechuang.bulletins.tests.factories import supervision_order
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
