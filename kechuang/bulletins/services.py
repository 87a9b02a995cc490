"""Bulletin workflow: draft → (edit narrative) → issue. Every change is checked, atomic and audited.

    draft_bulletin(plan, year, quarter)   creates or refreshes the draft (data as of the quarter end)
    update_narrative(bulletin, ...)       the office edits the summary and next steps (draft only)
    issue_bulletin(bulletin, user)        numbers it (第N期 per plan and year), freezes the data
                                          snapshot, stores the .docx privately, audits
"""

from __future__ import annotations

import datetime as dt
import logging
import uuid

from django.db import transaction
from django.db.models import Max
from django.urls import reverse
from django.utils import timezone

from kechuang.accounts.models import Role
from kechuang.audit.services import record_event
from kechuang.core import files as private_files
from kechuang.core.concurrency import ConflictError, save_with_version
from kechuang.core.fingerprint import read_scope
from kechuang.core.jobs import enqueue, fail_dead, runner_id
from kechuang.documents.pdf import PdfUnavailable, docx_to_pdf
from kechuang.notices.models import NoticeKind
from kechuang.notices.services import notify

from . import compose
from .models import Bulletin, BulletinStatus

logger = logging.getLogger(__name__)


class BulletinError(Exception):
    """A forbidden action on a bulletin (Chinese message)."""

    status_code = 409

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


def _require_office(user, perm: str, obj=None) -> None:
    """The office's actions (declared in bulletins/rules.py)."""
    if user is None or not user.has_perm(perm, obj):
        raise BulletinError("只有领导小组办公室可以编制和印发通报")


def previous_issued(plan, year: int, quarter: int) -> Bulletin | None:
    """The last bulletin issued before this quarter (for the change in rank)."""
    qs = Bulletin.objects.filter(plan=plan, status=BulletinStatus.ISSUED).exclude(year=year, quarter=quarter)
    earlier = [b for b in qs if (b.year, b.quarter) < (year, quarter)]
    return max(earlier, key=lambda b: (b.year, b.quarter)) if earlier else None


def build_snapshot(plan, year: int, quarter: int, as_of: dt.date) -> dict:
    prev = previous_issued(plan, year, quarter)
    with read_scope():  # the plan's structure is read once for all the sections (a POST has no request memo)
        snapshot = compose.collect(plan, as_of, previous=prev.snapshot if prev else None)
    snapshot["previous_bulletin"] = (
        {"id": prev.pk, "issue_label": prev.issue_label, "quarter": prev.quarter_code} if prev else None
    )
    return snapshot


def draft_bulletin(plan, year: int, quarter: int, *, user, as_of: dt.date | None = None) -> Bulletin:
    """Create the quarter's draft, or refresh the data of an existing draft (narrative kept)."""
    _require_office(user, "bulletins.draft_bulletin")
    if quarter not in (1, 2, 3, 4):
        raise BulletinError("季度应为 1–4")
    as_of = as_of or compose.quarter_end(year, quarter)
    with transaction.atomic():
        bulletin = Bulletin.objects.select_for_update().filter(plan=plan, year=year, quarter=quarter).first()
        if bulletin is not None and bulletin.is_issued:
            raise BulletinError(f"{bulletin}已印发，不能重新生成")
        snapshot = build_snapshot(plan, year, quarter, as_of)
        if bulletin is None:
            highlights, problems = compose.default_picks(snapshot)
            bulletin = Bulletin.objects.create(
                plan=plan, year=year, quarter=quarter, as_of=as_of, snapshot=snapshot,
                summary=compose.draft_summary(snapshot), highlights=highlights, problems=problems,
                next_steps=compose.draft_next_steps(snapshot),
            )
            action = "bulletin.draft"
        else:
            bulletin.as_of = as_of
            bulletin.snapshot = snapshot
            save_with_version(bulletin, bulletin.version, ["as_of", "snapshot"])
            action = "bulletin.refresh"
        record_event(action, user=user, obj=bulletin, detail={"quarter": bulletin.quarter_code,
                                                               "as_of": as_of.isoformat()})
    return bulletin


MAX_ITEMS = 8  # highlights or problems in one bulletin
MAX_ITEM_CHARS = 300


def _picked(items, label: str) -> list[dict]:
    """[{"key", "text"}] from the office's picks, in their order; checked, scrubbed."""
    out = []
    for item in items or []:
        text = compose.scrub(str(item.get("text", "")).strip())
        if not text:
            continue
        if len(text) > MAX_ITEM_CHARS:
            raise BulletinError(f"{label}第{len(out) + 1}条超过{MAX_ITEM_CHARS}字，请精简")
        out.append({"key": str(item.get("key", ""))[:80], "text": text})
    if len(out) > MAX_ITEMS:
        raise BulletinError(f"{label}最多选{MAX_ITEMS}条（已选{len(out)}条）")
    return out


