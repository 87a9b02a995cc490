"""NFKC normalisation that remembers where every normalised character came from."""

from __future__ import annotations

import unicodedata


class NormText:
    """``text`` is the NFKC form of ``original``; offsets map both ways."""

    def __init__(self, original: str):
        self.original = original
        parts: list[str] = []
        n2o: list[int] = []
        o2n: list[int] = []
        pos = 0
        for index, char in enumerate(original):
            norm = unicodedata.normalize("NFKC", char) or char
            o2n.append(pos)
            parts.append(norm)
            n2o.extend([index] * len(norm))
            pos += len(norm)
        o2n.append(pos)
        n2o.append(len(original))
        self.text = "".join(parts)
        self.n2o = n2o
        self.o2n = o2n

    def orig_span(self, start: int, end: int) -> tuple[int, int]:
        if end <= start:
            o = self.n2o[start]
            return o, o
        return self.n2o[start], self.n2o[end - 1] + 1

    def orig(self, start: int, end: int) -> str:
        """The original text behind the normalised span [start, end)."""
        ostart, oend = self.orig_span(start, end)
        return self.original[ostart:oend]
