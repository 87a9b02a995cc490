"""高新技术企业认定: the eight conditions of 国科发火〔2016〕32号 第十一条 and an estimate of the
innovation-capability score of 国科发火〔2016〕195号.

Conditions (1), (4), (5), (6) and the growth sub-scores are arithmetic; (2) IP core support,
(3) technical field and (8) incidents need an expert's judgement and show as 需人工核实.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from . import params_for
from .base import Check, D, EnterpriseFacts, Evaluation, ScorePart, Status, add_years, pct, ratio


def rd_band(last_year_revenue, bands: list[dict]) -> Decimal:
    """Required R&D/sales ratio for a last-year revenue (upper bounds inclusive)."""
    revenue = D(last_year_revenue)
    for band in bands:
        if band["revenue_max"] is None or revenue <= Decimal(str(band["revenue_max"])):
            return Decimal(band["ratio_min"])
    raise ValueError("rd_bands must end with an open band")


def innovation_check(score: int | None, params: dict, note: str = "") -> Check:
    """Condition (7): the innovation-capability score must be MORE than ``innovation_pass_above``."""
    threshold = int(params["innovation_pass_above"])
    required = threshold + 1
    if score is None:
        return Check("HNTE-7", "创新能力评价", Status.UNKNOWN, None, required, None,
                     params["clauses"]["innovation"], note, "score")
    ok = score > threshold
    return Check("HNTE-7", "创新能力评价", Status.PASS if ok else Status.FAIL, score, required,
                 None if ok else Decimal(required - score), params["clauses"]["innovation"],
                 note or f"须高于{threshold}分（{threshold}分不通过）", "score")


def _pick(points: list[int], how: str) -> int:
    lo, hi = points
    return {"low": lo, "high": hi, "mid": (lo + hi) // 2}[how]


def growth_rate(values: list) -> Decimal | None:
    """½ × (Y2/Y1 + Y3/Y2) − 1 over the last three years (oldest first); two years when Y1 is 0;
    None when not computable. A zero Y2 scores 0 (handled by the caller through ``growth_points``)."""
    vals = [D(v) for v in values]
    if len(vals) < 2 or any(v is None for v in vals):
        return None
    if len(vals) >= 3:
        y1, y2, y3 = vals[-3:]
        if y2 == 0:
            return Decimal(0)
        if y1 == 0:
            return y3 / y2 - 1
        return (y2 / y1 + y3 / y2) / 2 - 1
    y1, y2 = vals
    if y1 == 0:
        return None
    return y2 / y1 - 1


def growth_points(rate: Decimal | None, params: dict) -> tuple[int, str]:
    if rate is None:
        return 0, "—"
    for band in params["growth_bands"]:
        if "min" in band and rate >= Decimal(band["min"]):
            return _pick(band["points"], params["estimate_point"]), band["grade"]
        if "min_exclusive" in band and rate > Decimal(band["min_exclusive"]):
            return _pick(band["points"], params["estimate_point"]), band["grade"]
    return 0, "F"


def innovation_estimate(facts: EnterpriseFacts, year: int, params: dict) -> list[ScorePart]:
    """The 100-point innovation score: growth computed, the rest estimated from counts and the
    ``assumed`` points of the rule version (judgement items)."""
    how = params["estimate_point"]
    a = params["assumed"]
    has_ip = (facts.ip_class1 + facts.ip_class2) > 0
    quantity = 0
    for band in params["ip_quantity_bands"]:
        if facts.ip_class1 >= band.get("class1_min", 10**9) or facts.ip_class2 >= band.get("class2_min", 10**9):
            quantity = _pick(band["points"], how)
            break
    ip = min(30, quantity + ((a["ip_advanced"] + a["ip_core_support"] + a["ip_acquisition"]) if has_ip else 0))
    parts = [ScorePart("ip", "知识产权", ip, 30,
                       f"Ⅰ类{facts.ip_class1}项、Ⅱ类{facts.ip_class2}项；数量{quantity}分，其余按假定分估算", True)]
    conv = 0
    n = facts.conversions_3y or 0
    for band in params["conversion_bands"]:
        if n >= band["min"]:
            conv = _pick(band["points"], how)
            break
    parts.append(ScorePart("conversion", "科技成果转化能力", conv, 30, f"近三年转化{n}项", True))
    org = a["org_system"] + (a["org_institution_with"] if facts.has_rd_institution else a["org_institution_without"])
    org += a["org_incentive"] + a["org_talent"]
    parts.append(ScorePart("organisation", "研究开发组织管理水平", min(org, 20), 20,
                           "有研发机构" if facts.has_rd_institution else "未登记研发机构", True))
    yrs = [y for y in range(year - 2, year + 1) if facts.figures(y)]
    net = growth_rate([facts.years[y].net_assets for y in yrs])
    sales = growth_rate([facts.years[y].revenue for y in yrs])
    net_pts, net_grade = growth_points(net, params)
    sales_pts, sales_grade = growth_points(sales, params)
    flag = "（档次阈值待核实）" if params.get("growth_unconfirmed") else ""
    parts.append(ScorePart("net_asset_growth", "净资产增长率", net_pts, 10, f"{pct(net)}，{net_grade}档{flag}"))
    parts.append(ScorePart("sales_growth", "销售收入增长率", sales_pts, 10, f"{pct(sales)}，{sales_grade}档{flag}"))
    return parts


def _registered_check(facts: EnterpriseFacts, application_date: dt.date, p: dict) -> Check:
    """(1) Registered at least one year before the application date."""
    c = p["clauses"]
    if facts.registered_on is None:
        return Check("HNTE-1", "注册成立一年以上", Status.UNKNOWN, None, p["min_registered_years"], None,
                     c["registered"], "缺少注册日期", "days")
    due = add_years(facts.registered_on, p["min_registered_years"])
    ok = application_date >= due
    return Check("HNTE-1", "注册成立一年以上", Status.PASS if ok else Status.FAIL,
                 facts.registered_on, due, None if ok else Decimal((due - application_date).days),
                 c["registered"], f"申请日 {application_date.isoformat()}", "days")


def _rd_checks(facts: EnterpriseFacts, fy, year: int, p: dict) -> list[Check]:
    """(5) R&D expense over the last three years against sales (band by last-year revenue), and the domestic
    share of R&D."""
    c = p["clauses"]
    out: list[Check] = []
    rd_years = [facts.figures(y) for y in range(year - p["rd_years"] + 1, year + 1)]
    rd_years = [f for f in rd_years if f is not None and f.revenue is not None and f.rd_expense is not None]
    if not fy or fy.revenue is None or not rd_years or rd_years[-1].year != year:
        out.append(Check("HNTE-5", "近三年研发费用占销售收入比例", Status.UNKNOWN, None, None, None,
                         c["rd_ratio"], "缺少研发费用或销售收入", "ratio"))
    else:
        req = rd_band(fy.revenue, p["rd_bands"])
        rd_sum = sum(D(f.rd_expense) for f in rd_years)
        sales_sum = sum(D(f.revenue) for f in rd_years)
        actual = ratio(rd_sum, sales_sum)
        if actual is None:
            out.append(Check("HNTE-5", "近三年研发费用占销售收入比例", Status.UNKNOWN, None, req, None,
                             c["rd_ratio"], "销售收入为零", "ratio"))
        else:
            ok = actual >= req
            need = (req * sales_sum - rd_sum).quantize(Decimal("1")) if not ok else None
            out.append(Check("HNTE-5", "近三年研发费用占销售收入比例", Status.PASS if ok else Status.FAIL,
                             actual, req, None if ok else req - actual, c["rd_ratio"],
                             f"{len(rd_years)}年合计；上年销售收入{D(fy.revenue):,.0f}元适用{pct(req)}档"
                             + (f"；尚差研发费用约{need:,}元" if need else ""), "ratio"))
    # (5) domestic share of R&D
    dom = [f for f in rd_years if f.rd_domestic is not None]
    req = Decimal(p["domestic_rd_min"])
    if not dom or len(dom) != len(rd_years):
        out.append(Check("HNTE-5b", "境内研发费用占全部研发费用比例", Status.UNKNOWN, None, req, None,
                         c["rd_domestic"], "缺少境内研发费用", "ratio"))
    else:
        actual = ratio(sum(D(f.rd_domestic) for f in dom), sum(D(f.rd_expense) for f in dom))
        if actual is None:
            out.append(Check("HNTE-5b", "境内研发费用占全部研发费用比例", Status.FAIL, None, req, req,
                             c["rd_domestic"], "无研发费用", "ratio"))
        else:
            ok = actual >= req
            out.append(Check("HNTE-5b", "境内研发费用占全部研发费用比例", Status.PASS if ok else Status.FAIL,
                             actual, req, None if ok else req - actual, c["rd_domestic"], "", "ratio"))
    return out


def evaluate(facts: EnterpriseFacts, year: int, *, application_date: dt.date | None = None,
             overrides: dict | None = None) -> Evaluation:
    """Evaluate an application in ``year + 1`` on the figures up to ``year`` (the last fiscal year)."""
    p = params_for("hnte", year + 1, overrides)
    c = p["clauses"]
    ev = Evaluation("hnte", p["version"], year)
    application_date = application_date or dt.date(year + 1, 6, 30)
    checks = ev.checks

    checks.append(_registered_check(facts, application_date, p))
    # (2) IP, (3) field: judgement
    checks.append(Check("HNTE-2", "拥有对主要产品起核心支持作用的知识产权", Status.MANUAL,
                        f"Ⅰ类{facts.ip_class1}项、Ⅱ类{facts.ip_class2}项", None, None, c["ip"],
                        "核心支持作用须专家判断" if facts.ip_class1 + facts.ip_class2 else "未登记有效知识产权"))
    checks.append(Check("HNTE-3", "核心技术属于《国家重点支持的高新技术领域》", Status.MANUAL,
                        facts.industry_name or None, None, None, c["field"], "技术领域须人工核实"))
    fy = facts.figures(year)
    # (4) S&T staff ratio
    staff = ratio(fy.tech_staff, fy.employees) if fy else None
    req = Decimal(p["staff_ratio_min"])
    if staff is None:
        checks.append(Check("HNTE-4", "科技人员占职工总数比例", Status.UNKNOWN, None, req, None, c["staff"],
                            "缺少职工人数或科技人员数", "ratio"))
    else:
        ok = staff >= req
        checks.append(Check("HNTE-4", "科技人员占职工总数比例", Status.PASS if ok else Status.FAIL, staff, req,
                            None if ok else req - staff, c["staff"],
                            f"{fy.tech_staff}/{fy.employees}，须不低于{pct(req)}", "ratio"))
    checks.extend(_rd_checks(facts, fy, year, p))
    # (6) high-tech revenue share, last year
    hr = ratio(fy.hightech_revenue, fy.revenue) if fy else None
    req = Decimal(p["hightech_revenue_min"])
    if hr is None:
        checks.append(Check("HNTE-6", "高新技术产品（服务）收入占总收入比例", Status.UNKNOWN, None, req, None,
                            c["hightech_revenue"], "缺少高新技术产品（服务）收入", "ratio"))
    else:
        ok = hr >= req
        checks.append(Check("HNTE-6", "高新技术产品（服务）收入占总收入比例", Status.PASS if ok else Status.FAIL,
                            hr, req, None if ok else req - hr, c["hightech_revenue"], "上一年度", "ratio"))
    # (7) innovation score estimate
    ev.score_parts = innovation_estimate(facts, year, p)
    growth = sum(x.points for x in ev.score_parts[3:])
    note = f"估算值（其中成长性{growth}分为计算值，其余按登记数据和假定分估算），以专家评价为准"
    checks.append(innovation_check(ev.score, p, note))
    # (8) incidents
    checks.append(Check("HNTE-8", "申请前一年内未发生重大安全、重大质量事故或严重环境违法行为", Status.MANUAL,
                        None, None, None, c["incidents"], "须核实相关部门记录"))
    ev.extra["application_date"] = application_date
    ev.extra["title"] = p["title"]
    return ev
