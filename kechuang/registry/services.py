"""Registry services: display of rows (with masking), saving one row, import jobs (lists and their filters:
``filtersets.py`` and ``tables.py``).

Import jobs: a small upload (≤ KECHUANG_IMPORT_INLINE_BYTES) is validated within the request. A larger one
goes to the task worker (django-q2, ``kechuang.core.jobs.enqueue``) once the upload's transaction commits. The job
row (``ImportJob``) carries status, progress and the result in the database, so the progress page (polled with
htmx) works from any web node and after a reload. A job whose worker dies is marked failed with a message (see
``recover_interrupted_jobs``); nothing is written outside the single commit transaction.
"""

from __future__ import annotations

import datetime as dt
import logging

from django.conf import settings
from django.db import OperationalError, models, transaction
from django.utils import timezone

from kechuang.audit.services import record_event
from kechuang.core.jobs import INTERRUPTED, enqueue, fail_dead, runner_id
from kechuang.core.scoping import CHANGE, restrict

from .config import RegistryConfig
from .importing import run_import
from .models import ImportJob, ImportStatus

logger = logging.getLogger(__name__)

HIDDEN_FIELDS = {"id_number_enc", "id_hash", "phone_enc", "phone_hash", "initials", "id"}


def can_unmask(user) -> bool:
    return user.has_perm("registry.unmask_talent")


def display_value(obj, name: str, *, unmask: bool = False):
    """A row's field as shown on pages (PII always masked unless ``unmask``)."""
    if name == "id_number":
        return obj.id_number if unmask else obj.id_number_masked
    if name == "phone":
        return obj.phone if unmask else obj.phone_masked
    f = obj._meta.get_field(name)
    value = getattr(obj, name)
    if value is None or value == "":
        return ""
    if f.choices:
        return getattr(obj, f"get_{name}_display")()
    if isinstance(f, models.BooleanField):
        return "是" if value else "否"
    return value


def field_label(cfg: RegistryConfig, name: str) -> str:
    if name == "id_number":
        return "身份证号码"
    if name == "phone":
        return "联系电话"
    return str(cfg.model._meta.get_field(name).verbose_name)


# ------------------------------------------------------------------------------ one row (page and API)


class OutOfScope(PermissionError):
    """The saved row would fall outside what the user may change (e.g. another town's enterprise)."""


def save_row(cfg: RegistryConfig, form, user, *, created: bool, detail: dict | None = None):
    """Save a validated registry form (web page or API): personal data encrypted, the row still within the
    user's scope, one audit event. Raises OutOfScope, or IntegrityError for a duplicate key; nothing is saved."""
    with transaction.atomic():
        obj = form.save(commit=False)
        if form.cleaned_data.get("id_number"):
            obj.set_id_number(form.cleaned_data["id_number"])
        if form.cleaned_data.get("phone"):
            obj.set_phone(form.cleaned_data["phone"])
        obj.save()
        if not restrict(cfg.model.objects.filter(pk=obj.pk), user, CHANGE).exists():
            raise OutOfScope
        record_event("registry.create" if created else "registry.update", obj=obj,
                     detail={"registry": cfg.key, **(detail or {})})
    return obj


# ------------------------------------------------------------------------------ import jobs


def start_import(registry: str, user, filename: str, data: bytes) -> ImportJob:
    job = ImportJob.objects.create(registry=registry, user=user, filename=filename[:200], content=data)
    _run_or_enqueue(job.pk, len(data))
    job.refresh_from_db()
    return job


def _run_or_enqueue(job_id: int, size: int) -> None:
    # A small file is validated within the request (the answer is immediate); anything larger goes to the worker.
    if size <= settings.KECHUANG_IMPORT_INLINE_BYTES:
        process_job(job_id)
    else:
        enqueue("kechuang.registry.jobs.process_import", job_id, name=f"registry-import-{job_id}", group="import")


def purge_import_files(now=None) -> int:
    """Drop the uploaded files of validated jobs never committed within the retention period; returns how many."""
    now = now or timezone.now()
    cutoff = now - dt.timedelta(hours=settings.KECHUANG_IMPORT_RETENTION_HOURS)
    invalid = ImportJob.objects.filter(status=ImportStatus.INVALID, created__lt=cutoff).exclude(content=b"")
    dropped = invalid.update(content=b"")  # the error list stays; only the annotated workbook goes
    return dropped + ImportJob.objects.filter(status=ImportStatus.VALID, created__lt=cutoff).update(
        content=b"", status=ImportStatus.FAILED,
        errors=[{"text": "文件已超过保留期限并已删除，请重新上传后提交"}])


