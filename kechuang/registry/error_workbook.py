"""The registry import's annotated error workbook (built in ``kechuang.core.error_workbook``): small files are
annotated in the request, larger ones once by the task worker."""

from __future__ import annotations

from kechuang.core.error_workbook import (  # noqa: F401 - re-exported for the registry views and tests
    BAD_FILL,
    ERROR_SHEET,
    INLINE_BYTES,
    MAX_BYTES,
    ROW_FILL,
    AnnotationUnavailable,
    annotate,
)

from .models import ImportJob, ImportStatus


def annotate_job(job_id: int) -> None:
    """Worker task: replace an invalid job's kept upload with its annotated copy (the original is kept only for
    this), and note it in the summary so the download serves it as is."""
    job = ImportJob.objects.filter(pk=job_id, status=ImportStatus.INVALID).first()
    if job is None or job.summary.get("annotated"):
        return
    try:
        data = annotate(bytes(job.content), job.errors)
    except AnnotationUnavailable as exc:
        ImportJob.objects.filter(pk=job_id).update(summary={**job.summary, "annotating": False,
                                                            "annotation_error": str(exc)})
        return
    ImportJob.objects.filter(pk=job_id, status=ImportStatus.INVALID).update(
        content=data, summary={**job.summary, "annotating": False, "annotated": True})
