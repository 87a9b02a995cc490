"""Task-queue entry points of assessment (run by the django-q2 worker; see kechuang.core.jobs)."""

from __future__ import annotations

from . import services
from .services import recover_interrupted_jobs

__all__ = ["recover_interrupted_jobs", "run_assessment"]


def run_assessment(pk: int) -> None:
    """Compute the draft result (or publish) of an assessment scheme; idempotent."""
    services.run_assessment(pk)
