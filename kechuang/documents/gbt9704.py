"""A python-docx builder for documents in the GB/T 9704-2012 《党政机关公文格式》 layout.

A4; margins top 37 mm, bottom 35 mm, left 28 mm, right 26 mm (text block 156 × 225 mm);
22 lines of 28 characters (fixed 28.95 pt line spacing on a line grid, characters condensed
to a 15.6 pt pitch); title 2号 方正小标宋简体 centred; body 3号 仿宋_GB2312;
headings 一、 黑体, （一） 楷体_GB2312, 1. and （1） 仿宋_GB2312;
page numbers "— 1 —" in 4号 宋体 at the outer edge (odd pages right, even pages left).

python-docx writes only ``w:ascii``/``w:hAnsi`` for a font name; Word and WPS pick the font of
Chinese text from ``w:eastAsia``, so every run (and the Normal style) gets it explicitly.
Font names are configurable (``FONTS`` or the ``fonts`` argument) because some offices only have
仿宋 and 楷体.
"""

from __future__ import annotations

import copy
import datetime as dt
import io

from docx import Document
from docx.enum.section import WD_SECTION
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING, WD_TAB_ALIGNMENT
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt, RGBColor

# Chinese type sizes (字号) in points.
SIZE_2 = 22.0  # 2号
SIZE_3 = 16.0  # 3号
SIZE_4 = 14.0  # 4号
SIZE_SMALL_4 = 12.0  # 小4号

FONTS = {
    "title": "方正小标宋简体",
    "body": "仿宋_GB2312",
    "h1": "黑体",
    "h2": "楷体_GB2312",
    "h3": "仿宋_GB2312",
    "h4": "仿宋_GB2312",
    "page_number": "宋体",
    "table": "仿宋_GB2312",
    "header": "方正小标宋简体",
}

PAGE_WIDTH_MM = 210
PAGE_HEIGHT_MM = 297
MARGINS_MM = {"top": 37, "bottom": 35, "left": 28, "right": 26}
LINES_PER_PAGE = 22
CHARS_PER_LINE = 28
# Text block height 225 mm = 637.8 pt over 22 lines.
LINE_PITCH_PT = 28.95
TABLE_FONT_SIZE = SIZE_SMALL_4
CHAR_CONDENSE_TWIPS = -8  # −0.4 pt per character: 28 characters of 3号 per 156 mm line
RED = RGBColor(0xFF, 0x00, 0x00)

CN_DIGITS = "零一二三四五六七八九"


def cn_number(n: int) -> str:
    """1 → 一, 10 → 十, 12 → 十二, 21 → 二十一 (enough for heading numbers)."""
    if n < 10:
        return CN_DIGITS[n]
    tens, ones = divmod(n, 10)
    return ("" if tens == 1 else CN_DIGITS[tens]) + "十" + (CN_DIGITS[ones] if ones else "")


def serial(level: int, n: int) -> str:
    """The serial mark of heading ``level`` (1..4) number ``n``: 一、 （一） 1. （1）."""
    if level == 1:
        return f"{cn_number(n)}、"
    if level == 2:
        return f"（{cn_number(n)}）"
    if level == 3:
        return f"{n}."
    return f"（{n}）"


