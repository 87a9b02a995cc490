"""Registry API: enterprises, platforms, talents (always masked), contracts — scoped like the pages."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.shortcuts import get_object_or_404
from ninja import Router, Schema

from kechuang.core.params import DbId, Limit, Offset
from kechuang.core.scoping import restrict, restrict_or_404

from .models import Enterprise, Platform, Talent, TechContract

PREFIX = "/registry"
router = Router(tags=["科技资源库"])
MAX_LIMIT = 500


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


@router.get("/enterprises", response=list[EnterpriseOut])
def list_enterprises(request, q: str = "", town: DbId | None = None, offset: Offset = 0, limit: Limit = 100):
    qs = restrict_or_404(Enterprise.objects.select_related("town"), request.auth)
    if q:
        qs = qs.filter(name__icontains=q) | qs.filter(uscc=q.upper()) | qs.filter(initials__contains=q.lower())
    if town:
        qs = qs.filter(town_id=town)
    return _page(qs, offset, limit)


@router.get("/enterprises/{enterprise_id}", response=EnterpriseOut)
def get_enterprise(request, enterprise_id: int):
    return get_object_or_404(restrict(Enterprise.objects.select_related("town"), request.auth), pk=enterprise_id)


@router.get("/platforms", response=list[PlatformOut])
def list_platforms(request, offset: Offset = 0, limit: Limit = 100):
    return _page(restrict_or_404(Platform.objects.select_related("host"), request.auth), offset, limit)


@router.get("/talents", response=list[TalentOut])
def list_talents(request, offset: Offset = 0, limit: Limit = 100):
    return _page(restrict_or_404(Talent.objects.select_related("employer"), request.auth), offset, limit)


@router.get("/talents/{talent_id}", response=TalentOut)
def get_talent(request, talent_id: int):
    return get_object_or_404(restrict(Talent.objects.select_related("employer"), request.auth), pk=talent_id)


@router.get("/contracts", response=list[ContractOut])
def list_contracts(request, offset: Offset = 0, limit: Limit = 100):
    return _page(restrict_or_404(TechContract.objects.select_related("enterprise"), request.auth), offset, limit)
