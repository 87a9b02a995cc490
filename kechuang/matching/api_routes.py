"""Matching API: a demand's ranked experts and achievements (with matched terms) and the 对接 list."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from ninja import Router, Schema

from kechuang.core.scoping import get_for_user, restrict, restrict_or_404
from kechuang.registry.models import Achievement, Demand, Expert

from . import engine
from .models import Docking

PREFIX = "/matching"
router = Router(tags=["精准对接"])


class HitOut(Schema):
    kind: str
    id: int
    title: str
    institution: str
    score: float
    matched_terms: list[str]


class MatchesOut(Schema):
    demand_id: int
    demand: str
    experts: list[HitOut]
    achievements: list[HitOut]


class DockingOut(Schema):
    id: int
    demand_id: int
    demand: str
    enterprise: str
    kind: str
    target_id: int
    target: str
    status: str
    outcome: str
    matched_terms: list[str]
    amount: Decimal | None
    concluded_on: dt.date | None
    transfer_id: int | None


@router.get("/demands/{demand_id}/matches", response=MatchesOut)
def matching_demand_matches(request, demand_id: int, k: int = 10):
    demand = get_for_user(Demand.objects.all(), request.auth, pk=demand_id)
    k = max(1, min(k, 50))
    results = engine.match_demand(demand, k=k)
    out = {"demand_id": demand.pk, "demand": demand.title, "experts": [], "achievements": []}
    for kind, model, key in (("expert", Expert, "experts"), ("achievement", Achievement, "achievements")):
        objs = restrict(model.objects.all(), request.auth).in_bulk([h.pk for h in results[kind]])
        for h in results[kind]:
            obj = objs.get(h.pk)
            if obj is not None:
                out[key].append({"kind": kind, "id": h.pk, "title": obj.name if kind == "expert" else obj.title,
                                 "institution": obj.institution, "score": round(h.score, 4),
                                 "matched_terms": h.matched})
    return out


@router.get("/dockings", response=list[DockingOut])
def matching_dockings(request, status: str | None = None):
    qs = restrict_or_404(Docking.objects.select_related("demand", "demand__enterprise", "expert", "achievement"),
                         request.auth)
    if status:
        qs = qs.filter(status=status)
    return [{"id": d.pk, "demand_id": d.demand_id, "demand": d.demand.title, "enterprise": d.demand.enterprise.name,
             "kind": d.kind, "target_id": d.expert_id or d.achievement_id, "target": str(d.target),
             "status": d.status, "outcome": d.outcome, "matched_terms": d.matched_terms, "amount": d.amount,
             "concluded_on": d.concluded_on, "transfer_id": d.transfer_id} for d in qs[:1000]]
