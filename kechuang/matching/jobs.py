"""Task-queue entry points of matching (run by the django-q2 worker; see kechuang.core.jobs)."""

from __future__ import annotations

from . import engine


def rebuild(kind: str) -> str:
    """Rebuild and store the search index of ``kind`` ("expert" | "achievement"); idempotent."""
    return engine.rebuild_index(kind)


def recover_interrupted_jobs(is_dead) -> int:
    """A worker process starts (kechuang.core.jobs.recover_interrupted): a rebuild asked for earlier may have died
    with the worker that held it, so the next change or search asks again instead of waiting out the job timeout.
    A rebuild is idempotent: one queued twice builds once. No job row is failed, so 0."""
    engine.forget_rebuild_requests()
    return 0
