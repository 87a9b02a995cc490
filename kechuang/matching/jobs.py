"""Task-queue entry points of matching (run by the django-q2 worker; see kechuang.core.jobs)."""

from __future__ import annotations

from . import engine


def rebuild(kind: str) -> str:
    """Rebuild and store the search index of ``kind`` ("expert" | "achievement"); idempotent."""
    return engine.rebuild_index(kind)
