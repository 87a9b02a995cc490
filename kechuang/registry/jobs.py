"""Task-queue entry points of the registry (run by the django-q2 worker; see kechuang.core.jobs)."""

from __future__ import annotations

from .services import process_job, recover_interrupted_jobs

__all__ = ["process_import", "recover_interrupted_jobs"]


def process_import(job_id: int) -> None:
    """Validate or commit one ImportJob; a redelivered or already finished job is a no-op."""
    process_job(job_id)
