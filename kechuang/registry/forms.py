"""The generic registry form (web page and API), driven by ``config.REGISTRIES``: references by
USCC or name within the user's scope, PII checked, and the registry's plausibility rules run on the
row as it would be saved."""

from __future__ import annotations

from django import forms
from django.db import models

from kechuang.core.scoping import CHANGE, VIEW, restrict
from kechuang.org.models import Unit

from .config import RegistryConfig
from .conflicts import HIDDEN_MESSAGE, hidden_ids
from .models import JURISDICTION_KINDS, Enterprise, pii_hash
from .plausibility import ERROR, is_excel_error, validate_one
from .validators import CheckError, check_id_number, check_phone, check_uscc


class ReferenceField(forms.CharField):
    """An enterprise (USCC or exact name) or another row (name/title), resolved within a scope."""

    def __init__(self, *, queryset, label_field, **kwargs):
        self.queryset, self.label_field = queryset, label_field
        super().__init__(**kwargs)

    def clean(self, value):
        value = super().clean(value)
        if not value:
            return None
        value = value.strip()
        qs = self.queryset
        if qs.model is Enterprise:
            hit = list(qs.filter(uscc=value.upper())[:2]) or list(qs.filter(name=value)[:2])
        else:
            hit = list(qs.filter(**{self.label_field: value})[:2])
        if not hit:
            raise forms.ValidationError("找不到该记录（或不在您的管辖范围内）")
        if len(hit) > 1:
            raise forms.ValidationError("对应多条记录，请填写统一社会信用代码")
        return hit[0]


class RegistryForm(forms.ModelForm):
    """What every generated registry form shares; ``registry_form_class`` sets ``cfg``, ``user`` and the fields."""

    cfg: RegistryConfig
    user = None
    unique_fields: list[str] = []

    @staticmethod
    def _checked(value, check):
        """An optional personal-data field through its check-digit validator, as a form error."""
        if not value:
            return ""
        try:
            return check(value)
        except CheckError as exc:
            raise forms.ValidationError(str(exc)) from exc

    def clean_id_number(self):
        return self._checked(self.cleaned_data.get("id_number"), check_id_number)

    def clean_phone(self):
        return self._checked(self.cleaned_data.get("phone"), check_phone)

    def clean_uscc(self):
        try:
            code, warning = check_uscc(self.cleaned_data.get("uscc"))
        except CheckError as exc:
            raise forms.ValidationError(str(exc)) from exc
        self.instance.uscc_warning = warning
        return code

    def _post_clean(self):
        # The model's own checks first, then the registry's plausibility rules (plausibility.py), the same
        # ones the Excel import and the data-quality check run.
        super()._post_clean()
        for name, value in list(self.cleaned_data.items()):
            if is_excel_error(value):
                self.add_error(name, "这是 Excel 错误值，请填写实际值")
        self.rule_warnings = []
        for v in validate_one(self.cfg.key, self.instance):
            target = v.field if v.field in self.fields else None
            if v.severity == ERROR:
                self.add_error(target, v.message)
            else:
                self.rule_warnings.append(v.message)

    def validate_unique(self):
        """Duplicates the user may see get a precise message; a key held outside their jurisdiction gets the
        neutral one and is filed for the office (conflicts.py), so existence is never revealed."""
        cfg, unique_fields = self.cfg, self.unique_fields
        self.hidden_conflicts = []
        exclude = set(self._get_validation_exclusions()) | set(unique_fields)
        try:
            self.instance.validate_unique(exclude=exclude)
        except forms.ValidationError as exc:
            self._update_errors(exc)
        checks = [(name, {name: self.cleaned_data.get(name)}) for name in unique_fields if name not in self._errors]
        if "id_number" in cfg.virtual and self.cleaned_data.get("id_number") and "id_number" not in self._errors:
            checks.append(("id_number", {"id_hash": pii_hash(self.cleaned_data["id_number"])}))
        for name, lookup in checks:
            if list(lookup.values())[0] in (None, ""):
                continue
            clash = cfg.model.objects.filter(**lookup).exclude(pk=self.instance.pk).values_list("pk", flat=True).first()
            if clash is None:
                continue
            if hidden_ids(cfg.model, self.user, [clash]):
                self.hidden_conflicts.append(clash)
                self.add_error(None, HIDDEN_MESSAGE)
            else:
                self.add_error(name, f"已有相同{self.fields[name].label}的记录")


def _foreign_key_field(f: models.ForeignKey, user, instance) -> forms.Field:
    """A unit as a choice among the user's units; any other reference typed by USCC or name, within scope."""
    target = f.related_model
    if target._meta.label == "org.Unit":
        units = Unit.objects.filter(kind__in=JURISDICTION_KINDS, is_active=True)
        if not user.has_perm("registry.assign_any_unit"):
            units = units.filter(pk=user.unit_id)
        return forms.ModelChoiceField(units, label=f.verbose_name, required=not f.null)
    label_field = "name" if any(x.name == "name" for x in target._meta.fields) else "title"
    scope = CHANGE if target is Enterprise else VIEW
    help_text = "统一社会信用代码或完整企业名称" if target is Enterprise else f"{target._meta.verbose_name}名称"
    initial = None
    if instance is not None and getattr(instance, f.attname):
        ref = getattr(instance, f.name)
        initial = ref.uscc if target is Enterprise else getattr(ref, label_field)
    return ReferenceField(
        queryset=restrict(target.objects.all(), user, scope),
        label_field=label_field,
        label=f.verbose_name,
        required=not f.null,
        help_text=help_text,
        initial=initial,
    )


def _pii_fields(cfg: RegistryConfig, instance) -> dict[str, forms.Field]:
    """ID and phone numbers: typed in full, shown masked, left unchanged when empty on an existing row."""
    out = {}
    if "id_number" in cfg.virtual:
        out["id_number"] = forms.CharField(
            label="身份证号码",
            required=instance is None,
            max_length=18,
            help_text=("留空则不修改；当前：" + instance.id_number_masked) if instance is not None else "",
        )
    if "phone" in cfg.virtual:
        out["phone"] = forms.CharField(
            label="联系电话",
            required=False,
            max_length=20,
            help_text=("留空则不修改；当前：" + instance.phone_masked) if instance is not None else "",
        )
    return out


def registry_form_class(cfg: RegistryConfig, user, instance):
    """The ModelForm of one registry for one user (references resolved within the user's scope)."""
    editable = cfg.editable_fields()
    names = [f.name for f in editable]
    attrs: dict = {
        f.name: _foreign_key_field(f, user, instance) for f in editable if isinstance(f, models.ForeignKey)
    }
    attrs.update(_pii_fields(cfg, instance))
    attrs["cfg"], attrs["user"] = cfg, user
    attrs["unique_fields"] = [f.name for f in editable if f.unique and not f.primary_key]
    date_widgets = {
        f.name: forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
        for f in editable
        if isinstance(f, models.DateField)
    }
    attrs["Meta"] = type("Meta", (), {"model": cfg.model, "fields": names, "widgets": date_widgets})
    return type(f"{cfg.model.__name__}Form", (RegistryForm,), attrs)
