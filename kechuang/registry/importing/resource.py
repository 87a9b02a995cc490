"""One django-import-export ``ModelResource`` per registry, generated from its ``RegistryConfig``.

Each column of the template is a resource field whose widget is the Chinese cell parser (cells.py); the natural
key is the resource's ``import_id_fields``; foreign keys are given by USCC / unit name (keys.py). A dry run of
``import_data`` is the preview: every row goes through the widgets, the access, jurisdiction and key checks, and
at the end the plausibility rules (plausibility.py) and the database's other unique keys. The library's row
errors are turned into the located Chinese messages (sheet, row as Excel shows it, column letter, header, value,
reason). The rows to write are collected by the bulk hooks (``use_bulk``) into a ``Plan`` that ``run.commit``
writes through ``bulkwrite`` (why not through the library: see that module).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import models
from import_export import fields, resources, widgets
from import_export.results import RowResult
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from kechuang.core.predicates import is_office
from kechuang.org.services import suggest_name

from ..config import RegistryConfig
from ..conflicts import HIDDEN_MESSAGE, hidden_ids
from ..models import Enterprise, add_years, decrypt_pii, pinyin_initials
from ..plausibility import ERROR, build_context, validate
from .cells import Column, cell_parser, columns_for, is_blank, refuse_formula_or_error, text
from .keys import Lookups, RegistryInstanceLoader, cell_text, db_key, shown_key
from .reading import Sheet
from .results import ImportResult

PREVIEW_ROWS = 50
REPORTED = "__reported__"
NOTHING: frozenset[str] = frozenset()  # a row refused with its located messages already in the report


class CellWidget(widgets.Widget):
    """A template column's cell → the stored value, or ``ValueError`` with the Chinese reason."""

    def __init__(self, col: Column):
        super().__init__()
        self.col = col
        self.parse = cell_parser(col)  # built once: the per-cell path is this one function

    def clean(self, value, row=None, **kwargs):
        return self.parse(value)


@dataclass
class Plan:
    """What a committed import writes."""

    create: list = field(default_factory=list)
    update: list = field(default_factory=list)
    update_fields: set = field(default_factory=set)


