"""Reading documents: .docx paragraphs and tables in document order, plain text, or a PDF's text layer.

A document becomes one source text (paragraphs as lines, table rows as lines with cells separated
by tabs) plus the list of its lines, so that every extracted item can point back into the text.
"""

from __future__ import annotations

import io
import re
import shutil
import subprocess
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

import docx
from docx.oxml.ns import qn
from docx.table import Table
from docx.text.paragraph import Paragraph

from kechuang.core.uploads import UploadRefused, check_ooxml


@dataclass
class Line:
    start: int  # offset in the original source text
    end: int
    kind: str = "p"  # "p" paragraph, "row" table row
    table: int = -1  # index of the table for rows
    cells: list[tuple[int, int]] = field(default_factory=list)  # original offsets of the cells of a row


@dataclass
class Source:
    text: str
    lines: list[Line]
    origin: str = "text"  # "docx", "text" or "pdf"


class ExtractError(ValueError):
    """A document that cannot be read; the message is for users."""


def _build(blocks: list) -> Source:
    """``blocks``: ("p", text) or ("t", [[cell, ...], ...]) in document order."""
    out: list[str] = []
    lines: list[Line] = []
    pos = 0
    table_no = -1
    for block in blocks:
        if block[0] == "p":
            text = block[1].replace("\r", "").replace("\n", " ")
            lines.append(Line(pos, pos + len(text)))
            out.append(text + "\n")
            pos += len(text) + 1
        else:
            table_no += 1
            for row in block[1]:
                cells = []
                parts = []
                cpos = pos
                for i, cell in enumerate(row):
                    text = re.sub(r"[\r\n\t]+", " ", cell)
                    if i:
                        parts.append("\t")
                        cpos += 1
                    cells.append((cpos, cpos + len(text)))
                    parts.append(text)
                    cpos += len(text)
                text = "".join(parts)
                lines.append(Line(pos, pos + len(text), "row", table_no, cells))
                out.append(text + "\n")
                pos += len(text) + 1
    # Lines are separated by one line break (plain text reads back exactly as it was).
    return Source("".join(out)[:-1] if out else "", lines, "docx")


def _row_cells(line: str) -> list[tuple[int, int]] | None:
    """Cell offsets (within the line) when a plain-text line is a table row: "|a|b|c" or "a<TAB>b<TAB>c"."""
    stripped = line.rstrip()
    if stripped.startswith("|") and stripped.count("|") >= 3:
        cells, pos = [], 1
        for part in stripped[1:].split("|"):
            cells.append((pos, pos + len(part)))
            pos += len(part) + 1
        if stripped.endswith("|"):
            cells.pop()
        return cells
    if stripped.count("|") >= 2 and not stripped.startswith("|"):
        # "序号 | 工作任务 | 牵头单位" (a table written without the outer bars)
        cells, pos = [], 0
        for part in line.split("|"):
            cells.append((pos, pos + len(part)))
            pos += len(part) + 1
        return cells
    if line.count("\t") >= 2:
        cells, pos = [], 0
        for part in line.split("\t"):
            cells.append((pos, pos + len(part)))
            pos += len(part) + 1
        return cells
    return None


