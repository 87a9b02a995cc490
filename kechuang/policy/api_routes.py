"""Policy API: one enterprise's evaluation, and the cultivation lists (same rows as the pages)."""

from __future__ import annotations

from django.http import Http404
from ninja import Router, Schema

from kechuang.core.params import DbId, year_in_range
from kechuang.core.scoping import get_for_user, restrict_or_404
from kechuang.registry.models import Enterprise

from . import services, tables
from .engine import supported_years
from .engine.base import Evaluation
from .engine.base import _plain as engine_plain
from .views import default_year_for

PREFIX = "/policy"
router = Router(tags=["企业培育与政策"])


class CheckOut(Schema):
    code: str
    title: str
    status: str
    status_label: str
    actual: str | int | float | None
    required: str | int | float | None
    gap: str | int | float | None
    clause: str
    note: str
    unit: str


class RuleOut(Schema):
    rule: str
    version: str
    year: int
    status: str
    status_label: str
    score: int | None
    checks: list[CheckOut]
    extra: dict


class EvaluationOut(Schema):
    enterprise_id: int
    enterprise: str
    year: int
    hnte: RuleOut
    tech_sme: RuleOut
    rd_deduction: RuleOut


class TableOut(Schema):
    key: str
    title: str
    year: int
    year_label: str
    note: str
    headers: list[str]
    rows: list[list]


def _plain(v):
    return engine_plain(v)


def _rule(ev: Evaluation) -> dict:
    return {"rule": ev.rule, "version": ev.version, "year": ev.year, "status": ev.status,
            "status_label": ev.status_label, "score": ev.score if ev.score_parts else None,
            "checks": [c.as_dict() for c in ev.checks],
            "extra": {k: (_plain(v) if not isinstance(v, (list, dict, bool, int, str, type(None))) else v)
                      for k, v in ev.extra.items()}}


@router.get("/enterprises/{enterprise_id}/evaluation", response=EvaluationOut)
def policy_evaluation(request, enterprise_id: int, year: int | None = None):
    qs = services.enterprises_with_facts(Enterprise.objects.all())
    enterprise = get_for_user(qs, request.auth, pk=enterprise_id)
    year = year_in_range(year, "year", *supported_years()) or default_year_for("evaluate", request.auth)
    r = services.evaluate_enterprise(enterprise, year)
    return {"enterprise_id": enterprise.pk, "enterprise": enterprise.name, "year": year,
            "hnte": _rule(r.hnte), "tech_sme": _rule(r.tech_sme), "rd_deduction": _rule(r.deduction)}


@router.get("/lists/{key}", response=TableOut)
def policy_list(request, key: str, year: int | None = None, town: DbId | None = None, q: str = ""):
    """One cultivation list with the page's columns and filters (``town`` unit id, ``q`` name or initials)."""
    if key not in tables.TABLES:
        raise Http404
    restrict_or_404(Enterprise.objects.all(), request.auth)
    year = year_in_range(year, "year", *supported_years())
    lst = tables.TABLES[key](request.auth, year or default_year_for(key, request.auth))
    lst.narrow(tables.ListFilterSet(request.GET, user=request.auth))
    values = lst.table().as_values()
    return {"key": lst.key, "title": lst.title, "year": lst.year, "year_label": lst.year_label, "note": lst.note,
            "headers": next(values), "rows": [[_plain(v) for v in row] for row in values]}
