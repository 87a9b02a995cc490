"""Task-queue entry points of plans (run by the django-q2 worker; see kechuang.core.jobs)."""

from __future__ import annotations

from .extract import workflow
from .extract.workflow import recover_interrupted_jobs

__all__ = ["extract_plan", "recover_interrupted_jobs"]


def extract_plan(pk: int) -> None:
    """Extract an uploaded plan document into a draft plan; idempotent."""
    workflow.run_extraction(pk)