def read_text(text: str, origin: str = "text") -> Source:
    """Plain text, kept exactly; "|"- or tab-separated lines are read as table rows."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    lines: list[Line] = []
    pos = 0
    table_no, in_table = -1, False
    for raw in text.split("\n"):
        cells = _row_cells(raw)
        if cells is None:
            lines.append(Line(pos, pos + len(raw)))
            in_table = False
        else:
            if not in_table:
                table_no += 1
                in_table = True
            lines.append(Line(pos, pos + len(raw), "row", table_no, [(pos + s, pos + e) for s, e in cells]))
        pos += len(raw) + 1
    return Source(text, lines, origin)


def read_txt_file(path: str | Path) -> Source:
    data = Path(path).read_bytes()
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return read_text(data.decode(encoding))
        except UnicodeDecodeError:
            continue
    raise ExtractError("无法识别文本文件的编码（应为 UTF-8 或 GB18030）")


# A plan document is mostly text: far below this once unzipped (a bomb is refused before python-docx reads it).
DOCX_MAX_UNCOMPRESSED = 100 * 1024 * 1024
_CN_DIGITS = "零一二三四五六七八九"
_CHINESE_FORMATS = {"chineseCounting", "chineseCountingThousand", "ideographTraditional", "japaneseCounting",
                    "taiwaneseCounting", "taiwaneseCountingThousand", "chineseLegalSimplified"}


def _chinese_number(n: int) -> str:
    if n < 10:
        return _CN_DIGITS[n]
    if n < 100:
        tens, ones = divmod(n, 10)
        return ("" if tens == 1 else _CN_DIGITS[tens]) + "十" + (_CN_DIGITS[ones] if ones else "")
    return str(n)


def _format_counter(n: int, fmt: str) -> str:
    if fmt in _CHINESE_FORMATS:
        return _chinese_number(n)
    if fmt == "lowerLetter":
        return chr(ord("a") + (n - 1) % 26)
    if fmt == "upperLetter":
        return chr(ord("A") + (n - 1) % 26)
    if fmt == "decimalEnclosedCircle" and 1 <= n <= 20:
        return chr(0x2460 + n - 1)
    if fmt == "none":
        return ""
    return str(n)


class _Numbering:
    """Word's automatic numbering (一、（一）1. as list levels): the markers the reader sees but python-docx
    does not put into the paragraph text."""

    def __init__(self, document):
        self.qn = qn
        self.nums: dict[str, dict[int, tuple[int, str, str]]] = {}
        self.counters: dict[str, dict[int, int]] = {}
        try:
            root = document.part.numbering_part.element
        except (NotImplementedError, KeyError, AttributeError):
            return
        abstract = {}
        for node in root.findall(qn("w:abstractNum")):
            levels = {}
            for lvl in node.findall(qn("w:lvl")):
                start, fmt, text = lvl.find(qn("w:start")), lvl.find(qn("w:numFmt")), lvl.find(qn("w:lvlText"))
                levels[int(lvl.get(qn("w:ilvl")))] = (
                    int(start.get(qn("w:val"))) if start is not None else 1,
                    fmt.get(qn("w:val")) if fmt is not None else "decimal",
                    text.get(qn("w:val")) if text is not None else "",
                )
            abstract[node.get(qn("w:abstractNumId"))] = levels
        for num in root.findall(qn("w:num")):
            ref = num.find(qn("w:abstractNumId"))
            if ref is not None:
                self.nums[num.get(qn("w:numId"))] = abstract.get(ref.get(qn("w:val")), {})

    def _num_pr(self, paragraph):
        qn = self.qn
        ppr = paragraph._p.pPr
        num_pr = ppr.find(qn("w:numPr")) if ppr is not None else None
        style = paragraph.style
        while num_pr is None and style is not None:
            sppr = style.element.find(qn("w:pPr"))
            num_pr = sppr.find(qn("w:numPr")) if sppr is not None else None
            style = style.base_style
        if num_pr is None:
            return None
        num_id = num_pr.find(qn("w:numId"))
        ilvl = num_pr.find(qn("w:ilvl"))
        if num_id is None:
            return None
        return num_id.get(qn("w:val")), int(ilvl.get(qn("w:val"))) if ilvl is not None else 0

    def marker(self, paragraph) -> str:
        if not self.nums:
            return ""
        found = self._num_pr(paragraph)
        if found is None or found[0] not in self.nums or found[0] == "0":
            return ""
        num_id, ilvl = found
        levels = self.nums[num_id]
        if ilvl not in levels:
            return ""
        counters = self.counters.setdefault(num_id, {})
        start, fmt, text = levels[ilvl]
        counters[ilvl] = counters.get(ilvl, start - 1) + 1
        for deeper in [k for k in counters if k > ilvl]:
            del counters[deeper]
        if fmt == "bullet":
            return text if text and text.isprintable() and not ("\ue000" <= text[0] <= "\uf8ff") else "·"

        def level_value(match):
            k = int(match.group(1)) - 1
            lstart, lfmt, _ = levels.get(k, (1, "decimal", ""))
            return _format_counter(counters.get(k, lstart), lfmt)

        return re.sub(r"%([1-9])", level_value, text)


def read_docx(path_or_file) -> Source:
    if isinstance(path_or_file, (str, Path)):
        data = Path(path_or_file).read_bytes()
    else:
        data = path_or_file.read()
    try:  # the shared upload guard: no archive bomb, no DOCTYPE/ENTITY, sane sizes
        check_ooxml(data, kind="docx", max_uncompressed=DOCX_MAX_UNCOMPRESSED)
    except UploadRefused as exc:
        raise ExtractError(f"无法读取 Word 文档：{exc}") from exc
    try:
        document = docx.Document(io.BytesIO(data))
    except Exception as exc:  # python-docx raises several kinds for a broken file
        raise ExtractError(f"无法读取 Word 文档：{exc}") from exc
    blocks: list = []
    numbering = _Numbering(document)
    for child in document.element.body.iterchildren():
        tag = child.tag.rsplit("}", 1)[-1]
        if tag == "p":
            paragraph = Paragraph(child, document)
            blocks.append(("p", numbering.marker(paragraph) + paragraph.text))
        elif tag == "tbl":
            rows = []
            for row in Table(child, document).rows:
                cells, seen = [], []
                for cell in row.cells:
                    # Horizontally merged cells come back once per grid column: keep one.
                    if any(cell._tc is tc for tc in seen):
                        continue
                    seen.append(cell._tc)
                    cells.append(cell.text)
                rows.append(cells)
            blocks.append(("t", rows))
    return _build(blocks)


def convert_to_docx(path: str | Path) -> Path:
    """Legacy Word (.doc) and WPS (.wps) files → .docx with LibreOffice, when it is installed."""
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if soffice is None:
        raise ExtractError("服务器未安装 LibreOffice，无法读取 .doc/.wps 文件，请另存为 .docx 后上传")
    outdir = Path(tempfile.mkdtemp(prefix="kc-extract-"))
    profile = outdir / "profile"
    try:
        subprocess.run(
            [soffice, f"-env:UserInstallation=file://{profile}", "--headless", "--convert-to", "docx",
             "--outdir", str(outdir), str(path)],
            check=True, capture_output=True, timeout=120,
        )
    except (subprocess.SubprocessError, OSError) as exc:
        raise ExtractError(f"无法转换文件（{Path(path).name}），请另存为 .docx 后上传") from exc
    converted = outdir / (Path(path).stem + ".docx")
    if not converted.exists():
        raise ExtractError(f"无法转换文件（{Path(path).name}），请另存为 .docx 后上传")
    return converted


SCANNED_PDF = "该 PDF 没有文字层（可能是扫描件），无法识别文字，请上传文字版（.docx、.txt 或可复制文字的 PDF）"


def read_pdf(path: str | Path) -> Source:
    """A PDF's text layer, laid out as on the page (poppler's ``pdftotext -layout``), so tables keep their columns."""
    pdftotext = shutil.which("pdftotext")
    if pdftotext is None:
        raise ExtractError("服务器未安装 pdftotext（poppler-utils），无法读取 PDF 文件，请上传 .docx 或 .txt 文件")
    try:
        done = subprocess.run([pdftotext, "-layout", "-enc", "UTF-8", str(path), "-"],
                              capture_output=True, timeout=120)
    except (subprocess.SubprocessError, OSError) as exc:
        raise ExtractError(f"无法读取 PDF 文件（{Path(path).name}）") from exc
    if done.returncode != 0:
        raise ExtractError(f"无法读取 PDF 文件（{Path(path).name}）：文件已损坏或已加密")
    text = done.stdout.decode("utf-8", errors="replace")
    if len(re.sub(r"\s", "", text)) < 20:
        raise ExtractError(SCANNED_PDF)
    return read_text(text.rstrip("\f\n"), origin="pdf")


def read_file(path: str | Path) -> Source:
    suffix = Path(path).suffix.lower()
    if suffix == ".docx":
        return read_docx(path)
    if suffix == ".pdf":
        return read_pdf(path)
    if suffix in (".doc", ".wps", ".odt", ".rtf"):
        converted = convert_to_docx(path)
        try:
            return read_docx(converted)
        finally:
            shutil.rmtree(converted.parent, ignore_errors=True)
    if suffix in (".txt", ".text", ""):
        return read_txt_file(path)
    raise ExtractError(f"不支持的文件类型“{suffix}”，请上传 .docx、.doc、.pdf 或 .txt 文件")
