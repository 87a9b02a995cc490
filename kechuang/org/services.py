"""Name resolution: the loose unit names of documents and spreadsheets → units.

One helper for every caller (plan loader, extractor, Excel imports), so that "市科技经信局",
"科技经信局" and "<city>市科技经信局" all resolve the same way.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field

from rapidfuzz import fuzz, process

from .models import Unit, UnitAlias, UnitGroup


def normalize_name(name: str) -> str:
    """NFKC, no whitespace, no trailing punctuation."""
    text = unicodedata.normalize("NFKC", name or "")
    text = re.sub(r"\s+", "", text)
    return text.strip("，,、;；。:：")


@dataclass
class Resolution:
    """Result of resolving one written name."""

    written: str
    units: list[Unit] = field(default_factory=list)
    is_group: bool = False

    @property
    def found(self) -> bool:
        return bool(self.units)


class UnitResolver:
    """Resolves names under one root unit (a city). Loads names once; cheap to call many times."""

    def __init__(self, root: Unit | None = None):
        self.root = root
        units = root.descendants() if root else Unit.objects.all()
        units = list(units.filter(is_active=True))
        self._by_name: dict[str, Unit] = {}
        root_name = normalize_name(root.name) if root else ""
        for unit in units:
            for candidate in {unit.name, unit.full_name}:
                key = normalize_name(candidate)
                if not key:
                    continue
                self._by_name.setdefault(key, unit)
                # "<city>科技经信局" ↔ "市科技经信局" ↔ "科技经信局"
                stripped = self._strip_prefixes(key, root_name)
                for variant in stripped:
                    self._by_name.setdefault(variant, unit)
        unit_ids = {u.pk for u in units}
        for alias in UnitAlias.objects.filter(unit_id__in=unit_ids).select_related("unit"):
            self._by_name[normalize_name(alias.alias)] = alias.unit
        groups = UnitGroup.objects.filter(root=root) if root else UnitGroup.objects.all()
        self._groups = {normalize_name(g.name): g for g in groups}

    @staticmethod
    def _strip_prefixes(key: str, root_name: str) -> set[str]:
        variants = set()
        base = key
        if root_name and base.startswith(root_name):
            base = base[len(root_name):]
            variants.add(base)
            variants.add("市" + base)
        if base.startswith("市") and len(base) > 2:
            variants.add(base[1:])
        return variants

    def resolve(self, written: str) -> Resolution:
        key = normalize_name(written)
        if key in self._groups:
            return Resolution(written, list(self._groups[key].members()), is_group=True)
        unit = self._by_name.get(key)
        if unit is None and not key.startswith("市"):
            unit = self._by_name.get("市" + key)
        if unit is None and key.startswith("市"):
            unit = self._by_name.get(key[1:])
        if unit is None and self.root:
            for variant in self._strip_prefixes(key, normalize_name(self.root.name)):
                unit = self._by_name.get(variant)
                if unit:
                    break
        return Resolution(written, [unit] if unit else [])

    def suggest(self, written: str) -> str | None:
        """The nearest unit name (not alias) for a name that did not resolve."""
        return suggest_name(written, {u.name for u in self._by_name.values()})

    def resolve_many(self, names: list[str]) -> tuple[list[Unit], list[str]]:
        """Resolve a list of written names; returns (units in order without duplicates, unknown names)."""
        seen: set[int] = set()
        units: list[Unit] = []
        unknown: list[str] = []
        for name in names:
            result = self.resolve(name)
            if not result.found:
                unknown.append(name)
            for unit in result.units:
                if unit.pk not in seen:
                    seen.add(unit.pk)
                    units.append(unit)
        return units, unknown


# How close (rapidfuzz WRatio, 0–100) a written name must be to suggest a unit: "杨寨" → "杨寨镇" 90,
# "杨寨乡" → "杨寨镇" and "科技局" → "市科技经信局" 67, but "杨家寨村" → "杨寨镇" only 57.
SUGGEST_CUTOFF = 65


def suggest_name(written: str, names) -> str | None:
    """The known name nearest to ``written`` (for "您是否要填写：杨寨镇？"), or None when nothing is close."""
    key = normalize_name(written)
    choices = {normalize_name(n): n for n in names if n}
    if not key or not choices:
        return None
    best = process.extractOne(key, list(choices), scorer=fuzz.WRatio, score_cutoff=SUGGEST_CUTOFF)
    return choices[best[0]] if best else None


def split_unit_list(text: str) -> list[str]:
    """Split "市财政局、市统计局，各镇办" into names; keeps 各镇办-style group names whole."""
    text = unicodedata.normalize("NFKC", text or "")
    parts = re.split(r"[、,，;；/]|\s+|和(?=市)", text)
    return [p for p in (normalize_name(p) for p in parts) if p]
