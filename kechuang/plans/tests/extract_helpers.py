"""Helpers for the extractor tests: write .docx files from text with python-docx, compare results."""

from __future__ import annotations

from pathlib import Path

import docx

CORPUS = Path(__file__).resolve().parent / "corpus"
SEED = CORPUS / "guangshui-2022.txt"  # a verbatim copy of shared/seed/guangshui-2022-plan.txt


def seed_text() -> str:
    return SEED.read_text(encoding="utf-8")


def write_docx(path: Path, lines: list[str], tables: dict[int, list[list[str]]] | None = None) -> Path:
    """One paragraph per line; ``tables[i]`` is inserted before line i (rows of cell texts)."""
    document = docx.Document()
    tables = tables or {}
    for index, line in enumerate(lines + [""]):
        if index in tables:
            rows = tables[index]
            table = document.add_table(rows=len(rows), cols=len(rows[0]))
            for r, row in enumerate(rows):
                for c, cell in enumerate(row):
                    table.cell(r, c).text = cell
        if index < len(lines):
            document.add_paragraph(line)
    document.save(path)
    return path


def target_tuples(summary: dict) -> list[tuple]:
    return sorted((str(t["value"]), t["unit"], t["comparator"], t["task"] or "") for t in summary["targets"])
