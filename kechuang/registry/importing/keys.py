"""Natural keys and foreign keys of an import, resolved in bulk (one query per target model or per 5,000 keys).

Foreign keys are given by natural key: enterprises by USCC (or an unambiguous exact name), units by name or alias,
other targets by name/title. ``RegistryInstanceLoader`` finds the existing record of each row by the registry's
natural key (``import_id_fields``), loading all of them before the first row.
"""

from __future__ import annotations

from django.db import models
from import_export.instance_loaders import BaseInstanceLoader

from kechuang.core.scoping import CHANGE, VIEW, restrict
from kechuang.org.models import Unit, UnitAlias

from ..config import RegistryConfig
from ..models import JURISDICTION_KINDS, Enterprise, pii_hash
from ..validators import mask_id
from .cells import Column, is_blank, text

CHUNK = 5000


def scoped(qs, user, action):
    """``restrict`` for a signed-in user; the command line (user None) acts as the system."""
    return qs if user is None else restrict(qs, user, action)


class Lookups:
    """Resolve foreign-key cells in bulk (one query per target model)."""

    def __init__(self, user):
        self.user = user
        self.cache: dict[type, dict[str, object]] = {}
        self.unit_names: set[str] = set()  # for "您是否要填写：杨寨镇？"

    def prepare(self, col: Column, raw_values: set[str]) -> None:
        found = self.cache.setdefault(col.target, {})
        wanted = [v for v in raw_values if v not in found]
        if not wanted:
            return
        if col.target is Enterprise:
            self._enterprises(found, wanted)
        elif col.target._meta.label == "org.Unit":
            self._units(found)
        else:
            self._named(col.target, found, wanted)

    def _enterprises(self, found: dict, wanted: list[str]) -> None:
        qs = scoped(Enterprise.objects.all(), self.user, VIEW)
        for i in range(0, len(wanted), CHUNK):
            chunk = wanted[i : i + CHUNK]
            for pk, uscc, town_id in qs.filter(uscc__in=chunk).values_list("pk", "uscc", "town_id"):
                found[uscc] = (pk, town_id)
            names = [v for v in chunk if v not in found]
            if names:
                rows = list(qs.filter(name__in=names).values_list("pk", "name", "town_id"))
                counts: dict[str, int] = {}
                for _, name, _ in rows:
                    counts[name] = counts.get(name, 0) + 1
                for pk, name, town_id in rows:
                    found[name] = (pk, town_id) if counts[name] == 1 else "ambiguous"

    def _units(self, found: dict) -> None:
        for pk, name in Unit.objects.filter(kind__in=JURISDICTION_KINDS).values_list("pk", "name"):
            found[name] = (pk, pk)
            self.unit_names.add(name)
        aliases = UnitAlias.objects.filter(unit__kind__in=JURISDICTION_KINDS).values_list("unit_id", "alias")
        for pk, alias in aliases:
            found.setdefault(alias, (pk, pk))

    def _named(self, target, found: dict, wanted: list[str]) -> None:
        label_field = "name" if any(f.name == "name" for f in target._meta.fields) else "title"
        lookup = getattr(target, "town_lookup", None)
        qs = scoped(target.objects.all(), self.user, VIEW)
        values = [label_field, "pk"] + ([lookup] if lookup else [])
        for row in qs.filter(**{f"{label_field}__in": wanted}).values_list(*values):
            key = row[0]
            found[key] = "ambiguous" if key in found else (row[1], row[2] if lookup else None)

    def get(self, col: Column, value: str):
        """(pk, jurisdiction unit id), "ambiguous" or None."""
        return self.cache.get(col.target, {}).get(value)


def db_key(cfg: RegistryConfig, obj) -> tuple:
    """The natural key of a record (or of a row as it would be stored)."""
    out = []
    for name in cfg.natural_key:
        if name == "id_number":
            out.append(obj.id_hash)
        elif isinstance(cfg.model._meta.get_field(name), models.ForeignKey):
            out.append(getattr(obj, f"{name}_id"))
        else:
            out.append(getattr(obj, name))
    return tuple(out)


def shown_key(cfg: RegistryConfig, obj) -> str:
    """The natural key as the user typed it (an ID number masked), for messages and the preview."""
    parts = []
    for name in cfg.natural_key:
        if name == "id_number":
            value = mask_id(obj._import_id_number) if getattr(obj, "_import_id_number", None) else ""
        elif isinstance(cfg.model._meta.get_field(name), models.ForeignKey):
            value = obj._import_refs.get(name, ("",))[0] if hasattr(obj, "_import_refs") else ""
        else:
            value = getattr(obj, name)
        parts.append("" if value is None else str(value))
    return " / ".join(parts)


def row_key(resource, cells: dict, parsed: dict) -> tuple | None:
    """The natural key of a row from its key cells (field name → cell value), or None when a key cell does not
    parse (its error comes with the row). The parsed key cells are kept in ``parsed`` so that the row's fields do
    not parse them again."""
    out = []
    for name in resource.cfg.natural_key:
        col = resource.columns[name]
        try:
            value = resource.fields[name].widget.parse(cells.get(name))
        except ValueError:
            return None
        if value is None:
            return None
        parsed[name] = value
        if col.kind == "fk":
            hit = resource.lookups.get(col, value)
            if not isinstance(hit, tuple):
                return None
            value = hit[0]
        elif col.kind == "uscc":
            value = value[0]
        elif col.kind == "id_number":
            value = pii_hash(value)
        out.append(value)
    return tuple(out)


class RegistryInstanceLoader(BaseInstanceLoader):
    """Every existing record a file names, loaded before the first row (by the first key field, in chunks), and
    which of them the user may change."""

    def __init__(self, resource, dataset=None):
        super().__init__(resource, dataset)
        resource.instance_loader = self  # the row checks ask it which existing records the user may change
        cfg = resource.cfg
        self.keys, self.parsed = [], []
        headers = list(dataset.headers or ()) if dataset is not None else []
        # The key columns' positions (read_sheet refuses a file without them: a required column is missing).
        key_headers = {name: resource.columns[name].header for name in cfg.natural_key}
        where = [(name, headers.index(h)) for name, h in key_headers.items() if h in headers]
        for values in dataset or ():
            parsed: dict = {}
            self.keys.append(row_key(resource, {name: values[i] for name, i in where}, parsed))
            self.parsed.append(parsed)
        model, first = cfg.model, cfg.natural_key[0]
        field = "id_hash" if first == "id_number" else model._meta.get_field(first).attname
        firsts = list({k[0] for k in self.keys if k is not None and k[0] is not None})
        self.existing: dict[tuple, models.Model] = {}
        for i in range(0, len(firsts), CHUNK):
            for obj in model.objects.filter(**{f"{field}__in": firsts[i : i + CHUNK]}):
                self.existing[db_key(cfg, obj)] = obj
        self.changeable: set[int] = set()
        ids = [o.pk for o in self.existing.values()]
        if resource.user is not None:
            for i in range(0, len(ids), CHUNK):
                qs = restrict(model.objects.filter(pk__in=ids[i : i + CHUNK]), resource.user, CHANGE)
                self.changeable.update(qs.values_list("pk", flat=True))

    def get_instance(self, row):
        key = self.keys[self.resource.current] if self.keys else None
        if key is not None:
            self.keys[self.resource.current] = None  # asked once per row: freed as the rows go
        return self.existing.get(key) if key is not None else None


def cell_text(value) -> str:
    return "" if is_blank(value) else text(value)[:50]
