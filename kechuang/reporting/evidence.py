"""Evidence files: type checked by content (magic bytes), size-limited, stored in the private storage under random
names, downloaded only through an authorised view.

Office formats county offices use are accepted as they are: Word (.doc, .docx), Excel (.xls, .xlsx), WPS (.wps, .et)
and OFD (GB/T 33190, the national e-document format). The original is stored unchanged; Word/Excel/WPS files get a
PDF preview made by the task worker with LibreOffice; OFD is stored and downloadable without a preview.
"""

from __future__ import annotations

import hashlib
import io
import struct
import uuid
import zipfile

from django.conf import settings
from django.db import transaction

from kechuang.core import files as private_files
from kechuang.core.jobs import enqueue
from kechuang.core.uploads import UploadRefused, check_ooxml, check_zip_package
from kechuang.documents.pdf import PdfUnavailable, convert_to_pdf

from .choices import PreviewStatus, ReportAction
from .models import Evidence, TaskReport
from .services import NotAllowed, WorkflowError, _check_editable, _check_open, _event, _lock

ALLOWED = {
    "pdf": "application/pdf",
    "jpg": "image/jpeg",
    "png": "image/png",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "doc": "application/msword",
    "xls": "application/vnd.ms-excel",
    "wps": "application/wps-office.wps",
    "et": "application/wps-office.et",
    "ofd": "application/ofd",
}
ACCEPTED_HINT = "PDF、JPG、PNG、Word（DOC、DOCX）、Excel（XLS、XLSX）、WPS 文字（WPS）、WPS 表格（ET）、OFD"
_OOXML_MAIN = {
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml",
}
# LibreOffice picks its import filter by suffix: WPS files are Word/Excel binary files under another name.
_PREVIEW_SUFFIX = {"doc": ".doc", "wps": ".doc", "docx": ".docx", "xls": ".xls", "et": ".xls", "xlsx": ".xlsx"}
PREVIEW_TIMEOUT = 120  # seconds; a file LibreOffice cannot open in that time gets no preview

OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_END = 0xFFFFFFFA  # sector ids from here up are markers (end of chain, free, FAT, DIFAT)


class EvidenceRejected(WorkflowError):
    status_code = 422


def ole2_root_entries(data: bytes) -> set[str]:
    """Names of the entries in the root storage of an OLE2 compound file (e.g. "WordDocument", "Workbook"), or an
    empty set when ``data`` is not a well-formed one. Bounded on every chain, so a crafted file cannot loop."""
    if len(data) < 512 or not data.startswith(OLE2_MAGIC):
        return set()
    try:
        shift = struct.unpack_from("<H", data, 0x1E)[0]
        if shift not in (9, 12):
            return set()
        size = 1 << shift
        n_sectors = len(data) // size

        def sector(sid: int) -> bytes:
            if sid >= n_sectors - 1:
                raise ValueError("sector out of range")
            return data[(sid + 1) * size:(sid + 2) * size]

        n_fat, first_dir = struct.unpack_from("<II", data, 0x2C)
        first_difat, n_difat = struct.unpack_from("<II", data, 0x44)
        fat_sids = list(struct.unpack_from("<109I", data, 0x4C))
        sid = first_difat
        for _ in range(min(n_difat, n_sectors)):
            if sid >= _END:
                break
            ids = struct.unpack(f"<{size // 4}I", sector(sid))
            fat_sids.extend(ids[:-1])
            sid = ids[-1]
        fat_sids = [s for s in fat_sids if s < _END][:n_fat]
        fat = struct.unpack(f"<{len(fat_sids) * size // 4}I", b"".join(sector(s) for s in fat_sids))
        entries, sid, seen = [], first_dir, set()
        while sid < _END and sid not in seen and sid < len(fat):
            seen.add(sid)
            block = sector(sid)
            entries.extend(block[i:i + 128] for i in range(0, size, 128))
            sid = fat[sid]
        if not entries or entries[0][0x42] != 5:  # entry 0 must be the root storage
            return set()
        names, stack, visited = set(), [struct.unpack_from("<I", entries[0], 0x4C)[0]], set()
        while stack:
            i = stack.pop()
            if i >= len(entries) or i in visited:
                continue
            visited.add(i)
            entry = entries[i]
            length = struct.unpack_from("<H", entry, 0x40)[0]
            if 2 <= length <= 64:
                names.add(entry[:length - 2].decode("utf-16-le", "replace"))
            stack.extend(struct.unpack_from("<II", entry, 0x44))  # left and right siblings, not children
        return names
    except (struct.error, ValueError, IndexError):
        return set()


def _extension(name: str) -> str:
    return name.rsplit(".", 1)[-1].lower() if "." in name else ""


def sniff(data: bytes, name: str = "") -> str | None:
    """The file's real kind from its content, or None when it is not an allowed kind. The name only tells apart
    formats that share a container: WPS 文字 (.wps) from Word (.doc), WPS 表格 (.et) from Excel (.xls)."""
    if data.startswith(b"%PDF-"):
        return "pdf"
    if data.startswith(b"\xff\xd8\xff"):
        return "jpg"
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if data.startswith(OLE2_MAGIC):
        entries = ole2_root_entries(data)
        if "WordDocument" in entries:
            return "wps" if _extension(name) == "wps" else "doc"
        if "Workbook" in entries or "Book" in entries:
            return "et" if _extension(name) == "et" else "xls"
        return None
    if data.startswith(b"PK\x03\x04"):
        try:
            with zipfile.ZipFile(io.BytesIO(data)) as zf:
                names = set(zf.namelist())
                if "OFD.xml" in names:
                    return "ofd"
                types = zf.read("[Content_Types].xml").decode("utf-8", "replace")
        except (zipfile.BadZipFile, KeyError, OSError, RuntimeError, ValueError):
            return None
        for kind, main in _OOXML_MAIN.items():
            if f'ContentType="{main}"' in types:
                return kind
    return None


