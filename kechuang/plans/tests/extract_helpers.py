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


_W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"


def add_chinese_numbering(document) -> str:
    """Add a list definition 一、 / （一） / 1. (as Word's 中文编号 does) and return its numId."""
    from docx.oxml import parse_xml

    numbering = document.part.numbering_part.element
    levels = [("chineseCounting", "%1、"), ("chineseCounting", "（%2）"), ("decimal", "%3.")]
    lvl_xml = "".join(
        f'<w:lvl w:ilvl="{i}"><w:start w:val="1"/><w:numFmt w:val="{fmt}"/><w:lvlText w:val="{text}"/></w:lvl>'
        for i, (fmt, text) in enumerate(levels))
    numbering.append(parse_xml(f'<w:abstractNum xmlns:w="{_W}" w:abstractNumId="90">{lvl_xml}</w:abstractNum>'))
    numbering.append(parse_xml(f'<w:num xmlns:w="{_W}" w:numId="90"><w:abstractNumId w:val="90"/></w:num>'))
    return "90"


def set_list_level(paragraph, num_id: str, level: int) -> None:
    from docx.oxml import parse_xml

    ppr = paragraph._p.get_or_add_pPr()
    ppr.insert(0, parse_xml(
        f'<w:numPr xmlns:w="{_W}"><w:ilvl w:val="{level}"/><w:numId w:val="{num_id}"/></w:numPr>'))
