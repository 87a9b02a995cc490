"""Demo 对接 records (演示): the best matches of a few registry demo demands. Idempotent: a demand
that already has a 对接 is skipped."""

from __future__ import annotations

import datetime as dt

from kechuang.accounts.models import Role, User
from kechuang.registry.models import Achievement, Demand, Expert

from . import engine, services
from .choices import DockingStatus


def generate(plan, rng) -> None:
    office = User.objects.filter(role_assignments__role=Role.OFFICE, is_active=True).order_by("pk").first()
    if office is None:
        return
    demands = list(Demand.objects.order_by("pk")[:6])
    for i, demand in enumerate(demands):
        if demand.dockings.exists():
            continue
        hits = engine.match_demand(demand, k=3)
        if i % 2 == 0 and hits["achievement"]:
            hit = hits["achievement"][0]
            target = {"achievement": Achievement.objects.get(pk=hit.pk)}
        elif hits["expert"]:
            hit = hits["expert"][0]
            target = {"expert": Expert.objects.get(pk=hit.pk)}
        else:
            continue
        docking = services.record_docking(demand, user=office, score=hit.score, matched_terms=hit.matched,
                                          note="演示：由匹配结果登记", **target)
        if i % 3 == 1:
            services.update_docking(docking, DockingStatus.CONTACTED, user=office, outcome="演示：已组织双方座谈")
        elif i % 3 == 2 or (i == 0 and "achievement" in target):
            docking = services.update_docking(docking, DockingStatus.CONTACTED, user=office, outcome="演示：已对接")
            services.update_docking(docking, DockingStatus.SUCCEEDED, user=office, outcome="演示：签订技术转让合同",
                                    amount=200000 + 50000 * i, way="技术转让",
                                    concluded_on=dt.date(plan.year, 6, 1 + i))
