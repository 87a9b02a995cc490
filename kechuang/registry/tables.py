"""One django-tables2 ``Table`` per registry list, generated from ``RegistryConfig.list_fields``.

Cells read as they always did (choices by label, booleans 是/否, units and enterprises by name); ID and phone
numbers are shown masked only: their columns read ``id_number_masked`` / ``phone_masked`` and never decrypt.
The first column links to the record and carries the "待核实" badge of a doubtful credit code.
"""

from __future__ import annotations

import django_tables2 as tables
from django.db.models import QuerySet
from django.urls import reverse
from django.utils.html import format_html
from django.utils.safestring import mark_safe

from kechuang.core.tables import TEMPLATE

from .config import REGISTRIES, RegistryConfig
from .services import display_value, field_label

DOUBTFUL_USCC = mark_safe(' <span class="badge text-bg-warning" title="代码校验位存疑">待核实</span>')


class FieldColumn(tables.Column):
    """A model field shown with ``display_value`` (the same text as the detail page)."""

    def __init__(self, name: str, **kwargs):
        self.field_name = name
        super().__init__(default="", **kwargs)

    def render(self, record):
        return display_value(record, self.field_name)

    def cell(self, record):
        """The page's cell without django-tables2's per-cell machinery (see ``core.tables.page_rows``)."""
        value = display_value(record, self.field_name)
        return "" if value is None else value

    def value(self, record):
        value = display_value(record, self.field_name)
        return value if isinstance(value, (int, float, str)) or value is None else str(value)


class LinkColumn(FieldColumn):
    """The first column: a link to the record, with the doubtful-code badge."""

    PLACEHOLDER = 987_654_321  # an id no row has, reversed once and replaced by each row's

    def __init__(self, name: str, **kwargs):
        super().__init__(name, **kwargs)
        self._url = None  # (registry key, the detail URL split at the placeholder); each table has its own copy

    def render(self, record):
        badge = DOUBTFUL_USCC if getattr(record, "uscc_warning", False) else ""
        return format_html('<a href="{}">{}</a>{}', self._detail_url(record), super().render(record), badge)

    cell = render

    def _detail_url(self, record) -> str:
        """``record.get_absolute_url()`` with one ``reverse`` per table rather than one per row."""
        if self._url is None or self._url[0] != record.registry_key:
            url = reverse("registry:detail", kwargs={"registry": record.registry_key, "pk": self.PLACEHOLDER})
            self._url = (record.registry_key, url.split(str(self.PLACEHOLDER)))
        return str(record.pk).join(self._url[1])


class RegistryTable(tables.Table):
    cfg: RegistryConfig
    loaded: tuple[str, ...]  # the columns the cells read (``_loaded_fields``)

    class Meta:
        template_name = TEMPLATE
        empty_text = "暂无记录"

    def __init__(self, data, **kwargs):
        if isinstance(data, QuerySet):
            data = data.only(*self.loaded)  # not the address, timestamps… of every row and of its town
        super().__init__(data, **kwargs)


def _loaded_fields(cfg: RegistryConfig) -> tuple[str, ...]:
    """The model fields the list's cells read: the listed fields (an encrypted one for a masked column), the
    doubtful-code flag of the first column's badge, the keys of the joined rows (``select_related``); a related
    row (the town) is loaded whole, for its name."""
    names = [f"{name}_enc" if name in cfg.virtual else name for name in cfg.list_fields]
    if any(f.name == "uscc_warning" for f in cfg.model._meta.concrete_fields):
        names.append("uscc_warning")
    names += [path.split("__")[0] for path in cfg.select_related]  # a joined row needs its key loaded
    for name in names:
        cfg.model._meta.get_field(name)  # a misspelt name fails at start-up, not on a page
    return tuple(names)


def _column(cfg: RegistryConfig, name: str, first: bool) -> tables.Column:
    masked = name in cfg.virtual  # id_number / phone: the masked property, never the decrypted value
    cls = LinkColumn if first else FieldColumn
    return cls(name, verbose_name=field_label(cfg, name), accessor=f"{name}_masked" if masked else name,
               orderable=not masked, empty_values=() if first else (None, ""))


def _build(cfg: RegistryConfig) -> type[RegistryTable]:
    attrs = {name: _column(cfg, name, i == 0) for i, name in enumerate(cfg.list_fields)}
    attrs["cfg"] = cfg
    attrs["loaded"] = _loaded_fields(cfg)
    attrs["Meta"] = type("Meta", (RegistryTable.Meta,), {"model": cfg.model, "fields": (),
                                                          "sequence": cfg.list_fields})
    return type(f"{cfg.model.__name__}Table", (RegistryTable,), attrs)


TABLES = {key: _build(cfg) for key, cfg in REGISTRIES.items()}


def table_for(cfg: RegistryConfig) -> type[RegistryTable]:
    return TABLES[cfg.key]
