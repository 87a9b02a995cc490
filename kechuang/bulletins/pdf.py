"""PDF of a .docx through LibreOffice headless (optional: only when ``soffice`` is installed).

The conversion itself (own profile per call, a file lock, the official font aliases) lives in
``kechuang.core.office`` so evidence previews share it.
"""

from __future__ import annotations

from kechuang.core.office import TIMEOUT_SECONDS, PdfUnavailable, convert_to_pdf, pdf_available, soffice_path

__all__ = ["PdfUnavailable", "docx_to_pdf", "pdf_available", "soffice_path"]


def docx_to_pdf(docx_bytes: bytes, timeout: int = TIMEOUT_SECONDS) -> bytes:
    return convert_to_pdf(docx_bytes, ".docx", timeout=timeout)