def update_narrative(bulletin: Bulletin, *, user, summary: str, next_steps: str, version: int,
                     highlights: list[dict] | None = None, problems: list[dict] | None = None) -> Bulletin:
    """The office's edits of a draft: 总体情况, the highlights and problems picked from the
    candidates (reordered, reworded), 下步工作. ``None`` leaves a list as it is."""
    _require_office(user, "bulletins.edit_bulletin", bulletin)
    with transaction.atomic():
        current = Bulletin.objects.select_for_update().get(pk=bulletin.pk)
        if current.is_issued:
            raise BulletinError("通报已印发，不能修改")
        current.summary = compose.scrub(summary.strip())[:5000]
        current.next_steps = compose.scrub(next_steps.strip())[:5000]
        fields = ["summary", "next_steps"]
        if highlights is not None:
            current.highlights = _picked(highlights, "工作亮点")
            fields.append("highlights")
        if problems is not None:
            current.problems = _picked(problems, "存在问题")
            fields.append("problems")
        save_with_version(current, version, fields)
        record_event("bulletin.edit", user=user, obj=current)
    return current


def meta_for(bulletin: Bulletin, date: dt.date | None = None) -> dict:
    plan = bulletin.plan
    office = plan.office_unit
    issuer = plan.setting("bulletin_issuer") or (office.full_name or office.name if office else plan.issuer)
    return {
        "year": bulletin.year, "quarter": bulletin.quarter, "issue_label": bulletin.issue_label,
        "issuer": issuer, "header_title": plan.setting("bulletin_header") or compose.DEFAULT_HEADER_TITLE,
        "date": date or (timezone.localtime(bulletin.issued_at).date() if bulletin.issued_at else bulletin.as_of),
        "summary": bulletin.summary, "next_steps": bulletin.next_steps,
        "highlights": bulletin.highlights if bulletin.pk else None,
        "problems": bulletin.problems if bulletin.pk else None,
    }


def render(bulletin: Bulletin, charts: bool = True) -> bytes:
    return compose.render_docx(bulletin.snapshot, meta_for(bulletin), fonts=bulletin.plan.setting("bulletin_fonts"),
                               charts=charts)


def issue_bulletin(bulletin: Bulletin, *, user, version: int | None = None, now=None) -> Bulletin:
    """Number the bulletin, freeze its data as of ``as_of``, store the .docx; audited."""
    _require_office(user, "bulletins.issue_bulletin", bulletin)
    now = now or timezone.now()
    with transaction.atomic():
        current = (Bulletin.objects.select_for_update(of=("self",)).select_related("plan", "plan__office_unit")
                   .get(pk=bulletin.pk))
        if current.is_issued:
            raise BulletinError("通报已印发")
        if version is not None and version != current.version:
            raise ConflictError()
        # Serialise numbering per plan: lock the plan's bulletins of the year.
        list(Bulletin.objects.select_for_update().filter(plan=current.plan, year=current.year).values_list("pk"))
        last = Bulletin.objects.filter(plan=current.plan, year=current.year).aggregate(n=Max("issue_no"))["n"]
        current.issue_no = (last or 0) + 1
        current.snapshot = build_snapshot(current.plan, current.year, current.quarter, current.as_of)
        current.status = BulletinStatus.ISSUED
        current.issued_at = now
        current.issued_by = user
        data = render(current)
        name = f"{uuid.uuid4().hex}.docx"
        key = current.file_key(name)
        private_files.save(key, data)
        try:
            current.docx_name = name
            save_with_version(current, current.version,
                              ["issue_no", "snapshot", "status", "issued_at", "issued_by", "docx_name"])
            record_event("bulletin.issue", user=user, obj=current,
                         detail={"issue": current.issue_label, "quarter": current.quarter_code, "file": name})
            # Leaders read the issued bulletin; they belong to no reporting unit, so they are addressed by role.
            notify(NoticeKind.BULLETIN_ISSUED, plan=current.plan, roles=[Role.LEADER],
                   title=f"{current}（{current.issue_label}）已印发",
                   link=reverse("bulletins:bulletin_detail", args=[current.pk]),
                   key=f"bulletin-issued:{current.pk}")
        except Exception:
            private_files.delete(key)  # nothing half-written: no stored document without its issued row
            raise
    return current


