"""Bulletins API (read-only): the office sees every bulletin, leaders the issued ones."""

from __future__ import annotations

import datetime as dt

from django.shortcuts import get_object_or_404
from ninja import Router, Schema

from kechuang.core.scoping import restrict, restrict_or_404

from .models import Bulletin

PREFIX = "/bulletins"
router = Router(tags=["季度通报"])


class BulletinOut(Schema):
    id: int
    plan: str
    year: int
    quarter: int
    as_of: dt.date
    status: str
    issue_no: int | None
    issue_label: str
    issued_at: dt.datetime | None
    summary: str
    highlights: list[dict]
    problems: list[dict]
    next_steps: str

    @staticmethod
    def resolve_plan(obj):
        return obj.plan.code


class BulletinDetailOut(BulletinOut):
    snapshot: dict


@router.get("/", response=list[BulletinOut])
def list_bulletins(request):
    return list(restrict_or_404(Bulletin.objects.select_related("plan"), request.auth))


@router.get("/{bulletin_id}", response=BulletinDetailOut)
def get_bulletin(request, bulletin_id: int):
    return get_object_or_404(restrict(Bulletin.objects.select_related("plan"), request.auth), pk=bulletin_id)
