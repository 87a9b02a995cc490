"""Cultivation-list figures for plan indicators (the same services as the lists, city-wide or
narrowed to a town's enterprises)."""

from __future__ import annotations

from decimal import Decimal

from kechuang.metrics.registry import MetricResult, metric
from kechuang.registry.models import JURISDICTION_KINDS

from . import services


def _in_unit(enterprise, unit) -> bool:
    if unit is None or getattr(unit, "kind", None) not in JURISDICTION_KINDS:
        return True
    return enterprise.town_id == unit.pk


@metric("hnte_rerecognition_due", "本年度到期须重新认定的高新技术企业数（三年前发证）", "高新技术企业证书")
def hnte_rerecognition_due(plan, as_of, unit=None, **params):
    certs = [c for c in services.rerecognition_list(None, plan.year) if _in_unit(c.enterprise, unit)]
    done = sum(1 for c in certs if c.renewed)
    return MetricResult(Decimal(len(certs)), certs, note=f"其中已重新取得证书{done}家")


@metric("tech_sme_renewal_due", "上年入库、本年须重新评价的科技型中小企业数", "科技型中小企业登记")
def tech_sme_renewal_due(plan, as_of, unit=None, **params):
    rows = [r for r in services.tech_sme_renewal_list(None, plan.year) if _in_unit(r.enterprise, unit)]
    done = sum(1 for r in rows if r.values["renewed"])
    return MetricResult(Decimal(len(rows)), [r.values["previous"] for r in rows], note=f"其中已入库{done}家")


@metric("rd_deduction_unclaimed", "有研发费用但未享受加计扣除的企业数（上一纳税年度）", "企业")
def rd_deduction_unclaimed(plan, as_of, unit=None, year=None, **params):
    rows = [r for r in services.deduction_list(None, int(year or plan.year - 1)) if _in_unit(r.enterprise, unit)]
    total = sum((r.values["unclaimed"] for r in rows), Decimal(0))
    return MetricResult(Decimal(len(rows)), [r.enterprise for r in rows], note=f"预计未享受加计扣除额{total:,.2f}元")
