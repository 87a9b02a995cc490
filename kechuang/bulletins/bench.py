"""Bulletin benchmarks: compose the bundled plan's Q2 bulletin (engine data, chart, .docx) and issue it; a
200-unit plan's Q3 bulletin: seconds to draft and render without PDF, and body pages in the PDF."""

from __future__ import annotations

import re
import shutil
import statistics
import subprocess
import tempfile
import time
from pathlib import Path

from kechuang.bench import report
from kechuang.documents.pdf import docx_to_pdf, pdf_available
from kechuang.org.models import Unit, UnitKind
from kechuang.reporting.benchdata import build_dataset

from . import services
from .benchdata import build_guangshui_half_year


def run(db_label: str) -> None:
    plan, users = build_guangshui_half_year()
    dataset = f"bundled 2022 plan with demo data, {db_label}"
    office = users["office"]
    times = []
    for _ in range(3):
        start = time.perf_counter()
        bulletin = services.draft_bulletin(plan, 2022, 2, user=office)
        services.render(bulletin)
        times.append(time.perf_counter() - start)
    report("bulletin_generation_s", statistics.median(times), "s", dataset + ", Q2 draft with its chart")
    start = time.perf_counter()
    services.issue_bulletin(bulletin, user=office)
    report("bulletin_issue_s", time.perf_counter() - start, "s", dataset + ", snapshot + stored .docx")
    run_200(db_label)


def body_pages(pdf: bytes) -> int:
    """Pages of a bulletin PDF before the one that starts with "附件1" (pdftotext)."""
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "b.pdf"
        path.write_bytes(pdf)
        text = subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, check=True,
                              timeout=120).stdout.decode("utf-8")
    for i, page in enumerate(text.split("\f")):
        lines = [line.strip() for line in page.splitlines() if line.strip()]
        if lines and re.fullmatch(r"附件\s*1", lines[0]):
            return i
    raise RuntimeError("no page starts with 附件1")


def run_200(db_label: str) -> None:
    plan, office = build_dataset("bench200b", n_units=200, months=9, n_indicators=17, n_tasks=9)
    units = list(Unit.objects.filter(code__startswith="bench200b-u").order_by("code"))
    Unit.objects.filter(pk__in=[u.pk for u in units[:80]]).update(kind=UnitKind.DEPARTMENT)
    Unit.objects.filter(pk__in=[u.pk for u in units[-2:]]).update(kind=UnitKind.ZONE)
    dataset = f"200 units × 9 months × 17 indicators × 9 tasks, Q3, {db_label}"
    times = []
    for _ in range(3):
        start = time.perf_counter()
        bulletin = services.draft_bulletin(plan, 2022, 3, user=office)
        data = services.render(bulletin)
        times.append(time.perf_counter() - start)
    report("bulletin_seconds", statistics.median(times), "s", dataset + ", draft + .docx with chart, no PDF")
    if pdf_available() and shutil.which("pdftotext"):
        report("bulletin_body_pages", body_pages(docx_to_pdf(data)), "pages", dataset + ", PDF via LibreOffice")
