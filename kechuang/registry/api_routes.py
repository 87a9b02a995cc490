"""Registry API: enterprises, platforms, talents (always masked), contracts — scoped like the pages.

Writes go through the same doors as the pages: ``POST /registry/rows/{registry}`` validates one row
with the registry's form (plausibility rules included); ``POST /registry/import/{registry}``
validates (and with ``commit=true`` writes) an Excel file exactly like the upload page and the CLI."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal
from typing import Literal

from django.db import IntegrityError
from django.shortcuts import get_object_or_404
from ninja import File, Router, Schema
from ninja.errors import HttpError
from ninja.files import UploadedFile

from kechuang.audit.services import record_event
from kechuang.core.params import DbId, Limit, Offset
from kechuang.core.scoping import CHANGE, restrict

from .config import REGISTRIES
from .conflicts import file_conflicts
from .filtersets import filter_rows
from .forms import registry_form_class
from .importing import run_import
from .models import Enterprise, Talent
from .services import OutOfScope, save_row

PREFIX = "/registry"
router = Router(tags=["科技资源库"])
MAX_LIMIT = 500
YesNo = Literal["1", "0"]  # the list filters' yes/no values


class EnterpriseOut(Schema):
    id: int
    uscc: str
    uscc_warning: bool
    name: str
    town: str | None
    industry_code: str
    industry_name: str
    is_above_scale: bool
    is_industrial: bool
    registered_on: dt.date | None
    is_active: bool

    @staticmethod
    def resolve_town(obj):
        return obj.town.name if obj.town_id else None


class PlatformOut(Schema):
    id: int
    name: str
    kind: str
    level: str
    host_uscc: str | None
    host_name: str | None
    filed_on: dt.date | None
    recognised_on: dt.date | None

    @staticmethod
    def resolve_host_uscc(obj):
        return obj.host.uscc if obj.host_id else None

    @staticmethod
    def resolve_host_name(obj):
        return obj.host.name if obj.host_id else None


class TalentOut(Schema):
    id: int
    name: str
    id_number: str
    phone: str
    education: str
    title: str
    field: str
    employer: str
    category: str
    introduced_on: dt.date | None
    status: str

    @staticmethod
    def resolve_id_number(obj):
        return obj.id_number_masked  # never the full number through the API

    @staticmethod
    def resolve_phone(obj):
        return obj.phone_masked

    @staticmethod
    def resolve_employer(obj):
        return obj.employer.name if obj.employer_id else obj.employer_name


class ContractOut(Schema):
    id: int
    number: str
    kind: str
    seller: str
    buyer: str
    enterprise_uscc: str | None
    amount: Decimal
    registered_on: dt.date

    @staticmethod
    def resolve_enterprise_uscc(obj):
        return obj.enterprise.uscc if obj.enterprise_id else None


def _page(qs, offset: int, limit: int):
    limit = max(1, min(limit, MAX_LIMIT))
    return list(qs[max(0, offset) : max(0, offset) + limit])


def _rows(request, registry: str):
    """The caller's rows of a registry with the list page's filters and search (same query parameters)."""
    return filter_rows(REGISTRIES[registry], request.auth, request.GET).qs


@router.get("/enterprises", response=list[EnterpriseOut])
def list_enterprises(request, q: str = "", town: DbId | None = None, is_above_scale: YesNo | None = None,
                     is_industrial: YesNo | None = None, is_active: YesNo | None = None, offset: Offset = 0,
                     limit: Limit = 100):
    """Enterprises in the caller's scope, filtered like the list page (``q`` searches name, credit code and
    pinyin initials; ``town`` is a unit id; the yes/no filters take 1 or 0)."""
    return _page(_rows(request, "enterprises"), offset, limit)


@router.get("/enterprises/{enterprise_id}", response=EnterpriseOut)
def get_enterprise(request, enterprise_id: int):
    return get_object_or_404(restrict(Enterprise.objects.select_related("town"), request.auth), pk=enterprise_id)


@router.get("/platforms", response=list[PlatformOut])
def list_platforms(request, q: str = "", kind: str = "", level: str = "", offset: Offset = 0, limit: Limit = 100):
    return _page(_rows(request, "platforms"), offset, limit)


@router.get("/talents", response=list[TalentOut])
def list_talents(request, q: str = "", category: str = "", offset: Offset = 0, limit: Limit = 100):
    return _page(_rows(request, "talents"), offset, limit)


@router.get("/talents/{talent_id}", response=TalentOut)
def get_talent(request, talent_id: int):
    return get_object_or_404(restrict(Talent.objects.select_related("employer"), request.auth), pk=talent_id)


@router.get("/contracts", response=list[ContractOut])
def list_contracts(request, q: str = "", kind: str = "", offset: Offset = 0, limit: Limit = 100):
    return _page(_rows(request, "contracts"), offset, limit)


# ------------------------------------------------------------------------------ writes

MAX_UPLOAD = 30 * 1024 * 1024


class ImportOut(Schema):
    ok: bool
    committed: bool
    sheet: str
    total_rows: int
    created: int
    updated: int
    unchanged: int
    error_count: int
    errors: list[dict]
    warnings: list[str]
    row_warning_count: int
    row_warnings: list[dict]


class RowOut(Schema):
    id: int
    warnings: list[str]


def _writable(registry: str, user):
    cfg = REGISTRIES.get(registry)
    if cfg is None or cfg.model.scope_rule(user, CHANGE) in (False, None):
        raise HttpError(404, "Not Found")
    return cfg


@router.post("/import/{registry}", response=ImportOut)
def import_file(request, registry: str, file: UploadedFile | None = File(None), commit: bool = False):  # noqa: B008
    """Validate an .xlsx for a registry (dry run) or, with ``commit=true`` and no error, write it."""
    _writable(registry, request.auth)
    if file is None:
        raise HttpError(422, "请以 multipart/form-data 的 file 字段上传 .xlsx 文件")
    if file.size > MAX_UPLOAD:
        raise HttpError(413, "文件超过 30 MB，请拆分后导入")
    result = run_import(registry, file.read(), request.auth, commit=commit, filename=file.name or "")
    record_event("registry.import_api", detail={"registry": registry, **result.summary()})
    return {
        "ok": result.ok,
        "sheet": result.sheet,
        **{k: v for k, v in result.summary().items() if k not in ("sheet", "row_warning_count")},
        "errors": [e.as_dict() for e in result.errors],
        "warnings": result.warnings,
        "row_warning_count": result.row_warning_count,
        "row_warnings": [w.as_dict() for w in result.row_warnings],
    }


@router.post("/rows/{registry}", response={201: RowOut})
def create_row(request, registry: str):
    """Create one row from a JSON object of field values (references by USCC or name), validated like
    the web form. 422 lists every problem by field, in Chinese."""
    cfg = _writable(registry, request.auth)
    user = request.auth
    try:
        payload = json.loads(request.body or b"null")
    except ValueError as exc:
        raise HttpError(400, "请求体不是有效的 JSON") from exc
    if not isinstance(payload, dict):
        raise HttpError(422, "请求体应为 JSON 对象（字段名: 值）")
    form = registry_form_class(cfg, user, None)(data={k: "" if v is None else v for k, v in payload.items()})
    if not form.is_valid():
        if getattr(form, "hidden_conflicts", None):
            file_conflicts(cfg.key, user, form.hidden_conflicts, "api")
        raise HttpError(422, "；".join(_form_errors(form)))
    try:
        obj = save_row(cfg, form, user, created=True, detail={"api": True})
    except OutOfScope as exc:
        raise HttpError(422, "只能登记本辖区的记录") from exc
    except IntegrityError as exc:
        raise HttpError(422, "与已有记录重复（编号、代码或身份证号已存在）") from exc
    return 201, {"id": obj.pk, "warnings": getattr(form, "rule_warnings", [])}


def _form_errors(form) -> list[str]:
    out = []
    for name, errors in form.errors.items():
        label = form.fields[name].label if name in form.fields else ""
        for error in errors:
            out.append(f"{label}：{error}" if label else str(error))
    return out
