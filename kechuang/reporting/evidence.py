"""Evidence files: type checked by content (magic bytes), size-limited, stored outside the web root
under random names, downloaded only through an authorised view."""

from __future__ import annotations

import hashlib
import io
import uuid
import zipfile

from django.conf import settings
from django.db import transaction

from kechuang.core.uploads import UploadRefused, check_ooxml

from .choices import ReportAction
from .models import Evidence, TaskReport
from .services import NotAllowed, WorkflowError, _check_editable, _check_open, _event, _lock, can_edit

ALLOWED = {
    "pdf": "application/pdf",
    "jpg": "image/jpeg",
    "png": "image/png",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
_OOXML_MAIN = {
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml",
}


class EvidenceRejected(WorkflowError):
    status_code = 422


def sniff(data: bytes) -> str | None:
    """The file's real kind from its content, or None when it is not an allowed kind."""
    if data.startswith(b"%PDF-"):
        return "pdf"
    if data.startswith(b"\xff\xd8\xff"):
        return "jpg"
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if data.startswith(b"PK\x03\x04"):
        try:
            with zipfile.ZipFile(io.BytesIO(data)) as zf:
                types = zf.read("[Content_Types].xml").decode("utf-8", "replace")
        except (zipfile.BadZipFile, KeyError, OSError, RuntimeError, ValueError):
            return None
        for kind, main in _OOXML_MAIN.items():
            if f'ContentType="{main}"' in types:
                return kind
    return None


def evidence_dir():
    path = settings.PRIVATE_FILES_DIR / "evidence"
    path.mkdir(parents=True, exist_ok=True)
    return path


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
    kind = sniff(data)
    if kind is None:
        raise EvidenceRejected("文件类型不允许：仅支持 PDF、JPG、PNG、DOCX、XLSX（按文件内容识别，改扩展名无效）")
    if kind in _OOXML_MAIN:
        try:  # the shared upload guard: an Office file is a zip that must not be a bomb or carry entities
            check_ooxml(data, kind=kind)
        except UploadRefused as exc:
            raise EvidenceRejected(str(exc)) from exc
    original = (getattr(uploaded, "name", "") or f"附件.{kind}").replace("\\", "/").rsplit("/", 1)[-1][:200]
    stem = original.rsplit(".", 1)[0] if "." in original else original
    original = f"{stem}.{kind}"  # the name carries the real type
    stored = uuid.uuid4().hex
    path = evidence_dir() / stored
    with transaction.atomic():
        row = _lock(report)
        if not can_edit(user, row):
            raise NotAllowed("无权为该报告上传佐证材料")
        _check_editable(row)
        _check_open(row)
        path.write_bytes(data)
        try:
            evidence = Evidence.objects.create(
                task_report=row, stored_name=stored, original_name=original, content_type=ALLOWED[kind],
                size=len(data), sha256=hashlib.sha256(data).hexdigest(), uploaded_by=user,
            )
            _event(row, ReportAction.EVIDENCE_ADDED, user, detail={"file": original, "size": len(data)})
        except Exception:
            path.unlink(missing_ok=True)
            raise
    return evidence


def delete_evidence(evidence: Evidence, *, user) -> None:
    with transaction.atomic():
        row = _lock(evidence.task_report)
        if not can_edit(user, row):
            raise NotAllowed("无权删除该佐证材料")
        _check_editable(row)
        _check_open(row)
        path = evidence.path
        name = evidence.original_name
        evidence.delete()
        _event(row, ReportAction.EVIDENCE_REMOVED, user, detail={"file": name})
        transaction.on_commit(lambda: path.unlink(missing_ok=True))
