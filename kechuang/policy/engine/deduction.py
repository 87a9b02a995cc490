"""研发费用加计扣除 estimator: the extra deduction rate by tax year and enterprise status, the
extra deduction and the tax it saves (15% for a valid 高新技术企业, else 25%)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from . import params_for, shared
from .base import Check, D, EnterpriseFacts, Evaluation, Status, pct

_CODE = re.compile(r"^\s*([A-Za-z])?\s*(\d{2})")


def division(industry_code: str | None) -> str | None:
    """The two-digit 国民经济行业分类 division of a code such as "F5131", "5131" or "C38"."""
    m = _CODE.match(industry_code or "")
    return m.group(2) if m else None


def in_negative_list(industry_code: str | None) -> str | None:
    """The negative-list industry name a code falls in, or None."""
    div = division(industry_code)
    for item in shared("negative_list")["negative_list"]:
        if div == item["division"]:
            return item["name"]
    return None


def is_manufacturing(industry_code: str | None) -> bool:
    div = division(industry_code)
    lo, hi = shared("negative_list")["manufacturing_divisions"]
    return div is not None and lo <= int(div) <= hi


@dataclass
class Rate:
    rate: Decimal
    category: str  # manufacturing | tech_sme | other | negative_list
    label: str
    clause: str
    note: str = ""


CATEGORY_LABELS = {"manufacturing": "制造业企业", "tech_sme": "科技型中小企业", "other": "其他企业",
                   "negative_list": "负面清单行业"}


def deduction_rate(tax_year: int, industry_code: str | None, *, is_tech_sme: bool = False,
                   manufacturing: bool | None = None, overrides: dict | None = None) -> Rate:
    """The extra-deduction rate for expensed R&D in ``tax_year`` (the most favourable category)."""
    p = params_for("rd_deduction", tax_year, overrides)
    neg = in_negative_list(industry_code)
    if neg:
        return Rate(Decimal(0), "negative_list", f"{CATEGORY_LABELS['negative_list']}（{neg}）",
                    p["clauses"]["negative_list"], "负面清单行业不适用加计扣除")
    manufacturing = is_manufacturing(industry_code) if manufacturing is None else manufacturing
    options = [("other", Decimal(p["rates"]["other"]))]
    if manufacturing:
        options.append(("manufacturing", Decimal(p["rates"]["manufacturing"])))
    if is_tech_sme:
        options.append(("tech_sme", Decimal(p["rates"]["tech_sme"])))
    category, rate = max(options, key=lambda o: (o[1], o[0] != "other"))
    return Rate(rate, category, CATEGORY_LABELS[category], p["clauses"]["rate"])


def evaluate(facts: EnterpriseFacts, tax_year: int, *, overrides: dict | None = None,
             q4_rd_expense=None) -> Evaluation:
    p = params_for("rd_deduction", tax_year, overrides)
    ev = Evaluation("rd_deduction", p["version"], tax_year)
    fy = facts.figures(tax_year)
    tech_sme = tax_year in facts.tech_sme_years
    r = deduction_rate(tax_year, facts.industry_code, is_tech_sme=tech_sme, manufacturing=facts.is_manufacturing,
                       overrides=overrides)
    neg = r.category == "negative_list"
    ev.checks.append(Check("RD-1", "不属于加计扣除负面清单行业", Status.FAIL if neg else Status.PASS,
                           facts.industry_code or None, None, None, p["clauses"]["negative_list"],
                           r.label if neg else (facts.industry_name or "")))
    rd = D(fy.rd_expense) if fy else None
    if rd is None:
        ev.checks.append(Check("RD-2", "发生研发费用", Status.UNKNOWN, None, None, None, p["clauses"]["rate"],
                               "缺少研发费用数据", "yuan"))
    else:
        ev.checks.append(Check("RD-2", "发生研发费用", Status.PASS if rd > 0 else Status.FAIL, rd, None, None,
                               p["clauses"]["rate"], "", "yuan"))
    extra = None
    rate = r.rate
    note = ""
    if rd is not None and rd > 0:
        extra = rd * rate
        if p.get("q4_special_rule") and r.category == "other":
            q4 = D(q4_rd_expense) if q4_rd_expense is not None else rd / 4
            q4_rate = Decimal(p["q4_other_rate"])
            extra = (rd - q4) * rate + q4 * q4_rate
            note = f"第四季度按{q4_rate:.0%}计（{p['q4_clause']}）"
        extra = extra.quantize(Decimal("0.01"), ROUND_HALF_UP)
    hnte = facts.hnte_valid_in(tax_year)
    cit = Decimal(p["cit_rate_hnte"] if hnte else p["cit_rate"])
    saved = (extra * cit).quantize(Decimal("0.01"), ROUND_HALF_UP) if extra is not None else None
    claimed = fy.rd_deduction_claimed if fy else None
    ev.extra.update({
        "rate": rate, "category": r.category, "category_label": r.label, "rate_clause": r.clause,
        "rd_expense": rd, "extra_deduction": extra, "cit_rate": cit, "is_hnte": hnte, "tax_saved": saved,
        "claimed": claimed, "note": note, "title": p["title"], "rate_pct": pct(rate), "cit_rate_pct": pct(cit),
    })
    return ev


def unclaimed_amount(ev: Evaluation) -> Decimal | None:
    """How much of the estimated extra deduction looks unclaimed (None: nothing to claim)."""
    extra = ev.extra.get("extra_deduction")
    if not extra:
        return None
    claimed = ev.extra.get("claimed")
    if claimed is True:
        return None
    if claimed in (None, False):
        return extra
    rest = extra - D(claimed)
    return rest if rest > 0 else None
