"""Office formats as evidence: .doc/.xls/.wps/.et/.ofd recognised by content, the original stored unchanged, a PDF
preview of Word/Excel files made in the task worker, OFD stored and downloadable with a note (no preview)."""

import io
import zipfile
from pathlib import Path

import pytest
from django.urls import reverse

from kechuang.audit.models import AuditEvent
from kechuang.core.files import private_storage, read
from kechuang.reporting import evidence as ev
from kechuang.reporting.choices import PreviewStatus
from kechuang.reporting.models import Evidence

from .files import exe_bytes, upload
from .helpers import town_report

pytestmark = pytest.mark.django_db
DATA = Path(__file__).resolve().parent / "data"  # made with LibreOffice from a python-docx / openpyxl file


def doc_bytes() -> bytes:
    return (DATA / "minutes.doc").read_bytes()


def xls_bytes() -> bytes:
    return (DATA / "figures.xls").read_bytes()


def ofd_bytes(document_xml: str = "<ofd:Document xmlns:ofd=\"http://www.ofdspec.org/2016\"/>") -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("OFD.xml", '<?xml version="1.0" encoding="UTF-8"?><ofd:OFD xmlns:ofd="http://www.ofdspec.org/'
                               '2016" Version="1.0"><ofd:DocBody><ofd:DocRoot>Doc_0/Document.xml</ofd:DocRoot>'
                               '</ofd:DocBody></ofd:OFD>')
        zf.writestr("Doc_0/Document.xml", document_xml)
    return buf.getvalue()


@pytest.fixture(autouse=True)
def private_dir(settings, tmp_path):
    settings.PRIVATE_FILES_DIR = tmp_path / "private"
    return settings.PRIVATE_FILES_DIR


@pytest.mark.parametrize("name,data,kind", [
    ("纪要.doc", doc_bytes(), "doc"), ("统计.xls", xls_bytes(), "xls"),
    ("纪要.wps", doc_bytes(), "wps"), ("统计.et", xls_bytes(), "et"), ("公文.ofd", ofd_bytes(), "ofd"),
    # The content decides the family; a renamed file keeps its real type.
    ("纪要.xls", doc_bytes(), "doc"), ("统计.wps", xls_bytes(), "xls"), ("无扩展名", doc_bytes(), "doc"),
])
def test_office_formats_are_recognised_by_content(name, data, kind):
    assert ev.sniff(data, name) == kind


def test_an_ole2_file_that_is_neither_word_nor_excel_is_not_an_office_file():
    damaged = doc_bytes()[:512] + b"\x00" * 4096  # the header of a compound file, no directory behind it
    assert ev.ole2_root_entries(damaged) == set()
    assert ev.sniff(damaged, "a.doc") is None
    assert ev.sniff(ev.OLE2_MAGIC + b"\xff" * 2000, "a.xls") is None


def test_a_refused_type_names_the_accepted_formats(plan, personas):
    with pytest.raises(ev.EvidenceRejected) as info:
        ev.add_evidence(town_report(plan, personas), user=personas["town"], uploaded=upload("病毒.doc", exe_bytes()))
    for label in ("PDF", "DOC", "DOCX", "XLS", "XLSX", "WPS", "ET", "OFD", "改扩展名无效"):
        assert label in info.value.message
    assert not Evidence.objects.exists()


def test_an_ofd_with_an_entity_declaration_is_refused(plan, personas):
    bad = ofd_bytes('<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaa">]><ofd:Document/>')
    with pytest.raises(ev.EvidenceRejected, match="DOCTYPE"):
        ev.add_evidence(town_report(plan, personas), user=personas["town"], uploaded=upload("公文.ofd", bad))


def test_an_ofd_is_stored_as_is_and_downloadable_with_a_note_that_it_has_no_preview(plan, personas, client_for):
    data = ofd_bytes()
    row = town_report(plan, personas)
    e = ev.add_evidence(row, user=personas["town"], uploaded=upload("区政府公文.ofd", data))
    assert (e.original_name, e.content_type, e.preview_status) == ("区政府公文.ofd", "application/ofd",
                                                                    PreviewStatus.UNAVAILABLE)
    assert read(e.storage_name) == data
    town = client_for("town")
    resp = town.get(reverse("reporting:evidence_download", args=[e.pk]))
    assert resp.status_code == 200 and b"".join(resp.streaming_content) == data
    assert town.get(reverse("reporting:evidence_preview", args=[e.pk])).status_code == 404
    page = town.get(reverse("reporting:task_report_detail", args=[row.pk])).content.decode()
    assert "区政府公文.ofd" in page and "OFD 版式文件暂不支持在线预览" in page


# Slow by nature (~3 s each): LibreOffice converts the file to PDF, as the task worker does.
@pytest.mark.parametrize("name,data,kind", [("会议纪要.doc", doc_bytes(), "doc"), ("统计表.et", xls_bytes(), "et")])
def test_a_word_or_excel_file_gets_a_pdf_preview_from_the_worker(plan, personas, client_for, name, data, kind,
                                                                django_capture_on_commit_callbacks):
    row = town_report(plan, personas)
    with django_capture_on_commit_callbacks(execute=True):  # the queue runs the job inline under test settings
        e = ev.add_evidence(row, user=personas["town"], uploaded=upload(name, data))
    e.refresh_from_db()
    assert e.original_name == name and e.preview_status == PreviewStatus.READY, e.preview_error
    assert read(e.storage_name) == data  # the original is kept unchanged
    assert read(e.preview_name).startswith(b"%PDF-")
    url = reverse("reporting:evidence_preview", args=[e.pk])
    assert client_for("town_b").get(url).status_code == 404
    resp = client_for("town").get(url)
    assert resp.status_code == 200 and resp["Content-Type"] == "application/pdf"
    assert resp["Content-Disposition"].startswith("inline;")
    assert b"".join(resp.streaming_content).startswith(b"%PDF-")
    assert AuditEvent.objects.filter(action="reporting.evidence_preview", object_id=str(e.pk)).exists()
    assert ev.build_preview(e.pk) == PreviewStatus.READY  # a repeated job leaves the preview alone
    page = client_for("town").get(reverse("reporting:task_report_detail", args=[row.pk])).content.decode()
    assert url in page
    with django_capture_on_commit_callbacks(execute=True):
        ev.delete_evidence(e, user=personas["town"])
    assert not private_storage().exists(e.storage_name) and not private_storage().exists(e.preview_name)


def test_without_libreoffice_the_preview_fails_with_a_chinese_reason(plan, personas, monkeypatch,
                                                                     django_capture_on_commit_callbacks):
    monkeypatch.setenv("PATH", "/nonexistent")
    with django_capture_on_commit_callbacks(execute=True):
        e = ev.add_evidence(town_report(plan, personas), user=personas["town"], uploaded=upload("a.doc", doc_bytes()))
    e.refresh_from_db()
    assert e.preview_status == PreviewStatus.FAILED
    assert e.preview_note == "无法生成预览（服务器未安装 LibreOffice，无法生成 PDF），请下载原文件查看"
