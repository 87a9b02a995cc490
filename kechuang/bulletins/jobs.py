"""Task-queue entry points of bulletins (run by the django-q2 worker; see kechuang.core.jobs)."""

from __future__ import annotations

from . import services
from .services import recover_interrupted_jobs

__all__ = ["make_pdf", "recover_interrupted_jobs"]


def make_pdf(pk: int, version: int) -> None:
    """PDF of a bulletin through LibreOffice, stored beside its .docx; idempotent."""
    services.make_pdf(pk, version)