def request_commit(job: ImportJob) -> ImportJob:
    """Commit a validated job (again: the whole file is re-validated inside the commit)."""
    with transaction.atomic():
        job = ImportJob.objects.select_for_update().get(pk=job.pk)
        if job.status != ImportStatus.VALID:
            return job
        job.commit_requested = True
        job.status = ImportStatus.PENDING
        job.progress = 0
        job.attempts = 0
        job.save(update_fields=["commit_requested", "status", "progress", "attempts"])
    _run_or_enqueue(job.pk, len(job.content))
    job.refresh_from_db()
    return job


RUNNING = (ImportStatus.PENDING, ImportStatus.VALIDATING, ImportStatus.COMMITTING)


def _claim(job_id: int) -> ImportJob | None:
    """Mark the job as running in this process; None when it has already ended (a redelivered task is a no-op)
    or has run too often (a job that kills its worker must not kill it forever)."""
    with transaction.atomic():
        job = ImportJob.objects.select_for_update().filter(pk=job_id).first()
        if job is None or job.status not in RUNNING:
            return None
        job.attempts += 1
        if job.attempts > settings.Q_CLUSTER.get("max_attempts", 3):
            _fail(job_id, "导入多次中断，已停止重试，未写入任何数据，请检查文件后重新上传")
            return None
        job.status = ImportStatus.COMMITTING if job.commit_requested else ImportStatus.VALIDATING
        job.progress = 1
        job.runner = runner_id()
        job.heartbeat = timezone.now()
        job.save(update_fields=["attempts", "status", "progress", "runner", "heartbeat"])
    return job


def _fail(job_id: int, text: str) -> None:
    ImportJob.objects.filter(pk=job_id).update(
        status=ImportStatus.FAILED, errors=[{"text": text, "reason": text}], finished=timezone.now(), content=b"",
    )


def recover_interrupted_jobs(is_dead) -> int:
    """Fail the running jobs whose process died (see kechuang.core.jobs); nothing was written (one transaction)."""
    return fail_dead(
        ImportJob.objects.filter(status__in=RUNNING).exclude(runner=""), is_dead, runner="runner", clock="heartbeat",
        failed={"status": ImportStatus.FAILED, "errors": [{"text": INTERRUPTED, "reason": INTERRUPTED}],
                "finished": timezone.now(), "content": b""},
        on_failed=lambda job: logger.warning("registry import job %s interrupted (runner %s): marked failed",
                                             job.pk, job.runner))


def process_job(job_id: int) -> None:
    """Validate (or validate and commit) one import job; idempotent: a job that has ended is left alone."""
    job = _claim(job_id)
    if job is None:
        return
    commit = job.commit_requested
    last = {"pct": 0}

    def progress(pct: int) -> None:
        # Progress is cosmetic: a busy database (e.g. SQLite while a poll reads) must not fail the import.
        if pct - last["pct"] >= 5 or pct == 100:
            last["pct"] = pct
            try:
                ImportJob.objects.filter(pk=job_id).update(progress=pct, heartbeat=timezone.now())
            except OperationalError:
                pass

    try:
        result = run_import(
            job.registry, bytes(job.content), job.user, commit=commit, progress=progress, filename=job.filename
        )
    except Exception:  # noqa: BLE001 - the job must end in a visible state, never a traceback page
        logger.exception("registry import job %s failed", job_id)
        _fail(job_id, "导入失败（系统内部错误，已记录日志，请联系系统管理员），未写入任何数据")
        return
    if not result.ok:
        status = ImportStatus.INVALID
    elif commit:
        status = ImportStatus.DONE
    else:
        status = ImportStatus.VALID
    summary = result.summary()
    summary["preview"] = result.preview
    summary["error_total"] = result.error_count
    summary["row_warnings"] = [w.as_dict() for w in result.row_warnings]
    ImportJob.objects.filter(pk=job_id).update(
        status=status,
        progress=100,
        total_rows=result.total_rows,
        errors=[e.as_dict() for e in result.errors],
        warnings=result.warnings,
        summary=summary,
        finished=timezone.now(),
        # The uploaded file may hold ID and phone numbers in plaintext: it is kept only while a validated job
        # waits for its commit, or an invalid one for its annotated error workbook (and at most
        # KECHUANG_IMPORT_RETENTION_HOURS, see purge_import_files).
        **({} if status in (ImportStatus.VALID, ImportStatus.INVALID) else {"content": b""}),
    )
