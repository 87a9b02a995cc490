"""Layout-independent reading: the physical lines of a document → logical lines over one logical text.

- Tables written as text are rebuilt: columns aligned by runs of spaces (a PDF's text layer, text copied from a
  page) and tables with one cell per line (what copying a Word/WPS table gives), multi-line cells included.
- Soft line breaks — a line wrapped in the middle of a phrase — are joined, so a figure stays with what it
  measures. A line ending in 。；：！？, a line followed by a numbered heading, a unit label or a table row,
  and a short line standing on its own (a title, a heading) keep their break.
- Text from a PDF loses the spaces its layout put between Chinese characters and figures.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field

from .normalise import NormText, nfkc
from .reading import Source
from .structure import LEVEL_PATTERNS, header_columns, is_header_word
from .units import LABEL_RE, looks_like_units

TERMINAL = "。;!?:"
CONTINUES = re.compile(
    r"([\d.,、(“《]|达到|达|突破|超过|不少于|不低于|不超过|提高到|提升到|提升至|提高至|增长|新增|力争|确保|实现|"
    r"完成|培育|引进|建设|新建|认定|控制在|保持在|稳定在|的|和|与|及|为|在|对|将|把|其中|共|约|累计)$")
CUT = re.compile(r"([\d.,、(“《]|的|和|与|及)$")  # a line cut mid-phrase, whatever it is
# A line that cannot open a sentence: a figure (not a date), closing punctuation, a unit.
STARTS_INSIDE = re.compile(
    r"^(\d+(?:\.\d+)?(?![\d.年月日号])|[%‰),，。、;:]|以上|以下|以内|左右|个|家|项|件|名|亿|万|元|人|次)")
PAGE_NUMBER = re.compile(r"^\s*[-—–]+\s*\d{1,3}\s*[-—–]+\s*$|^\s*第\s*\d{1,3}\s*页(\s*共\s*\d+\s*页)?\s*$")
CJK = "\u3400-\u9fff\uf900-\ufaff"
PDF_SPACE = re.compile(rf"(?<=[{CJK}%,.、;:()“”])[ \t]+(?=[\d{CJK}(“])|(?<=[\d{CJK}])[ \t]+(?=[{CJK}%,.、;:()“”])")
NUMBER_LINE = re.compile(r"^\s*(\d{1,3})\s*[.、]?\s*$")
DATE_LIKE = re.compile(r"(\d{4}\s*年|\d{1,2}\s*月|月底|年底|季度|长期|持续|全年|常态|每年|每月|前$|底$)")
CHUNK_SPLIT = re.compile(r"[ \t\u3000]{2,}")
SECTION_HEADING = re.compile(
    r"^\s*([一二三四五六七八九十]{1,3}\s*、|\(\s*[一二三四五六七八九十]{1,3}\s*\)|第[一二三四五六七八九十]+(部分|章|条|节))")


@dataclass
class LLine:
    start: int  # logical offsets
    end: int
    kind: str = "p"  # "p" paragraph, "row" table row, "header" a table's header row
    table: int = -1
    cells: list = field(default_factory=list)  # logical spans of the cells of a row


@dataclass
class Layout:
    norm: NormText
    lines: list[LLine]
    notes: list[dict] = field(default_factory=list)  # what could not be read: {"kind", "text", "start", "end"}


def _is_marker(content: str) -> bool:
    stripped = content.strip()
    for _level, pattern in LEVEL_PATTERNS:
        m = pattern.match(stripped)
        if m and m.end() < len(stripped):
            return True
    return False


def _chunks(content: str) -> list[tuple[int, str]]:
    """(position, text) of the pieces of a line separated by two or more spaces."""
    out = []
    pos = 0
    for part in CHUNK_SPLIT.split(content):
        index = content.find(part, pos) if part else pos
        if part.strip():
            lead = len(part) - len(part.lstrip())
            out.append((index + lead, part.strip()))
        pos = index + len(part)
    return out


@dataclass
class _Cell:
    fragments: list = field(default_factory=list)  # [(ostart, oend)]


@dataclass
class _Table:
    header: list  # header cell fragments [(ostart, oend)]
    kinds: dict  # column → (kind, role)
    rows: list  # [[_Cell, ...]]
    first: int  # first physical line index
    last: int  # last physical line index (inclusive)


class _Reader:
    def __init__(self, source: Source):
        self.source = source
        self.original = source.text
        self.lines = source.lines
        self.content = [nfkc_line(self.original[line.start:line.end]) for line in self.lines]
        self.pdf = source.origin == "pdf"

    def text(self, index: int) -> str:
        return self.content[index].replace("\f", "").strip()

    def blank(self, index: int) -> bool:
        return not self.text(index) or (self.pdf and PAGE_NUMBER.match(self.text(index)) is not None)

    # Tables ----------------------------------------------------------------------------------------------
    def aligned_header(self, index: int):
        line = self.lines[index]
        if line.kind != "p":
            return None
        content = self.content[index].replace("\f", " ")
        chunks = _chunks(content)
        if len(chunks) < 3:
            words = content.split()
            if len(words) >= 3 and all(is_header_word(w) for w in words):
                pos, chunks = 0, []
                for w in words:
                    pos = content.find(w, pos)
                    chunks.append((pos, w))
                    pos += len(w)
            else:
                return None
        names = [c for _, c in chunks]
        if sum(not is_header_word(n) for n in names) > 0:
            return None
        kinds = header_columns(names)
        if kinds is None:
            return None
        return chunks, kinds

    def aligned_table(self, index: int, chunks, kinds) -> _Table:
        """Rows under a header aligned by spaces. Columns line up by characters (a PDF's text layer) or by
        display width (text typed or copied where a Chinese character is two columns wide): both are tried."""
        best = None
        for wide in (False, True):
            self.wide = wide
            self.misfit = 0.0
            table = self._aligned_table(index, [(self._pos(index, p), t) for p, t in chunks], kinds)
            # The better measure keeps more lines in the table and starts its cells nearer the header's columns.
            score = (len(table.rows) > 0, table.last - index, -self.misfit)
            if best is None or score > best[0]:
                best = (score, table)
        self.wide = False
        return best[1]

    def _pos(self, index: int, npos: int) -> int:
        """A position in line ``index`` (characters) in the measure being tried."""
        if not getattr(self, "wide", False):
            return npos
        content = self.content[index]
        return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in content[:npos])

    def _aligned_table(self, index: int, chunks, kinds) -> _Table:
        starts = [p for p, _ in chunks]
        header_starts = list(starts)
        ends = [p + len(t) for p, t in chunks]
        bounds = [0] + [(ends[i - 1] + starts[i]) / 2 for i in range(1, len(chunks))] + [10 ** 6]
        ncols = len(chunks)
        header_line = self.lines[index]
        raw = self.original[header_line.start:header_line.end]
        header = [(header_line.start + _orig_pos(raw, p), header_line.start + _orig_pos(raw, p + len(t)))
                  for p, t in _chunks(self.content[index].replace("\f", " "))]
        if len(header) != len(chunks):  # a header of words separated by single spaces
            header = [(header_line.start + raw.find(t), header_line.start + raw.find(t) + len(t)) for _, t in chunks]
        number_col = 0 if kinds.get(0, ("",))[0] == "number" else None
        rows: list[list[_Cell]] = []
        last = index
        j = index + 1
        while j < len(self.lines):
            line = self.lines[j]
            if line.kind != "p":
                break
            if self.blank(j):
                # A blank line (or a page break) inside a table: go on when a table line follows.
                k = j
                while k < len(self.lines) and self.lines[k].kind == "p" and self.blank(k):
                    k += 1
                if k < len(self.lines) and rows and self._table_line(k, bounds, number_col, ncols, after_gap=True):
                    j = k
                    continue
                break
            if not self._table_line(j, bounds, number_col, ncols):
                break
            content = self.content[j]
            raw = self.original[line.start:line.end]
            pieces = _chunks(content.replace("\f", " "))
            if len(pieces) == ncols and (number_col is None or NUMBER_LINE.match(pieces[0][1])):
                # A line filling every column places the columns anew (a new page may shift them).
                starts = [self._pos(j, p) for p, _ in pieces]
                ends = [self._pos(j, p + len(t)) for p, t in pieces]
                bounds = [0] + [(ends[i - 1] + starts[i]) / 2 for i in range(1, ncols)] + [10 ** 6]
            columns = [self._column(self._pos(j, p), self._pos(j, p + len(t)) - self._pos(j, p), bounds)
                       for p, t in pieces]
            # How far the cells start from the header's columns (cells and headers are left-aligned).
            self.misfit += sum(min(abs(self._pos(j, p) - start) for start in header_starts) for p, _ in pieces)
            if number_col is not None:
                new_row = bool(columns and columns[0] == number_col and NUMBER_LINE.match(pieces[0][1]))
            else:
                # Without a 序号 column a line opens a row when it has a first cell and either follows a first
                # cell that ended its sentence or fills the first units (or date) column too.
                previous = "".join(nfkc_line(self.original[a:b]) for a, b in rows[-1][0].fragments) if rows else ""
                opening = [c for c, (kind, _) in sorted(kinds.items()) if kind in ("units", "date")][:1]
                new_row = 0 in columns and (not previous or previous.rstrip()[-1:] in "。;；!?"
                                            or bool(opening) and opening[0] in columns)
            if new_row or not rows:
                rows.append([_Cell() for _ in range(ncols)])
            for (p, t), col in zip(pieces, columns, strict=True):
                s = line.start + _orig_pos(raw, p)
                rows[-1][col].fragments.append((s, s + _orig_len(raw, p, len(t))))
            last = j
            j += 1
        return _Table(header, kinds, rows, index, last)

    def _table_line(self, j, bounds, number_col, ncols, after_gap: bool = False) -> bool:
        if self.lines[j].kind != "p":
            return False
        content = self.content[j].replace("\f", " ")
        pieces = _chunks(content)
        if not pieces:
            return False
        if _is_marker(content) and pieces[0][0] == 0 and len(pieces) == 1:
            return False
        columns = [self._column(self._pos(j, p), self._pos(j, p + len(t)) - self._pos(j, p), bounds)
                   for p, t in pieces]
        if number_col is not None and columns[0] == number_col:
            return NUMBER_LINE.match(pieces[0][1]) is not None
        if after_gap:
            # After a blank line only a line spread over columns goes on with the table.
            return len(set(columns)) > 1 and number_col is None
        if any(c > 0 for c in columns):
            return True
        # Only the first column: a wrapped cell, unless it is as long as a paragraph.
        return len(pieces[0][1]) <= (bounds[1] - self._pos(j, pieces[0][0])) * 1.5 and number_col is None

    def _column(self, pos: int, length: int, bounds) -> int:
        best, overlap = 0, -1
        for col in range(len(bounds) - 1):
            lo, hi = bounds[col], bounds[col + 1]
            ov = min(pos + length, hi) - max(pos, lo)
            if ov > overlap:
                best, overlap = col, ov
        return best

    def cell_header(self, index: int):
        """A header written one cell per line: (number of header lines, kinds)."""
        names = []
        j = index
        while j < len(self.lines) and self.lines[j].kind == "p" and is_header_word(self.text(j)):
            names.append(self.text(j))
            j += 1
        if len(names) < 3:
            return None
        for count in range(len(names), 2, -1):
            kinds = header_columns(names[:count])
            if kinds is not None:
                return count, kinds
        return None

    def cell_table(self, index: int, count: int, kinds) -> _Table:
        header = [(self.lines[index + k].start, self.lines[index + k].end) for k in range(count)]
        types = [kinds.get(c, ("skip", ""))[0] for c in range(count)]
        rows: list[list[_Cell]] = []
        j = index + count
        expected = 1
        while j < len(self.lines):
            if self.lines[j].kind != "p" or self.blank(j) or SECTION_HEADING.match(self.text(j)):
                break
            if types[0] == "number":
                m = NUMBER_LINE.match(self.text(j))
                if not m:
                    break
                expected = int(m.group(1)) + 1
            row, j = self._align_row(j, types, expected)
            rows.append(row)
        return _Table(header, kinds, rows, index, j - 1)

    def _align_row(self, j: int, types: list[str], expected: int):
        row = [_Cell() for _ in types]
        n = len(self.lines)

        def ends_row(k: int) -> bool:
            if k >= n or self.lines[k].kind != "p" or self.blank(k):
                return True
            text = self.text(k)
            m = NUMBER_LINE.match(text)
            if types[0] == "number" and m and int(m.group(1)) == expected:
                return True
            return SECTION_HEADING.match(text) is not None

        def take(col: int):
            nonlocal j
            row[col].fragments.append(_stripped(self.original, self.lines[j].start, self.lines[j].end))
            j += 1

        text_cols = [c for c, t in enumerate(types) if t in ("title", "body")]
        for col, kind in enumerate(types):
            if j >= n or (col > 0 and ends_row(j)):
                break
            text = self.text(j)
            following = types[col + 1] if col + 1 < len(types) else ""
            if kind == "number":
                if NUMBER_LINE.match(text):
                    take(col)
            elif kind in ("title", "body"):
                last_text = col == text_cols[-1]
                while j < n and not ends_row(j) or (j < n and not row[col].fragments and not self.blank(j)):
                    text = self.text(j)
                    if row[col].fragments and _fits(following, text):
                        break
                    if not row[col].fragments and following == "units" and looks_like_units(text) and last_text:
                        break
                    take(col)
                    if not last_text:
                        break
            elif kind == "units":
                while j < n and not ends_row(j) and looks_like_units(self.text(j)):
                    take(col)
                    if following == "units":
                        break
            elif kind == "date":
                if not ends_row(j) and DATE_LIKE.search(text) and len(text) <= 20:
                    take(col)
            elif kind in ("measure", "target"):
                if not ends_row(j) and len(text) <= 12:
                    take(col)
            elif kind == "person":
                if not ends_row(j) and _fits("person", text):
                    take(col)
            else:  # remarks, progress: what is left of the row, a few short lines at most
                taken = 0
                while j < n and not ends_row(j) and taken < 3 and len(self.text(j)) <= 40 \
                        and not (self.text(j).endswith("。") and len(self.text(j)) > 30):
                    take(col)
                    taken += 1
        return row, j

    # Paragraphs ------------------------------------------------------------------------------------------
    def width(self) -> float:
        lengths = sorted(len(self.text(i)) for i in range(len(self.lines))
                         if self.lines[i].kind == "p" and len(self.text(i)) >= 8)
        if not lengths:
            return 0
        return lengths[int(len(lengths) * 0.9) - (1 if len(lengths) * 0.9 == int(len(lengths) * 0.9) else 0)]

    def soft_break(self, i: int, k: int, width: float) -> bool:
        """Whether the line break between line i and the next line k is only a wrap."""
        text, following = self.text(i), self.text(k)
        if not text or not following:
            return False
        if text[-1] in TERMINAL:
            return False
        if text.endswith(")") and re.search(r"\((?:[^()]*)(牵头|责任|配合)[^()]*\)$", text):
            return False
        if _is_marker(following) or LABEL_RE.match(following) or LABEL_RE.fullmatch(text + "\n"):
            return False
        # An indented line opens a paragraph (first-line indent), unless the line before is cut mid-phrase.
        indent = _indent(self.content[i])
        if _indent(self.content[k]) >= indent + 2 and not CONTINUES.search(text):
            return False
        if re.fullmatch(r"(牵头|责任|配合|主要责任|协同配合|协办)(单位|部门)?", text):
            return False
        heading = _is_marker(text) and len(text) <= 40 and not re.search("[,，;。]", text)
        if heading and not (CUT.search(text) or text.count("(") > text.count(")")):
            return False  # "（四）推进科技创新平台建设": a heading, even though it ends in a verb
        if CONTINUES.search(text) or STARTS_INSIDE.match(following) or text.count("(") > text.count(")"):
            return True
        if width and len(text) >= 0.7 * width and width >= 16:
            return True
        return False


PERSON = re.compile(rf"^[{CJK}]{{2,4}}$|^[{CJK}]{{1,10}}(县长|市长|区长|书记|主任|部长|局长|主席|常委|同志)$")


def _fits(kind: str, text: str) -> bool:
    """Whether a line can be the cell of a column of this kind (where a multi-line text cell ends)."""
    if kind == "units":
        return looks_like_units(text)
    if kind == "date":
        return bool(DATE_LIKE.search(text)) and len(text) <= 16
    if kind == "measure":
        return len(text) <= 6
    if kind == "person":
        return bool(PERSON.match(text.replace(" ", ""))) and not looks_like_units(text)
    return False


def _names_one_per_line(texts: list[str]) -> bool:
    """Whether the lines of a units cell are whole names one per line (else one text wrapped over lines)."""
    texts = [t.strip() for t in texts]
    return all(looks_like_units(t) and len(t) >= 3 and not re.search(r"[、,，;；]", t)
               and not re.match(r"[局委办院部会所站心府道镇乡司行队团社处科室馆厂]", t) for t in texts)


def _indent(content: str) -> int:
    stripped = content.replace("\f", "")
    return len(stripped) - len(stripped.lstrip(" \t\u3000"))


def nfkc_line(text: str) -> str:
    return "".join(nfkc(c) for c in text)


def _orig_pos(raw: str, npos: int) -> int:
    """Original offset within ``raw`` of normalised offset ``npos`` (NFKC may change lengths)."""
    count = 0
    for index, char in enumerate(raw):
        if count >= npos:
            return index
        count += len(nfkc(char))
    return len(raw)


def _orig_len(raw: str, ostart_n: int, nlen: int) -> int:
    return _orig_pos(raw, ostart_n + nlen) - _orig_pos(raw, ostart_n)


def _stripped(original: str, start: int, end: int) -> tuple[int, int]:
    while start < end and original[start] in " \t\u3000\f":
        start += 1
    while end > start and original[end - 1] in " \t\u3000\f":
        end -= 1
    return start, end


def build(source: Source) -> Layout:
    return _Builder(source).run()


class _Builder:
    """Walks the physical lines once, writing the logical text (``norm``) and its lines (``out``)."""

    def __init__(self, source: Source):
        self.source = source
        self.reader = _Reader(source)
        self.lines = source.lines
        self.norm = NormText(source.text, build=True)
        self.out: list[LLine] = []
        self.notes: list[dict] = []
        self.width = self.reader.width()
        self.n = len(self.lines)
        self.table_no = max([line.table for line in self.lines] + [-1])

    def run(self) -> Layout:
        lines, n, reader, notes = self.lines, self.n, self.reader, self.notes
        i = 0
        while i < n:
            line = lines[i]
            if line.kind == "row":
                self.emit_row(i)
                i += 1
                continue
            found = reader.aligned_header(i)
            if found is not None:
                table = reader.aligned_table(i, *found)
                if table.rows:
                    i = self.emit_table(table)
                    continue
            found = reader.cell_header(i)
            if found is not None:
                table = reader.cell_table(i, *found)
                if table.rows:
                    i = self.emit_table(table)
                    continue
                notes.append({"kind": "table", "start": line.start, "end": lines[i + found[0] - 1].end})
            self.note_columns(i)
            # A paragraph: this line and the lines its wraps continue on.
            if reader.pdf and reader.blank(i) and reader.text(i):
                self.out.append(LLine(self.norm.pos, self.norm.pos, "p"))  # a page number: left out
                self.newline_after(i, self.following(i))
                i += 1
                continue
            i = self.emit_paragraph(self.paragraph(i))
        self.norm.finish()
        # Notes were taken in original offsets: to logical ones.
        notes = [{**note, "start": self.norm.o2n[note["start"]], "end": self.norm.o2n[note["end"]]} for note in notes]
        return Layout(self.norm, self.out, notes)

    def following(self, index: int) -> int | None:
        return index + 1 if index + 1 < self.n else None

    def newline_after(self, index: int, next_index: int | None) -> None:
        """The separator after physical line ``index``: its own line break when the next line follows it."""
        lines, text = self.lines, self.source.text
        end = lines[index].end
        if next_index is not None and end < len(text) and text[end] == "\n" \
                and lines[next_index].start == end + 1:
            self.norm.add_original(end, end + 1)
        elif next_index is not None:
            self.norm.add_inserted("\n", end)

    def add_fragment(self, start: int, end: int) -> None:
        norm, text = self.norm, self.source.text
        if self.reader.pdf:
            pos = start
            for m in PDF_SPACE.finditer(nfkc_line(text[start:end])):
                a = start + _orig_pos(text[start:end], m.start())
                b = start + _orig_pos(text[start:end], m.end())
                norm.add_original(pos, a)
                pos = b
            norm.add_original(pos, end)
        else:
            norm.add_original(start, end)

    def emit_row(self, index: int) -> None:
        """A row of a real (.docx) table, as read."""
        norm, line = self.norm, self.lines[index]
        start = norm.pos
        norm.add_original(line.start, line.end)
        cells = [(norm.logical(s), norm.logical(e)) for s, e in line.cells]
        self.out.append(LLine(start, norm.pos, "row", line.table, cells))
        self.newline_after(index, self.following(index))

    def emit_table(self, table: _Table) -> int:
        """A table rebuilt from text, one logical row per table row; returns the index of the line after it."""
        norm = self.norm
        self.table_no += 1
        start = norm.pos
        cells = []
        for k, (s, e) in enumerate(table.header):
            if k:
                norm.add_inserted("\t", s)
            cs = norm.pos
            norm.add_original(s, e)
            cells.append((cs, norm.pos))
        self.out.append(LLine(start, norm.pos, "row", self.table_no, cells))
        for row in table.rows:
            norm.add_inserted("\n", table.header[0][0])
            start = norm.pos
            cells = []
            for col, cell in enumerate(row):
                if col:
                    norm.add_inserted("\t", cell.fragments[0][0] if cell.fragments else start)
                cs = norm.pos
                kind = table.kinds.get(col, ("skip", ""))[0]
                texts = [nfkc_line(self.source.text[a:b]) for a, b in cell.fragments]
                joiner = "、" if kind == "units" and _names_one_per_line(texts) else ""
                for f, (a, b) in enumerate(cell.fragments):
                    if f and joiner:
                        norm.add_inserted(joiner, a)
                    self.add_fragment(a, b)
                cells.append((cs, norm.pos))
            self.out.append(LLine(start, norm.pos, "row", self.table_no, cells))
        self.newline_after(table.last, self.following(table.last))
        return table.last + 1

    def note_columns(self, i: int) -> None:
        """Lines laid out in columns under a header that was not understood: say so (once per block)."""
        lines, n, reader, notes = self.lines, self.n, self.reader, self.notes
        line = lines[i]
        if (not notes or notes[-1]["end"] < line.start) and all(
                k < n and lines[k].kind == "p" and len(_chunks(reader.content[k].replace("\f", " "))) >= 3
                for k in range(i, i + 3)):
            last = i
            while last + 1 < n and lines[last + 1].kind == "p" and len(_chunks(reader.content[last + 1])) >= 2:
                last += 1
            notes.append({"kind": "table", "start": line.start, "end": lines[last].end})

    def paragraph(self, i: int) -> list[int]:
        """The physical lines of the paragraph that starts at line ``i`` (it wraps onto the following ones)."""
        lines, n, reader = self.lines, self.n, self.reader
        group = [i]
        k = i
        while True:
            nxt = k + 1
            if reader.pdf:
                # A paragraph goes on over a page break (blank lines and a page number between).
                probe, page_break = nxt, False
                while probe < n and lines[probe].kind == "p" and reader.blank(probe):
                    page_break = page_break or bool(reader.text(probe)) or "\f" in reader.content[probe]
                    probe += 1
                if probe < n and (page_break or "\f" in reader.content[probe]):
                    nxt = probe
            if nxt >= n or lines[nxt].kind != "p" or reader.aligned_header(nxt) or reader.cell_header(nxt):
                break
            if not reader.soft_break(k, nxt, self.width):
                break
            group.append(nxt)
            k = nxt
        return group

    def emit_paragraph(self, group: list[int]) -> int:
        """One logical line from the physical lines of a paragraph; returns the index of the line after it."""
        norm, text = self.norm, self.source.text
        start = norm.pos
        for g, index in enumerate(group):
            s, e = self.lines[index].start, self.lines[index].end
            if g:
                s, _ = _stripped(text, s, e)
            if g < len(group) - 1:
                _, e = _stripped(text, s, e)
            self.add_fragment(s, e)
        self.out.append(LLine(start, norm.pos, "p"))
        last = group[-1]
        self.newline_after(last, self.following(last))
        return last + 1