def cn_date(day: dt.date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


def set_run_font(run, name: str, size_pt: float | None = None, bold: bool | None = None, color=None) -> None:
    """Set the font of a run for Latin AND East-Asian text."""
    run.font.name = name
    rpr = run._element.get_or_add_rPr()
    rfonts = rpr.get_or_add_rFonts()
    rfonts.set(qn("w:eastAsia"), name)
    rfonts.set(qn("w:ascii"), name)
    rfonts.set(qn("w:hAnsi"), name)
    if size_pt is not None:
        run.font.size = Pt(size_pt)
    if bold is not None:
        run.font.bold = bold
    if color is not None:
        run.font.color.rgb = color


def _set_style_font(style, name: str, size_pt: float) -> None:
    style.font.name = name
    style.font.size = Pt(size_pt)
    rpr = style.element.get_or_add_rPr()
    rfonts = rpr.get_or_add_rFonts()
    rfonts.set(qn("w:eastAsia"), name)


def _exact_spacing(paragraph, pitch_pt: float = LINE_PITCH_PT) -> None:
    fmt = paragraph.paragraph_format
    fmt.line_spacing_rule = WD_LINE_SPACING.EXACTLY
    fmt.line_spacing = Pt(pitch_pt)
    fmt.space_before = Pt(0)
    fmt.space_after = Pt(0)


# Schema order of w:pPr children that follow w:snapToGrid / w:pBdr (Word rejects out-of-order XML).
_PPR_AFTER_SNAP = (
    "w:spacing", "w:ind", "w:contextualSpacing", "w:mirrorIndents", "w:suppressOverlap", "w:jc",
    "w:textDirection", "w:textAlignment", "w:textboxTightWrap", "w:outlineLvl", "w:divId", "w:cnfStyle",
    "w:rPr", "w:sectPr", "w:pPrChange",
)
_PPR_AFTER_PBDR = (
    "w:shd", "w:tabs", "w:suppressAutoHyphens", "w:kinsoku", "w:wordWrap", "w:overflowPunct", "w:topLinePunct",
    "w:autoSpaceDE", "w:autoSpaceDN", "w:bidi", "w:adjustRightInd", "w:snapToGrid", *_PPR_AFTER_SNAP,
)


def _no_grid(paragraph) -> None:
    """Larger or smaller type than 3号 must not snap to the 28-character grid (it would take two cells)."""
    ppr = paragraph._p.get_or_add_pPr()
    snap = OxmlElement("w:snapToGrid")
    snap.set(qn("w:val"), "0")
    ppr.insert_element_before(snap, *_PPR_AFTER_SNAP)


def _bottom_border(paragraph, color: str = "FF0000", size_eighths: int = 12) -> None:
    ppr = paragraph._p.get_or_add_pPr()
    pbdr = OxmlElement("w:pBdr")
    bottom = OxmlElement("w:bottom")
    bottom.set(qn("w:val"), "single")
    bottom.set(qn("w:sz"), str(size_eighths))
    bottom.set(qn("w:space"), "1")
    bottom.set(qn("w:color"), color)
    pbdr.append(bottom)
    ppr.insert_element_before(pbdr, *_PPR_AFTER_PBDR)


def _add_page_field(paragraph, font: str, size_pt: float) -> None:
    """Append "— PAGE —" with a real PAGE field."""

    def text_run(text):
        run = paragraph.add_run(text)
        set_run_font(run, font, size_pt)
        return run

    text_run("— ")
    for kind in ("begin", None, "separate", "1", "end"):
        run = paragraph.add_run()
        set_run_font(run, font, size_pt)
        if kind in ("begin", "separate", "end"):
            fld = OxmlElement("w:fldChar")
            fld.set(qn("w:fldCharType"), kind)
            run._r.append(fld)
        elif kind is None:
            instr = OxmlElement("w:instrText")
            instr.set(qn("xml:space"), "preserve")
            instr.text = " PAGE "
            run._r.append(instr)
        else:
            t = OxmlElement("w:t")
            t.text = kind
            run._r.append(t)
    text_run(" —")


def keep_with_next(paragraph):
    """Keep the paragraph on the same page as the next one."""
    paragraph.paragraph_format.keep_with_next = True
    return paragraph


def _narrow_cell_margins(table, twips: int = 40) -> None:
    """Left and right cell margins of 2 pt (Word's default 5.4 pt wraps short headers such as 序时进度)."""
    tblpr = table._tbl.tblPr
    mar = OxmlElement("w:tblCellMar")
    for side in ("left", "right"):
        el = OxmlElement(f"w:{side}")
        el.set(qn("w:w"), str(twips))
        el.set(qn("w:type"), "dxa")
        mar.append(el)
    tblpr.append(mar)


def _row_flags(row, header: bool = False) -> None:
    """A table row that never breaks across pages; the header row repeats on every page."""
    trpr = row._tr.get_or_add_trPr()
    cant = OxmlElement("w:cantSplit")
    trpr.append(cant)
    if header:
        trpr.append(OxmlElement("w:tblHeader"))


class OfficialDocument:
    """Build a GB/T 9704 document step by step, then ``save`` or ``to_bytes``."""

    def __init__(self, fonts: dict | None = None, table_font_size: float = TABLE_FONT_SIZE):
        self.fonts = {**FONTS, **(fonts or {})}
        self.table_font_size = table_font_size
        self.doc = Document()
        self._counters = [0, 0, 0, 0]
        self._setup_page()
        self._setup_styles()
        self._setup_footers()

    # -- page set-up ---------------------------------------------------------------------------
    def _setup_page(self) -> None:
        section = self.doc.sections[0]
        section.page_width = Mm(PAGE_WIDTH_MM)
        section.page_height = Mm(PAGE_HEIGHT_MM)
        section.top_margin = Mm(MARGINS_MM["top"])
        section.bottom_margin = Mm(MARGINS_MM["bottom"])
        section.left_margin = Mm(MARGINS_MM["left"])
        section.right_margin = Mm(MARGINS_MM["right"])
        section.header_distance = Mm(15)
        # The page number sits about 7 mm below the text block.
        section.footer_distance = Mm(20)
        # Document grid: 22 lines per page (line grid). The 28 characters per line come from the
        # character pitch (see _setup_styles): a "linesAndChars" grid of 15.79 pt cells gives every
        # 16 pt character two cells in LibreOffice (half-empty lines in the PDF), so it is not used.
        sectpr = section._sectPr
        for old in sectpr.findall(qn("w:docGrid")):
            sectpr.remove(old)
        grid = OxmlElement("w:docGrid")
        grid.set(qn("w:type"), "lines")
        grid.set(qn("w:linePitch"), str(round(LINE_PITCH_PT * 20)))
        sectpr.append(grid)

    def _setup_styles(self) -> None:
        # Document defaults: 3号 and the body font for East-Asian text, Chinese language. The
        # character grid pitch is computed from the default size, so it must be 16 pt.
        rpr_default = self.doc.styles.element.find(qn("w:docDefaults")).find(qn("w:rPrDefault")).find(qn("w:rPr"))
        rfonts = rpr_default.find(qn("w:rFonts"))
        for attr in ("w:eastAsiaTheme", "w:asciiTheme", "w:hAnsiTheme"):
            rfonts.attrib.pop(qn(attr), None)
        for attr in ("w:eastAsia", "w:ascii", "w:hAnsi"):
            rfonts.set(qn(attr), self.fonts["body"])
        rpr_default.find(qn("w:sz")).set(qn("w:val"), str(int(SIZE_3 * 2)))
        rpr_default.find(qn("w:szCs")).set(qn("w:val"), str(int(SIZE_3 * 2)))
        lang = rpr_default.find(qn("w:lang"))
        if lang is not None:
            lang.set(qn("w:eastAsia"), "zh-CN")
        normal = self.doc.styles["Normal"]
        _set_style_font(normal, self.fonts["body"], SIZE_3)
        # 28 characters of 16 pt need 448 pt but the text block is 442 pt wide: condense each
        # character by 0.4 pt (15.6 pt pitch → 28 characters per line in Word, WPS and LibreOffice).
        spacing = OxmlElement("w:spacing")
        spacing.set(qn("w:val"), str(CHAR_CONDENSE_TWIPS))
        normal.element.get_or_add_rPr().insert_element_before(
            spacing, "w:w", "w:kern", "w:position", "w:sz", "w:szCs", "w:highlight", "w:u", "w:effect",
            "w:bdr", "w:shd", "w:fitText", "w:vertAlign", "w:rtl", "w:cs", "w:em", "w:lang", "w:eastAsianLayout",
            "w:specVanish", "w:oMath",
        )
        fmt = normal.paragraph_format
        fmt.line_spacing_rule = WD_LINE_SPACING.EXACTLY
        fmt.line_spacing = Pt(LINE_PITCH_PT)
        fmt.space_before = Pt(0)
        fmt.space_after = Pt(0)

    def _setup_footers(self) -> None:
        self.doc.settings.odd_and_even_pages_header_footer = True
        section = self.doc.sections[0]
        one_char = Pt(SIZE_4)
        odd = section.footer.paragraphs[0]
        _no_grid(odd)
        odd.alignment = WD_ALIGN_PARAGRAPH.RIGHT
        odd.paragraph_format.right_indent = one_char
        _add_page_field(odd, self.fonts["page_number"], SIZE_4)
        even = section.even_page_footer.paragraphs[0]
        _no_grid(even)
        even.alignment = WD_ALIGN_PARAGRAPH.LEFT
        even.paragraph_format.left_indent = one_char
        _add_page_field(even, self.fonts["page_number"], SIZE_4)

    # -- content ---------------------------------------------------------------------------------
    def _paragraph(self, text: str, font: str, size: float, *, align=None, indent_chars: float = 0,
                   bold: bool = False, color=None, pitch: float = LINE_PITCH_PT):
        p = self.doc.add_paragraph()
        _exact_spacing(p, pitch)
        if size != SIZE_3:
            _no_grid(p)
        if align is not None:
            p.alignment = align
        if indent_chars:
            p.paragraph_format.first_line_indent = Pt(size * indent_chars)
        if text:
            run = p.add_run(text)
            set_run_font(run, font, size, bold=bold, color=color)
        return p

    def issuing_header(self, header_title: str, issue_label: str, issuer: str, date: dt.date | None) -> None:
        """版头 of a bulletin: the red header title, the issue (2022年第2期), then the issuing office
        and the date above a red separator line."""
        self._paragraph(header_title, self.fonts["header"], 36, align=WD_ALIGN_PARAGRAPH.CENTER, color=RED,
                        pitch=54)
        self._paragraph(issue_label, self.fonts["body"], SIZE_3, align=WD_ALIGN_PARAGRAPH.CENTER)
        p = self._paragraph("", self.fonts["body"], SIZE_3)
        section = self.doc.sections[0]
        width = section.page_width - section.left_margin - section.right_margin
        p.paragraph_format.tab_stops.add_tab_stop(width, WD_TAB_ALIGNMENT.RIGHT)
        run = p.add_run(f"{issuer}\t{cn_date(date) if date else ''}")
        set_run_font(run, self.fonts["body"], SIZE_3)
        _bottom_border(p)
        self._paragraph("", self.fonts["body"], SIZE_3)

    def title(self, text: str) -> None:
        self._paragraph(text, self.fonts["title"], SIZE_2, align=WD_ALIGN_PARAGRAPH.CENTER)
        self._paragraph("", self.fonts["body"], SIZE_3)

    def heading(self, level: int, text: str, number: int | None = None, mark: str | None = None):
        """A heading of ``level`` 1..4, numbered automatically unless ``number`` is given; ``mark``
        keeps a serial written elsewhere (a plan task's own "（六）")."""
        if not 1 <= level <= 4:
            raise ValueError("level must be 1..4")
        if mark:
            self._counters[level - 1] += 1
            return keep_with_next(self._paragraph(f"{mark}{text}", self.fonts[f"h{level}"], SIZE_3, indent_chars=2))
        if number is None:
            self._counters[level - 1] += 1
            number = self._counters[level - 1]
        else:
            self._counters[level - 1] = number
        for deeper in range(level, 4):
            self._counters[deeper] = 0
        font = self.fonts[f"h{level}"]
        return keep_with_next(self._paragraph(f"{serial(level, number)}{text}", font, SIZE_3, indent_chars=2))

    def paragraph(self, text: str, indent: bool = True):
        return self._paragraph(text, self.fonts["body"], SIZE_3, indent_chars=2 if indent else 0)

    def table(self, headers: list[str], rows: list[list], widths_mm: list[float] | None = None,
              font_size: float | None = None, left_columns: tuple[int, ...] = ()):
        """A grid table; its header row repeats on every page and no row breaks across pages.
        ``left_columns``: columns of long text, aligned left."""
        table = self.doc.add_table(rows=1, cols=len(headers))
        table.style = "Table Grid"
        table.alignment = WD_TABLE_ALIGNMENT.CENTER
        table.autofit = False
        _narrow_cell_margins(table)
        size = font_size or self.table_font_size
        pitch = size * 1.5

        def fill(cell, text, bold=False, left=False):
            cell.text = ""
            p = cell.paragraphs[0]
            _exact_spacing(p, pitch)
            _no_grid(p)
            p.alignment = WD_ALIGN_PARAGRAPH.LEFT if left else WD_ALIGN_PARAGRAPH.CENTER
            run = p.add_run("" if text is None else str(text))
            set_run_font(run, self.fonts["h1"] if bold else self.fonts["table"], size)

        for cell, text in zip(table.rows[0].cells, headers, strict=True):
            fill(cell, text, bold=True)
        _row_flags(table.rows[0], header=True)
        # The first data row is built cell by cell; the others are copies of its XML with their own
        # text (a 200-row ranking table in a fraction of the time).
        template = None
        for row in rows:
            if len(row) != len(headers):
                raise ValueError("row length differs from the header")
            if template is None:
                added = table.add_row()
                for i, cell in enumerate(added.cells):
                    fill(cell, "\u3000", left=i in left_columns)  # a placeholder: every cell gets one w:t
                _row_flags(added)
                template = copy.deepcopy(added._tr)
                tr = added._tr
            else:
                tr = copy.deepcopy(template)
                table._tbl.append(tr)
            for t, text in zip(tr.iter(qn("w:t")), row, strict=True):
                t.text = "" if text is None else str(text)
        if widths_mm:
            for column, width in zip(table.columns, widths_mm, strict=False):
                column.width = Mm(width)
            for row in table.rows:
                for cell, width in zip(row.cells, widths_mm, strict=False):
                    cell.width = Mm(width)
        return table

    def picture(self, png: bytes, width_mm: float = 150, caption: str = "") -> None:
        p = self.doc.add_paragraph()
        if caption:
            keep_with_next(p)
        p.alignment = WD_ALIGN_PARAGRAPH.CENTER
        # An image in an exactly spaced line is clipped: this paragraph uses single spacing.
        p.paragraph_format.line_spacing_rule = WD_LINE_SPACING.SINGLE
        p.add_run().add_picture(io.BytesIO(png), width=Mm(width_mm))
        if caption:
            self._paragraph(caption, self.fonts["table"], self.table_font_size, align=WD_ALIGN_PARAGRAPH.CENTER)

    def signature(self, issuer: str, date: dt.date) -> None:
        """Issuer and date right-aligned, four characters in from the right edge, kept on one page
        with each other and with what precedes them (mark the last body paragraph with
        ``keep_with_next``): never a page holding only the date."""
        keep_with_next(self._paragraph("", self.fonts["body"], SIZE_3))
        for i, text in enumerate((issuer, cn_date(date))):
            p = self._paragraph(text, self.fonts["body"], SIZE_3, align=WD_ALIGN_PARAGRAPH.RIGHT)
            p.paragraph_format.right_indent = Pt(SIZE_3 * 4)
            if i == 0:
                keep_with_next(p)

    def attachment_list(self, titles: list[str]) -> None:
        """附件说明: one blank line below the body, "附件：1. 名称" two characters in, further names
        aligned under the first; kept with the signature that follows."""
        keep_with_next(self._paragraph("", self.fonts["body"], SIZE_3))
        hang = Pt(SIZE_3 * 3)  # "附件："
        for i, title in enumerate(titles, 1):
            if len(titles) == 1:
                text = f"附件：{title}"  # a single attachment carries no number
            else:
                text = f"附件：{i}. {title}" if i == 1 else f"{i}. {title}"
            p = self._paragraph(text, self.fonts["body"], SIZE_3)
            fmt = p.paragraph_format
            fmt.left_indent = Pt(SIZE_3 * 2) + hang
            fmt.first_line_indent = -hang if i == 1 else Pt(0)
            keep_with_next(p)

    def attachment(self, number: int | None, title: str) -> None:
        """The first lines of an attachment (另面编排): "附件N" (just "附件" when it is the only one) in
        3号黑体 flush left on a new page, the title centred on the third line in 2号小标宋, a blank line."""
        p = self._paragraph(f"附件{number or ''}", self.fonts["h1"], SIZE_3)
        p.paragraph_format.page_break_before = True
        keep_with_next(p)
        keep_with_next(self._paragraph("", self.fonts["body"], SIZE_3))
        keep_with_next(self._paragraph(title, self.fonts["title"], SIZE_2, align=WD_ALIGN_PARAGRAPH.CENTER))
        keep_with_next(self._paragraph("", self.fonts["body"], SIZE_3))

    def caption(self, text: str, level_font: str = "h2") -> None:
        """A small heading above a table inside an attachment (楷体)."""
        keep_with_next(self._paragraph(text, self.fonts[level_font], SIZE_3, indent_chars=2))

    def page_break(self) -> None:
        self.doc.add_page_break()

    def new_section(self):
        return self.doc.add_section(WD_SECTION.NEW_PAGE)

    def save(self, target) -> None:
        self.doc.save(target)

    def to_bytes(self) -> bytes:
        buf = io.BytesIO()
        self.doc.save(buf)
        return buf.getvalue()


def document_text(docx_bytes: bytes) -> str:
    """All text of a .docx (paragraphs, tables, headers and footers), for checks and previews."""
    doc = Document(io.BytesIO(docx_bytes))
    parts = [p.text for p in doc.paragraphs]
    for table in doc.tables:
        for row in table.rows:
            parts.extend(cell.text for cell in row.cells)
    for section in doc.sections:
        for part in (section.header, section.footer, section.even_page_footer):
            parts.extend(p.text for p in part.paragraphs)
    return "\n".join(parts)