def _read_upload(uploaded) -> bytes:
    limit = settings.EVIDENCE_MAX_BYTES
    size = getattr(uploaded, "size", None)
    if size is not None and size > limit:
        raise EvidenceRejected(f"文件超过大小上限（{limit // (1024 * 1024)} MB）")
    chunks, total = [], 0
    for chunk in uploaded.chunks() if hasattr(uploaded, "chunks") else [uploaded.read()]:
        total += len(chunk)
        if total > limit:
            raise EvidenceRejected(f"文件超过大小上限（{limit // (1024 * 1024)} MB）")
        chunks.append(chunk)
    return b"".join(chunks)


def add_evidence(report: TaskReport, *, user, uploaded) -> Evidence:
    """Attach a file to an editable task report (draft or returned, period open)."""
    data = _read_upload(uploaded)
    if not data:
        raise EvidenceRejected("文件为空")
    original = (getattr(uploaded, "name", "") or "").replace("\\", "/").rsplit("/", 1)[-1][:200]
    kind = sniff(data, original)
    if kind is None:
        raise EvidenceRejected(f"文件类型不允许：仅支持 {ACCEPTED_HINT}（按文件内容识别，改扩展名无效）")
    try:  # the shared upload guard: a zip-based file must not be a bomb or carry XML entities
        if kind in _OOXML_MAIN:
            check_ooxml(data, kind=kind)
        elif kind == "ofd":
            check_zip_package(data, kind="ofd", required="OFD.xml")
    except UploadRefused as exc:
        raise EvidenceRejected(str(exc)) from exc
    original = original or f"附件.{kind}"
    stem = original.rsplit(".", 1)[0] if "." in original else original
    original = f"{stem}.{kind}"  # the name carries the real type
    if kind in _PREVIEW_SUFFIX:
        preview = PreviewStatus.PENDING
    elif kind == "ofd":
        preview = PreviewStatus.UNAVAILABLE
    else:
        preview = PreviewStatus.NONE
    stored = uuid.uuid4().hex
    with transaction.atomic():
        row = _lock(report)
        if not user.has_perm("reporting.edit_taskreport", row):
            raise NotAllowed("无权为该报告上传佐证材料")
        _check_editable(row)
        _check_open(row)
        name = private_files.save(f"evidence/{stored}", data)
        try:
            evidence = Evidence.objects.create(
                task_report=row, stored_name=stored, original_name=original, content_type=ALLOWED[kind],
                size=len(data), sha256=hashlib.sha256(data).hexdigest(), uploaded_by=user, preview_status=preview,
            )
            _event(row, ReportAction.EVIDENCE_ADDED, user, detail={"file": original, "size": len(data)})
        except Exception:
            private_files.delete(name)
            raise
        if preview == PreviewStatus.PENDING:
            enqueue("kechuang.reporting.evidence.build_preview", evidence.pk, group="evidence-preview")
    return evidence


def delete_evidence(evidence: Evidence, *, user) -> None:
    with transaction.atomic():
        row = _lock(evidence.task_report)
        if not user.has_perm("reporting.edit_taskreport", row):
            raise NotAllowed("无权删除该佐证材料")
        _check_editable(row)
        _check_open(row)
        names = [evidence.storage_name, _preview_name(evidence)]
        name = evidence.original_name
        evidence.delete()
        _event(row, ReportAction.EVIDENCE_REMOVED, user, detail={"file": name})
        # A preview job still running for it may write its PDF afterwards; it checks the row and removes it.
        transaction.on_commit(lambda: [private_files.delete(n) for n in names])


def _preview_name(evidence: Evidence) -> str:
    return f"{evidence.storage_name}.pdf"


def build_preview(evidence_id: int) -> str:
    """Task-worker job: the PDF preview of a Word/Excel/WPS evidence file. Idempotent (a preview that is no longer
    pending is left alone); a file LibreOffice cannot convert is marked failed with a Chinese reason, not retried."""
    evidence = Evidence.objects.filter(pk=evidence_id).first()
    if evidence is None or evidence.preview_status != PreviewStatus.PENDING:
        return evidence.preview_status if evidence else "gone"
    pending = Evidence.objects.filter(pk=evidence_id, preview_status=PreviewStatus.PENDING)
    suffix = _PREVIEW_SUFFIX.get(_extension(evidence.original_name), ".doc")
    try:
        pdf = convert_to_pdf(private_files.read(evidence.storage_name), suffix, timeout=PREVIEW_TIMEOUT)
    except FileNotFoundError:
        pending.update(preview_status=PreviewStatus.FAILED, preview_error="原文件缺失")
        return PreviewStatus.FAILED
    except PdfUnavailable as exc:
        # The reason without LibreOffice's own (English) output.
        reason = str(exc).split("：", 1)[0]
        if reason == "PDF 转换失败":
            reason = "文件无法转换，可能已加密或已损坏"
        pending.update(preview_status=PreviewStatus.FAILED, preview_error=reason[:300])
        return PreviewStatus.FAILED
    name = _preview_name(evidence)
    private_files.delete(name)  # left by an attempt that died before recording it
    private_files.save(name, pdf)
    updated = pending.update(preview_status=PreviewStatus.READY, preview_name=name, preview_error="")
    if not updated and not Evidence.objects.filter(pk=evidence_id).exists():
        private_files.delete(name)  # the evidence was deleted while its preview was being made
    return PreviewStatus.READY
