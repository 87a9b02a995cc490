"""Plain factory functions for policy and matching tests."""

from __future__ import annotations

import datetime as dt
import itertools
from decimal import Decimal

from kechuang.org.models import Unit
from kechuang.registry.models import Enterprise, EnterpriseYear, HighTechCertificate, TechSMERegistration
from kechuang.registry.validators import make_uscc

_seq = itertools.count(1)
M = Decimal(1_000_000)


def enterprise(town: Unit | None = None, name: str | None = None, **kw) -> Enterprise:
    n = next(_seq)
    kw.setdefault("registered_on", dt.date(2012, 5, 1))
    kw.setdefault("industry_code", "C3841")
    return Enterprise.objects.create(uscc=make_uscc(f"91421381MA8{n:06d}"[:17]),
                                     name=name or f"测试企业{n:04d}有限公司", town=town, **kw)


def year(ent, y, **kw) -> EnterpriseYear:
    base = dict(revenue=40 * M, rd_expense=Decimal("2.4") * M, rd_domestic=Decimal("2.4") * M,
                hightech_revenue=30 * M, total_cost=35 * M, total_assets=80 * M, net_assets=30 * M,
                employees=100, tech_staff=20)
    base.update(kw)
    return EnterpriseYear.objects.create(enterprise=ent, year=y, **base)


def certificate(ent, issued_on, **kw) -> HighTechCertificate:
    return HighTechCertificate.objects.create(enterprise=ent, number=f"GR{issued_on.year}42{next(_seq):06d}",
                                              issued_on=issued_on, **kw)


def sme(ent, y) -> TechSMERegistration:
    return TechSMERegistration.objects.create(enterprise=ent, number=f"{y}42138{next(_seq):06d}", year=y)


def unit_of(personas, name) -> Unit:
    return personas[name].unit
