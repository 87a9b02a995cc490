"""One upload guard for every Office file path: the registry import, the monthly form, plan documents and
evidence refuse the same hostile files with the same Chinese reasons."""

import io
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from kechuang.core.uploads import UploadRefused, check_ooxml
from kechuang.plans.extract import ExtractError, read_docx
from kechuang.reporting.evidence import EvidenceRejected, add_evidence
from kechuang.reporting.tests.helpers import town_report


def _docx(extra_xml: bytes = b"", big_member: int = 0) -> bytes:
    import docx

    buf = io.BytesIO()
    docx.Document().save(buf)
    src = zipfile.ZipFile(io.BytesIO(buf.getvalue()))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            content = src.read(info)
            if info.filename == "word/document.xml" and extra_xml:
                content = extra_xml + content.split(b"?>", 1)[-1]
            dst.writestr(info.filename, content)
        if big_member:
            dst.writestr("word/media/filler.xml", b"a" * big_member)
    return out.getvalue()


ENTITY = b'<!DOCTYPE x [<!ENTITY lol "lol">]>'


def test_the_guard_refuses_entities_bombs_and_non_archives():
    check_ooxml(_docx(), kind="docx")
    with pytest.raises(UploadRefused, match="DOCTYPE"):
        check_ooxml(_docx(ENTITY), kind="docx")
    with pytest.raises(UploadRefused, match="压缩比"):
        check_ooxml(_docx(big_member=20 * 1024 * 1024), kind="docx")
    with pytest.raises(UploadRefused, match="不是"):
        check_ooxml(b"plain text", kind="xlsx")


def test_a_plan_document_with_an_entity_declaration_is_refused_before_parsing():
    with pytest.raises(ExtractError, match="DOCTYPE"):
        read_docx(io.BytesIO(_docx(ENTITY)))


@pytest.mark.django_db
def test_evidence_that_is_a_zip_bomb_is_refused(plan, personas):
    row = town_report(plan, personas)
    bomb = SimpleUploadedFile("说明.docx", _docx(big_member=20 * 1024 * 1024))
    with pytest.raises(EvidenceRejected, match="压缩比"):
        add_evidence(row, user=personas["town"], uploaded=bomb)
    assert not row.evidence.exists()
