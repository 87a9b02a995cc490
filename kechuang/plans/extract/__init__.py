"""Plan extraction: a policy document (.docx, .doc, a text-layer PDF or .txt) → a draft plan for review.

Reading is layout-independent (layout.py: wrapped lines joined, tables rebuilt from text); headings are read by
level from the markers present (structure.py); quantities by an open grammar whose units are data
(measures.yaml); what could not be read or placed is reported in ``Extraction.warnings``.

    result = extract_path("plan.docx")
    summary(result)                      # {"tasks": [...], "targets": [...]}
    draft(result, owner=unit, resolver=UnitResolver(unit))  # a kechuang-plan/1 dict for load_plan
"""

from .core import ExtractedTask, Extraction, extract_source
from .output import assign_codes, draft, spans, summary
from .reading import ExtractError, read_docx, read_file, read_text


def extract_path(path) -> Extraction:
    result = extract_source(read_file(path))
    assign_codes(result)
    return result


def extract_text(text: str) -> Extraction:
    result = extract_source(read_text(text))
    assign_codes(result)
    return result


__all__ = [
    "Extraction", "ExtractedTask", "ExtractError", "extract_path", "extract_text", "extract_source", "draft",
    "summary", "spans", "read_docx", "read_file", "read_text", "assign_codes",
]
