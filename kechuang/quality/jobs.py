"""Task-queue entry points of the data-quality check (run by the django-q2 worker; see kechuang.core.jobs)."""

from __future__ import annotations

from .services import check_finished, check_started, recover_interrupted_jobs, run_check

__all__ = ["recover_interrupted_jobs", "run_quality_check"]


def run_quality_check(trigger: str = "import") -> None:
    """One full check; it replaces the previous run, so a repeated delivery only repeats the work."""
    check_started()
    run_check(trigger)
    check_finished(trigger)