class RegistryResource(resources.ModelResource):
    """Shared behaviour of the generated resources; ``cfg`` and the fields come from ``resource_for``."""

    cfg: RegistryConfig

    class Meta:
        use_bulk = True  # rows are collected, then written at once (see Plan)
        skip_diff = True  # the preview is built here; no per-row HTML diff
        skip_unchanged = True
        report_skipped = False
        clean_model_instances = False  # the widgets and the plausibility rules validate
        instance_loader_class = RegistryInstanceLoader

    def __init__(self, *, user=None, sheet: Sheet, report: ImportResult, progress=None, library_write: bool = False):
        super().__init__()
        self.user, self.sheet, self.report = user, sheet, report
        self.progress = progress or (lambda pct: None)
        self.library_write = library_write  # bench only: the library's own bulk write with history
        self.columns = {c.name: c for c in columns_for(self.cfg)}
        self.lookups = Lookups(user)
        self.plan = Plan()
        self.current = 0
        self.instance_loader: RegistryInstanceLoader | None = None  # set by the loader when the import starts
        self.first_row: dict[tuple, int] = {}
        self.checked: list[tuple[int, models.Model]] = []  # (Excel row, the row as it would be stored)
        self.unique_seen: dict[str, dict] = {name: {} for name in other_unique_fields(self.cfg)}
        self.own_unit = None if user is None or is_office(user) else user.unit_id
        self.owner_fk = next(
            (f.name for f in self.cfg.model._meta.concrete_fields
             if isinstance(f, models.ForeignKey) and f.related_model is Enterprise), None,
        )
        self.empty = {f.name: _empty_value(f) for f in self.cfg.editable_fields()}
        self.tracked = [f.attname for f in self.cfg.model._meta.concrete_fields if not f.primary_key]
        # (field name, column header, cell parser, setter) of every column: the per-row loop of import_instance.
        self.cells = [(f.attribute, f.column_name, f.widget.parse, self._setter(self.columns[f.attribute]))
                      for f in self.get_import_fields()]
        self.owners: dict[int, Enterprise] = {}

    # -------------------------------------------------------------- library hooks

    def before_import(self, dataset, **kwargs):
        """Foreign-key cells of the whole file resolved in bulk, before the first row."""
        for col in self.columns.values():
            if col.kind == "fk" and col.header in dataset.headers:
                raw = set()
                for value in dataset[col.header]:
                    try:
                        value = refuse_formula_or_error(value)
                    except ValueError:
                        continue
                    if not is_blank(value):
                        raw.add(text(value))
                self.lookups.prepare(col, raw)
        if self.owner_fk in self.columns:
            # The owning enterprises (name for the row's label and search initials), loaded at once.
            hits = self.lookups.cache.get(Enterprise, {}).values()
            ids = list({hit[0] for hit in hits if isinstance(hit, tuple)})
            for i in range(0, len(ids), 5000):
                for ent in Enterprise.objects.filter(pk__in=ids[i : i + 5000]).only("pk", "name", "uscc", "town_id"):
                    self.owners[ent.pk] = ent

    def import_row(self, row, instance_loader, **kwargs):
        self.current = kwargs["row_number"] - 1
        if self.current % 2000 == 1999:
            self.progress(20 + self.current * 25 // len(self.sheet.excel_rows))
        row_result = super().import_row(row, instance_loader, **kwargs)
        if row_result.import_type == RowResult.IMPORT_TYPE_INVALID:
            self._report_invalid(row, row_result.validation_error)
        elif row_result.import_type == RowResult.IMPORT_TYPE_ERROR:
            raise row_result.errors[0].error  # a bug, not a cell: run_import logs it and says so
        return row_result

    def after_init_instance(self, instance, new, row, **kwargs):
        instance._import_refs = {}
        # The stored values, as a tuple in ``self.tracked`` order (a dict per row costs ~1 KB at 50,000 rows).
        instance._import_before = None if new else tuple(getattr(instance, a) for a in self.tracked)

    def import_instance(self, instance, row, **kwargs):
        """The library's field loop with the parsers and setters looked up once per import: a cell's
        ``ValueError`` becomes that field's error (the row checks then skipped), as in ``Resource.import_instance``."""
        errors = {}
        parsed = self.instance_loader.parsed[self.current]  # key cells, parsed once by the loader
        self.instance_loader.parsed[self.current] = None  # read once: freed as the rows go
        for name, header, parse, assign in self.cells:
            if header not in row:
                continue
            try:
                assign(instance, parsed[name] if name in parsed else parse(row[header]))
            except ValueError as exc:
                errors[name] = ValidationError(str(exc), code="invalid")
        if errors:
            raise ValidationError(errors)
        if not self._row_checks(instance):
            raise ValidationError({REPORTED: "refused"})
        self._finish(instance)
        self.checked.append((self._excel_row(), instance))

    def skip_row(self, instance, original, row, import_validation_errors=None):
        return not import_validation_errors and not instance._state.adding and not instance._import_changed

    def save_instance(self, instance, is_create, row, **kwargs):
        if not is_create:
            self.plan.update_fields |= instance._import_changed
        super().save_instance(instance, is_create, row, **kwargs)

    def after_import_row(self, row, row_result, **kwargs):
        if len(self.report.preview) < PREVIEW_ROWS and row_result.import_type != RowResult.IMPORT_TYPE_INVALID:
            self._preview(row_result)

    def bulk_create(self, using_transactions, dry_run, raise_errors, batch_size=None, result=None):
        if self.library_write and not dry_run and self.create_instances:
            bulk_create_with_history(self.create_instances, self._meta.model, batch_size=2000,
                                     default_change_reason="Excel导入")
        self.plan.create.extend(self.create_instances)
        self.create_instances.clear()

    def bulk_update(self, using_transactions, dry_run, raise_errors, batch_size=None, result=None):
        if self.library_write and not dry_run and self.update_instances:
            bulk_update_with_history(self.update_instances, self._meta.model, sorted(self.plan.update_fields),
                                     batch_size=2000, default_change_reason="Excel导入")
        self.plan.update.extend(self.update_instances)
        self.update_instances.clear()

    def after_import(self, dataset, result, **kwargs):
        super().after_import(dataset, result, **kwargs)
        self._check_rules()
        self._check_db_unique()

    # -------------------------------------------------------------- cells

    def get_row_result_class(self):
        return _RowResult

    def _excel_row(self) -> int:
        return self.sheet.excel_rows[self.current]

    def _setter(self, col: Column):
        """How one parsed cell is put on the row's instance (PII encrypted, foreign keys resolved)."""
        if col.kind == "fk":
            return lambda instance, value: self._assign_fk(col, instance, value)
        if col.kind == "uscc":
            return _set_uscc
        if col.kind in ("id_number", "phone"):
            return lambda instance, value: _set_pii(col.kind, instance, value)
        name, empty = col.name, self.empty[col.name]

        def assign(instance, value):
            value = empty if value is None else value
            # An existing record keeps its own (equal) value object: the file's copy is then freed (memory).
            if instance._state.adding or instance.__dict__.get(name) != value:
                setattr(instance, name, value)

        return assign

    def _assign_fk(self, col: Column, instance, value) -> None:
        attname = col.model_field.attname
        if value is None:
            setattr(instance, attname, None)
            return
        hit = self.lookups.get(col, value)
        if hit is None:
            nearest = suggest_name(value, self.lookups.unit_names) if col.target._meta.label == "org.Unit" else None
            if nearest:
                raise ValueError(f"找不到单位“{value}”。您是否要填写：{nearest}？")
            raise ValueError(f"找不到该{col.target._meta.verbose_name}（或不在您的查看范围内）")
        if hit == "ambiguous":
            raise ValueError("名称对应多条记录，请改填统一社会信用代码")
        instance._import_refs[col.name] = hit
        setattr(instance, attname, hit[0])
        if hit[0] in self.owners and col.name == self.owner_fk:
            instance._state.fields_cache[col.name] = self.owners[hit[0]]  # no query per row for labels

    def _report_invalid(self, row, error: ValidationError) -> None:
        """The library's field errors → located messages (those of the row checks are already reported)."""
        for name, messages in error.message_dict.items():
            if name == REPORTED:
                continue
            col = self.columns[name]
            for message in messages:
                self.report.add_error(self.sheet.name, self._excel_row(), self.sheet.letters.get(name, ""),
                                      col.header, cell_text(row.get(col.header)), message)

    # -------------------------------------------------------------- row checks

    def _refuse(self, instance, name: str, reason: str, value: str | None = None) -> bool:
        key = self.cfg.natural_key[0]
        if name not in self.sheet.letters:
            name = key
        header = self.sheet.headers.get(name, "")
        self.report.add_error(self.sheet.name, self._excel_row(), self.sheet.letters.get(name, ""), header,
                              shown_key(self.cfg, instance) if value is None else value, reason)
        return False

    def _row_checks(self, instance) -> bool:
        """In-file duplicates, the right to change an existing record, the jurisdiction, a record moving owner."""
        cfg, key_name = self.cfg, self.cfg.natural_key[0]
        key = db_key(cfg, instance)
        if key in self.first_row:
            label = "、".join(self.sheet.headers.get(n, n) for n in cfg.natural_key)
            return self._refuse(instance, key_name, f"与第{self.first_row[key]}行重复（同一{label}出现多次）")
        self.first_row[key] = self._excel_row()
        existing = not instance._state.adding
        if existing and self.user is not None and instance.pk not in self.instance_loader.changeable:
            hidden = bool(hidden_ids(cfg.model, self.user, [instance.pk]))
            if hidden:
                self.report.conflicts.append(instance.pk)
            return self._refuse(instance, key_name,
                                HIDDEN_MESSAGE if hidden else "该记录已存在且不在您的管辖范围内，不能修改")
        if self.own_unit is not None and not self._in_jurisdiction(instance):
            name = cfg.model.town_lookup.split("__")[0] if cfg.model.town_lookup else key_name
            return self._refuse(instance, name, "只能导入本辖区的记录（该记录属于其他镇办或未关联本辖区企业）")
        owner = self.owner_fk
        if existing and owner and owner not in cfg.natural_key and owner in instance._import_refs:
            before = instance._import_before[self.tracked.index(f"{owner}_id")]
            if before is not None and instance._import_refs[owner][0] != before:
                registered = self.owners.get(before) or Enterprise.objects.filter(pk=before).first()
                key_header = self.sheet.headers.get(key_name, "")
                return self._refuse(instance, owner, f"与库中已有记录冲突：该{key_header}已登记在“{registered}”名下")
        return True

    def _in_jurisdiction(self, instance) -> bool:
        """Whether the row belongs to the user's unit; a town's enterprise without a town is put in the town."""
        lookup = self.cfg.model.town_lookup
        if lookup is None:
            return False
        first = lookup.split("__")[0]
        in_file = self.columns[first].header in self.sheet.dataset.headers if first in self.columns else False
        if self.cfg.model is Enterprise and instance.town_id is None and (in_file or instance._state.adding):
            instance.town_id = self.own_unit
            instance._import_refs["town"] = (self.own_unit, self.own_unit)
        if first in instance._import_refs:
            return instance._import_refs[first][1] == self.own_unit
        if in_file or instance._state.adding:
            return False
        obj = instance
        for part in lookup.split("__"):
            obj = getattr(obj, part, None) if obj is not None else None
        return getattr(obj, "pk", obj) == self.own_unit

    def _finish(self, instance) -> None:
        """Derived fields (certificate expiry, search initials), what changed, and file-wide unique fields."""
        if hasattr(instance, "expires_on") and getattr(instance, "issued_on", None) and not instance.expires_on:
            instance.expires_on = add_years(instance.issued_on, 3)
        before = instance._import_before
        changed = set() if before is None else {
            a for a, v in zip(self.tracked, before, strict=True) if getattr(instance, a) != v
        } - {"created", "last_updated"}
        source = getattr(self.cfg.model, "initials_source", None)
        if source and (instance._state.adding or source in changed):
            instance.initials = pinyin_initials(str(_label(instance)))
            if not instance._state.adding:
                changed.add("initials")
        instance._import_changed = changed or NOTHING  # one shared empty set (a set per row: ~10 MB at 50,000)
        for name, seen in self.unique_seen.items():
            value = getattr(instance, name)
            if value in (None, ""):
                continue
            if value in seen and seen[value] != self._excel_row():
                header = self.sheet.headers.get(name, "")
                self.report.add_error(self.sheet.name, self._excel_row(), self.sheet.letters.get(name, ""), header,
                                      str(value), f"与第{seen[value]}行的{self.sheet.headers.get(name, name)}重复")
            seen[value] = self._excel_row()

    def _preview(self, row_result) -> None:
        instance = self.checked[-1][1] if self.checked else None
        if instance is None:
            return
        action = {RowResult.IMPORT_TYPE_NEW: "新增", RowResult.IMPORT_TYPE_UPDATE: "更新"}.get(
            row_result.import_type, "无变化")
        self.report.preview.append({
            "row": self._excel_row(), "action": action, "key": shown_key(self.cfg, instance),
            "label": str(_label(instance))[:60], "changed": sorted(instance._import_changed),
        })

    # -------------------------------------------------------------- the whole file

    def _check_rules(self) -> None:
        """The registry's plausibility rules on every row as it would be stored: errors block the file, warnings
        are listed in the preview and kept on the job."""
        if not self.cfg.rules or not self.checked:
            return
        ctx = build_context(self.cfg.key, [obj for _, obj in self.checked])
        for row, obj in self.checked:
            for v in validate(self.cfg.key, obj, ctx):
                header = self.sheet.headers.get(v.field) or str(self.cfg.model._meta.get_field(v.field).verbose_name)
                value = getattr(obj, v.field, None)
                args = (self.sheet.name, row, self.sheet.letters.get(v.field, ""), header,
                        "" if value is None else str(value), v.message)
                (self.report.add_error if v.severity == ERROR else self.report.add_row_warning)(*args)

    def _check_db_unique(self) -> None:
        """A unique field other than the natural key (e.g. a certificate number) already used by another row."""
        rows = {id(obj): row for row, obj in self.checked}
        objs = self.plan.create + self.plan.update
        for name in self.unique_seen:
            values = [getattr(o, name) for o in objs if getattr(o, name) not in (None, "")]
            taken = {}
            for i in range(0, len(values), 5000):
                chunk = values[i : i + 5000]
                taken.update(dict(self.cfg.model.objects.filter(**{f"{name}__in": chunk}).values_list(name, "pk")))
            hidden = hidden_ids(self.cfg.model, self.user, {taken[getattr(o, name)] for o in objs
                                                            if getattr(o, name) in taken})
            header = self.sheet.headers.get(name, name)
            for obj in objs:
                value = getattr(obj, name)
                if value in taken and taken[value] != obj.pk:
                    if taken[value] in hidden:
                        self.report.conflicts.append(taken[value])
                    reason = HIDDEN_MESSAGE if taken[value] in hidden else f"与库中已有记录的{header}冲突"
                    self.report.add_error(self.sheet.name, rows.get(id(obj)), self.sheet.letters.get(name, ""),
                                          self.sheet.headers.get(name, name), str(value), reason)



class _RowResult(RowResult):
    """No ``str(instance)`` per row (a label may need its enterprise; the preview carries its own labels)."""

    def add_instance_info(self, instance):
        self.object_id = getattr(instance, "pk", None)


def _set_uscc(instance, value) -> None:
    uscc, warning = value if value is not None else (None, False)
    if instance._state.adding or instance.uscc != uscc:
        instance.uscc = uscc
    instance.uscc_warning = warning


def _set_pii(kind: str, instance, value) -> None:
    current = None if instance._state.adding else decrypt_pii(getattr(instance, f"{kind}_enc"))
    if kind == "id_number":
        instance._import_id_number = value
    if value != current:
        (instance.set_id_number if kind == "id_number" else instance.set_phone)(value or "")


def _empty_value(f: models.Field):
    """What an empty cell stores: NULL where allowed, else the default ("" for text)."""
    if f.null:
        return None
    empty = f.get_default()
    if empty is None and isinstance(f, (models.CharField, models.TextField)):
        return ""
    return empty


def _label(obj) -> str:
    try:
        return getattr(obj, obj.initials_source, "") or ""
    except Exception:  # noqa: BLE001 - a related object not yet loaded
        return ""


def other_unique_fields(cfg: RegistryConfig) -> list[str]:
    return [
        f.name
        for f in cfg.model._meta.concrete_fields
        if f.unique and not f.primary_key and f.name not in cfg.natural_key and f.name != "id_hash" and f.editable
    ]


_RESOURCES: dict[str, type[RegistryResource]] = {}


def resource_for(cfg: RegistryConfig) -> type[RegistryResource]:
    """The registry's ``ModelResource``: one field per template column (column name = the Chinese header, widget =
    its cell parser), the natural key as ``import_id_fields``."""
    if cfg.key not in _RESOURCES:
        columns = columns_for(cfg)
        custom = {c.name: fields.Field(attribute=c.name, column_name=c.header, widget=CellWidget(c)) for c in columns}
        _RESOURCES[cfg.key] = resources.modelresource_factory(
            cfg.model,
            resource_class=RegistryResource,
            meta_options={
                "fields": [c.name for c in columns],
                "import_order": [c.name for c in columns],  # errors of a row come in column order
                "import_id_fields": list(cfg.natural_key),
            },
            custom_fields=custom,
        )
        _RESOURCES[cfg.key].cfg = cfg
    return _RESOURCES[cfg.key]
