"""Evidence: type by content, size limit, private storage, authorised and audited download."""

import pytest
from django.urls import reverse

from kechuang.audit.models import AuditEvent
from kechuang.core.files import private_storage
from kechuang.reporting import evidence as ev
from kechuang.reporting import services
from kechuang.reporting.models import Evidence

from .files import docx_bytes, exe_bytes, pdf_bytes, png_bytes, upload, xlsx_bytes
from .helpers import filled, town_report

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def private_dir(settings, tmp_path):
    settings.PRIVATE_FILES_DIR = tmp_path / "private"
    return settings.PRIVATE_FILES_DIR


def stored(name):
    return private_storage().exists(name)


@pytest.mark.parametrize("name,data,kind", [
    ("a.pdf", pdf_bytes(), "pdf"), ("b.png", png_bytes(), "png"), ("c.xlsx", xlsx_bytes(), "xlsx"),
    ("d.docx", docx_bytes(), "docx"), ("e.jpg", b"\xff\xd8\xff\xe0" + b"\x00" * 20, "jpg"),
])
def test_allowed_kinds_are_recognised_by_content(name, data, kind):
    assert ev.sniff(data) == kind


def test_a_renamed_exe_is_rejected(plan, personas, private_dir):
    row = town_report(plan, personas)
    with pytest.raises(ev.EvidenceRejected, match="文件类型不允许"):
        ev.add_evidence(row, user=personas["town"], uploaded=upload("进展.pdf", exe_bytes()))
    assert not Evidence.objects.exists()


def test_a_zip_that_is_not_an_office_file_is_rejected():
    import io
    import zipfile

    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr("[Content_Types].xml", "<Types/>")
    assert ev.sniff(buf.getvalue()) is None


def test_an_oversize_file_is_rejected(plan, personas, settings):
    settings.EVIDENCE_MAX_BYTES = 100
    row = town_report(plan, personas)
    with pytest.raises(ev.EvidenceRejected, match="大小上限"):
        ev.add_evidence(row, user=personas["town"], uploaded=upload("a.pdf", pdf_bytes() + b"x" * 200))


def test_a_file_is_stored_under_a_random_name_outside_the_web_root(plan, personas, private_dir):
    row = town_report(plan, personas)
    content = docx_bytes()  # built once: the zip records the time it was written
    e = ev.add_evidence(row, user=personas["town"], uploaded=upload("../../会议纪要.exe", content))
    assert e.original_name == "会议纪要.docx" and e.stored_name != e.original_name and len(e.stored_name) == 32
    assert (private_dir / "evidence" / e.stored_name).read_bytes() == content


def test_download_requires_scope_and_is_audited(plan, personas, client_for):
    row = town_report(plan, personas)
    e = ev.add_evidence(row, user=personas["town"], uploaded=upload("进展 报告.pdf", pdf_bytes()))
    url = reverse("reporting:evidence_download", args=[e.pk])
    for name in ("town_b", "lead", "office", "leader"):  # a draft's files are the unit's own
        assert client_for(name).get(url).status_code == 404
    resp = client_for("town").get(url)
    assert resp.status_code == 200 and b"".join(resp.streaming_content) == pdf_bytes()
    assert resp["X-Content-Type-Options"] == "nosniff"
    assert resp["Content-Disposition"].startswith("attachment;")
    assert "filename*=UTF-8''%E8%BF%9B%E5%B1%95%20%E6%8A%A5%E5%91%8A.pdf" in resp["Content-Disposition"]
    assert AuditEvent.objects.filter(action="reporting.evidence_download", object_id=str(e.pk)).exists()
    filled(row, personas["town"])
    services.submit(row, user=personas["town"])
    assert client_for("lead").get(url).status_code == 200
    assert client_for("town_b").get(url).status_code == 404


def test_evidence_is_locked_after_approval(plan, personas):
    row = filled(town_report(plan, personas), personas["town"])
    e = ev.add_evidence(row, user=personas["town"], uploaded=upload("a.pdf", pdf_bytes()))
    services.submit(row, user=personas["town"])
    services.approve(row, user=personas["lead"])
    with pytest.raises(services.WorkflowError, match="锁定"):
        ev.add_evidence(row, user=personas["town"], uploaded=upload("b.pdf", pdf_bytes()))
    with pytest.raises(services.WorkflowError, match="锁定"):
        ev.delete_evidence(e, user=personas["town"])
    assert Evidence.objects.filter(pk=e.pk).exists() and stored(e.storage_name)


def test_other_units_cannot_attach_or_delete(plan, personas):
    row = town_report(plan, personas)
    with pytest.raises(services.NotAllowed):
        ev.add_evidence(row, user=personas["town_b"], uploaded=upload("a.pdf", pdf_bytes()))
    e = ev.add_evidence(row, user=personas["town"], uploaded=upload("a.pdf", pdf_bytes()))
    with pytest.raises(services.NotAllowed):
        ev.delete_evidence(e, user=personas["town_b"])
    ev.delete_evidence(e, user=personas["town"])
    assert not Evidence.objects.exists()


def test_the_upload_and_delete_pages_respect_the_lock(plan, personas, client_for):
    row = filled(town_report(plan, personas), personas["town"])
    c = client_for("town")
    upload_url = reverse("reporting:evidence_upload", args=[plan.code, plan.year, 5, row.task_id])
    c.post(upload_url, {"file": upload("纪要.pdf", pdf_bytes())})
    e = Evidence.objects.get()
    services.submit(row, user=personas["town"])
    services.approve(row, user=personas["lead"])
    resp = c.post(upload_url, {"file": upload("补充.pdf", pdf_bytes())}, follow=True)
    assert "锁定" in resp.content.decode()
    c.post(reverse("reporting:evidence_delete", args=[e.pk]))
    assert list(Evidence.objects.values_list("original_name", flat=True)) == ["纪要.pdf"]
    resp = c.post(upload_url, {"file": upload("病毒.pdf", exe_bytes())}, follow=True)
    assert Evidence.objects.count() == 1
