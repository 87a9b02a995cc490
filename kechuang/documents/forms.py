"""One-page A4 forms (督办单, 会议纪要) with the GB/T 9704 margins and line pitch, built paragraph by
paragraph; the full 公文 layout (版头, headings, page numbers) is ``gbt9704.OfficialDocument``."""

from __future__ import annotations

import io

from docx import Document
from docx.enum.text import WD_LINE_SPACING
from docx.oxml.ns import qn
from docx.shared import Mm, Pt


def a4_document():
    """An empty A4 document with the GB/T 9704 margins (the 督办单 and 会议纪要 are one-page forms)."""
    doc = Document()
    normal = doc.styles["Normal"].paragraph_format
    normal.space_before = normal.space_after = Pt(0)
    normal.line_spacing_rule = WD_LINE_SPACING.EXACTLY
    normal.line_spacing = Pt(28.95)  # 22 lines a page, as GB/T 9704
    section = doc.sections[0]
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.top_margin, section.bottom_margin = Mm(37), Mm(35)
    section.left_margin, section.right_margin = Mm(28), Mm(26)
    return doc


def para(doc, text, size=16, bold=False, align=None, font="仿宋_GB2312", indent=False):
    p = doc.add_paragraph()
    if align is not None:
        p.alignment = align
    if indent:
        p.paragraph_format.first_line_indent = Pt(size * 2)
    run = p.add_run(text)
    run.font.size = Pt(size)
    run.bold = bold
    run.font.name = font
    run._element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), font)
    return p


def table(doc, headers, rows, widths_mm, size=12):
    """A grid table in 仿宋 小4, single-spaced cells, fixed column widths (mm)."""
    table = doc.add_table(rows=0, cols=len(headers))
    table.style = "Table Grid"
    table.autofit = False
    for values, bold in [(headers, True)] + [(r, False) for r in rows]:
        cells = table.add_row().cells
        for cell, value, width in zip(cells, values, widths_mm, strict=True):
            cell.width = Mm(width)
            p = cell.paragraphs[0]
            p.paragraph_format.line_spacing_rule = WD_LINE_SPACING.SINGLE
            run = p.add_run(value)
            run.font.size, run.bold = Pt(size), bold
            run.font.name = "黑体" if bold else "仿宋_GB2312"
            run._element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), run.font.name)
    for column, width in zip(table.columns, widths_mm, strict=True):
        column.width = Mm(width)  # LibreOffice reads the grid columns
    return table


def to_bytes(doc) -> bytes:
    buffer = io.BytesIO()
    doc.save(buffer)
    return buffer.getvalue()
