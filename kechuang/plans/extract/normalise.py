"""The logical text the extractor reads, and where every character of it came from.

The logical text is the NFKC form of pieces of the original (lines joined where a line break was only a wrap,
table cells put back together from the lines they were spread over), with a few inserted separators (a tab
between rebuilt cells, "、" between names that stood on lines of their own). Every logical character remembers
its original offset, so that what is extracted can be shown — and quoted — as written.
"""

from __future__ import annotations

import unicodedata


def nfkc(char: str) -> str:
    return unicodedata.normalize("NFKC", char) or char


class NormText:
    """``text`` is the logical (NFKC) text; ``n2o`` maps each of its characters to an original offset.

    ``NormText(original)`` is the whole original, normalised. A layout builds one piece by piece with
    ``add_original`` and ``add_inserted`` and then calls ``finish``.
    """

    def __init__(self, original: str, *, build: bool = False):
        self.original = original
        self._parts: list[str] = []
        self.n2o: list[int] = []
        self.inserted: list[bool] = []
        self.o2n: list[int] = [-1] * (len(original) + 1)
        self.pos = 0
        self.text = ""
        if not build:
            self.add_original(0, len(original))
            self.finish()

    # Building ---------------------------------------------------------------------------------------------
    def add_original(self, start: int, end: int) -> None:
        for index in range(start, end):
            norm = nfkc(self.original[index])
            self.o2n[index] = self.pos
            self._parts.append(norm)
            self.n2o.extend([index] * len(norm))
            self.inserted.extend([False] * len(norm))
            self.pos += len(norm)

    def add_inserted(self, text: str, anchor: int) -> None:
        self._parts.append(text)
        self.n2o.extend([anchor] * len(text))
        self.inserted.extend([True] * len(text))
        self.pos += len(text)

    def logical(self, offset: int) -> int:
        """The logical offset of an original offset that has been added (or of the end of one that was)."""
        if offset < len(self.original) and self.o2n[offset] >= 0:
            return self.o2n[offset]
        if offset > 0 and self.o2n[offset - 1] >= 0:
            return self.o2n[offset - 1] + len(nfkc(self.original[offset - 1]))
        return self.pos

    def finish(self) -> None:
        self.text = "".join(self._parts)
        self._parts = [self.text]
        self.n2o.append(len(self.original))
        self.inserted.append(True)
        # breaks[i] = number of positions j <= i where the original does not continue from j-1 to j.
        breaks = [0] * (len(self.n2o))
        count = 0
        previous = None
        for index, (o, ins) in enumerate(zip(self.n2o, self.inserted, strict=True)):
            if ins or (previous is not None and o != previous and o != previous + 1):
                count += 1
            breaks[index] = count
            previous = None if ins else o
        self._breaks = breaks
        fill = len(self.text)
        for index in range(len(self.original), -1, -1):
            if self.o2n[index] < 0:
                self.o2n[index] = fill
            else:
                fill = self.o2n[index]

    # Reading ----------------------------------------------------------------------------------------------
    def _contiguous(self, start: int, end: int) -> bool:
        return self._breaks[end - 1] == self._breaks[start] and not self.inserted[start]

    def orig_span(self, start: int, end: int) -> tuple[int, int]:
        """The smallest original range covering the logical span [start, end)."""
        if end <= start:
            o = self.n2o[min(start, len(self.n2o) - 1)]
            return o, o
        if self._contiguous(start, end):
            return self.n2o[start], self.n2o[end - 1] + 1
        offsets = [o for o, ins in zip(self.n2o[start:end], self.inserted[start:end], strict=True) if not ins]
        if not offsets:
            o = self.n2o[start]
            return o, o
        return min(offsets), max(offsets) + 1

    def orig(self, start: int, end: int) -> str:
        """The original text behind the logical span [start, end), as written (wraps and separators left out)."""
        if end <= start:
            return ""
        if self._contiguous(start, end):
            return self.original[self.n2o[start]:self.n2o[end - 1] + 1]
        out: list[str] = []
        run_start = previous = None
        for o, ins in zip(self.n2o[start:end], self.inserted[start:end], strict=True):
            if ins:
                continue
            if previous is not None and (o == previous or o == previous + 1):
                previous = o
                continue
            if run_start is not None:
                out.append(self.original[run_start:previous + 1])
            run_start = previous = o
        if run_start is not None:
            out.append(self.original[run_start:previous + 1])
        return "".join(out)