def docx_bytes(bulletin: Bulletin) -> bytes:
    """The stored document of an issued bulletin; a draft is rendered from its current snapshot."""
    if bulletin.is_issued and bulletin.docx_name:
        return private_files.read(bulletin.file_key(bulletin.docx_name))
    return render(bulletin)


def pdf_bytes(bulletin: Bulletin) -> bytes:
    """PDF through LibreOffice; cached next to the stored .docx for issued bulletins."""
    if bulletin.is_issued and bulletin.pdf_name:
        try:
            return private_files.read(bulletin.file_key(bulletin.pdf_name))
        except FileNotFoundError:
            pass  # regenerated below
    data = docx_to_pdf(docx_bytes(bulletin))
    if bulletin.is_issued:
        name = f"{uuid.uuid4().hex}.pdf"
        private_files.save(bulletin.file_key(name), data)
        Bulletin.objects.filter(pk=bulletin.pk).update(pdf_name=name)
        bulletin.pdf_name = name
    return data


# ------------------------------------------------------------------------------ PDF through the task worker

PDF_QUEUED, PDF_RUNNING, PDF_FAILED = "queued", "running", "failed"
PDF_INTERRUPTED = "PDF 生成被中断（服务器重启或任务进程退出），请重新生成"


def pdf_ready(bulletin: Bulletin) -> bool:
    """Whether a stored PDF matches the bulletin (an issued one is frozen; a draft's must be of its version)."""
    if not bulletin.pdf_name or not private_files.private_storage().exists(bulletin.file_key(bulletin.pdf_name)):
        return False
    return bulletin.is_issued or bulletin.pdf_version == bulletin.version


def stored_pdf(bulletin: Bulletin) -> bytes:
    return private_files.read(bulletin.file_key(bulletin.pdf_name))


def request_pdf(bulletin: Bulletin) -> Bulletin:
    """Enqueue the PDF of the bulletin's current version unless it is ready or already on its way (idempotent)."""
    with transaction.atomic():
        current = Bulletin.objects.select_for_update(of=("self",)).get(pk=bulletin.pk)
        waiting = current.pdf_state in (PDF_QUEUED, PDF_RUNNING) and current.pdf_version == current.version
        if not pdf_ready(current) and not waiting:
            Bulletin.objects.filter(pk=current.pk).update(pdf_state=PDF_QUEUED, pdf_error="",
                                                          pdf_version=current.version)
            enqueue("kechuang.bulletins.jobs.make_pdf", current.pk, current.version,
                    name=f"bulletin-pdf-{current.pk}-{current.version}", group="bulletin-pdf")
    return Bulletin.objects.select_related("plan", "plan__office_unit").get(pk=bulletin.pk)


def make_pdf(pk: int, version: int) -> None:
    """The task: convert the bulletin (as of ``version``) to PDF and store it; a job for an outdated draft version
    or an already made PDF does nothing. A failure is kept as a Chinese message for the page."""
    bulletin = Bulletin.objects.select_related("plan", "plan__office_unit").filter(pk=pk).first()
    if bulletin is None or pdf_ready(bulletin) or (not bulletin.is_issued and bulletin.version != version):
        return
    Bulletin.objects.filter(pk=pk).update(pdf_state=PDF_RUNNING, pdf_runner=runner_id(), pdf_started=timezone.now())
    try:
        data = docx_to_pdf(docx_bytes(bulletin))
    except PdfUnavailable as exc:
        Bulletin.objects.filter(pk=pk).update(pdf_state=PDF_FAILED, pdf_error=str(exc)[:300])
        return
    except Exception as exc:  # noqa: BLE001 - the page shows a message, never a job stuck "running"
        logger.exception("bulletin %s: PDF failed", pk)
        Bulletin.objects.filter(pk=pk).update(pdf_state=PDF_FAILED, pdf_error=f"PDF 生成失败（{type(exc).__name__}）")
        return
    name = f"{uuid.uuid4().hex}.pdf"
    private_files.save(bulletin.file_key(name), data)
    old = bulletin.pdf_name
    Bulletin.objects.filter(pk=pk).update(pdf_name=name, pdf_state="", pdf_error="", pdf_version=version)
    if old and old != name:
        private_files.delete(bulletin.file_key(old))


def recover_interrupted_jobs(is_dead) -> int:
    return fail_dead(Bulletin.objects.filter(pdf_state=PDF_RUNNING), is_dead, runner="pdf_runner",
                     clock="pdf_started", failed={"pdf_state": PDF_FAILED, "pdf_error": PDF_INTERRUPTED})


def filename(bulletin: Bulletin, ext: str) -> str:
    return f"{bulletin.plan.code}-{bulletin.quarter_code}-通报.{ext}"
