"""科技型中小企业评价 (国科发政〔2017〕115号): size limits, the 100-point score and the direct
qualification routes. The 入库登记编号 is valid for the year it is issued only."""

from __future__ import annotations

from decimal import Decimal

from . import params_for
from .base import Check, D, EnterpriseFacts, Evaluation, ScorePart, Status, pct, ratio
from .deduction import in_negative_list

INTEGRITY_TITLE = "无重大安全质量事故、严重环境违法和科研严重失信行为，未列入经营异常名录和严重违法失信名单"
SCORE_TITLE = "综合评价得分不低于60分且科技人员指标得分不为0"


def band_points(value: Decimal | None, bands: list[dict]) -> int:
    if value is None:
        return 0
    for band in bands:
        if value >= Decimal(band["min"]):
            return int(band["points"])
    return 0


def ip_points(class1: int, class2: int, bands: list[dict]) -> int:
    for band in bands:
        if class1 >= band.get("class1_min", 10**9) or class2 >= band.get("class2_min", 10**9):
            return int(band["points"])
    return 0


def _limit(code, title, value, limit, clause, unit) -> Check:
    if value is None:
        return Check(code, title, Status.UNKNOWN, None, limit, None, clause, "缺少数据", unit)
    ok = D(value) <= D(limit)
    return Check(code, title, Status.PASS if ok else Status.FAIL, value, limit,
                 None if ok else D(value) - D(limit), clause, f"不超过{limit:,}", unit)


def evaluate(facts: EnterpriseFacts, year: int, *, overrides: dict | None = None) -> Evaluation:
    """Evaluate on the figures of ``year`` (the year before the evaluation year)."""
    p = params_for("tech_sme", year, overrides)
    c = p["clauses"]
    ev = Evaluation("tech_sme", p["version"], year)
    fy = facts.figures(year)
    checks = ev.checks
    checks.append(Check("SME-1", "在中国境内（不含港澳台）注册的居民企业", Status.MANUAL, None, None, None,
                        c["resident"], "须核实"))
    checks.append(_limit("SME-2a", "职工总数", fy.employees if fy else None, p["max_employees"], c["size"], "count"))
    checks.append(_limit("SME-2b", "年销售收入", fy.revenue if fy else None, p["max_revenue"], c["size"], "yuan"))
    checks.append(_limit("SME-2c", "资产总额", fy.total_assets if fy else None, p["max_total_assets"], c["size"],
                         "yuan"))
    if p.get("exclude_deduction_negative_list"):
        neg = in_negative_list(facts.industry_code)
        checks.append(Check("SME-3n", "不属于研发费用加计扣除负面清单行业", Status.FAIL if neg else Status.PASS,
                            facts.industry_code or None, None, None, c["negative_list"], neg or ""))
    checks.append(Check("SME-3", "产品和服务不属于国家禁止、限制和淘汰类", Status.MANUAL, None, None, None,
                        c["industry"], "须核实"))
    checks.append(Check("SME-4", INTEGRITY_TITLE, Status.MANUAL, None, None, None, c["integrity"], "须核实"))

    staff_ratio = ratio(fy.tech_staff, fy.employees) if fy else None
    staff = band_points(staff_ratio, p["staff_bands"])
    rd_sales = ratio(fy.rd_expense, fy.revenue) if fy else None
    rd_cost = ratio(fy.rd_expense, fy.total_cost) if fy else None
    rd_a, rd_b = band_points(rd_sales, p["rd_sales_bands"]), band_points(rd_cost, p["rd_cost_bands"])
    ip = ip_points(facts.ip_class1, facts.ip_class2, p["ip_bands"])
    ev.score_parts = [
        ScorePart("staff", "科技人员指标", staff, 20, f"科技人员占比{pct(staff_ratio)}"),
        ScorePart("rd", "研发投入指标", max(rd_a, rd_b), 50,
                  f"研发费用占销售收入{pct(rd_sales)}（{rd_a}分）、占成本费用总额{pct(rd_cost)}（{rd_b}分），取高"),
        ScorePart("ip", "科技成果指标", ip, 30, f"Ⅰ类{facts.ip_class1}项、Ⅱ类{facts.ip_class2}项"),
    ]
    total = ev.score
    need = int(p["pass_score"])
    if fy is None or staff_ratio is None:
        checks.append(Check("SME-5", SCORE_TITLE, Status.UNKNOWN, total, need, None,
                            c["score"], "缺少职工或科技人员数据", "score"))
    elif staff == 0:
        checks.append(Check("SME-5", SCORE_TITLE, Status.FAIL, total, need,
                            Decimal(max(need - total, 0)), c["score"],
                            f"科技人员指标得0分（占比{pct(staff_ratio)}低于10%），总分{total}分亦不符合", "score"))
    else:
        ok = total >= need
        checks.append(Check("SME-5", SCORE_TITLE, Status.PASS if ok else Status.FAIL, total, need,
                            None if ok else Decimal(need - total), c["score"], f"总分{total}分", "score"))
    # 第八条: direct qualification when conditions 1–4 hold
    routes = []
    if facts.hnte_valid_in(year + 1) or facts.hnte_valid_in(year):
        routes.append("拥有有效期内高新技术企业资格证书")
    if facts.national_award_top3:
        routes.append("近五年内获得过国家级科技奖励，并在获奖单位中排在前三名")
    if facts.has_provincial_rd_institution:
        routes.append("拥有经认定的省部级以上研发机构")
    if facts.led_standard:
        routes.append("近五年内主导制定过国际标准、国家标准或行业标准")
    score = checks_by(ev, "SME-5")
    if routes or score.status != Status.PASS:
        checks.append(Check("SME-8", "直通条件（第八条）", Status.PASS if routes else Status.FAIL,
                            "；".join(routes) or None, None, None, c["direct"],
                            "评分未达标时适用" if routes else "不具备直通条件（国家级奖励、主导标准须人工补录）"))
    gates = [checks_by(ev, code) for code in ("SME-2a", "SME-2b", "SME-2c")]
    if p.get("exclude_deduction_negative_list"):
        gates.append(checks_by(ev, "SME-3n"))
    qualifies = score.status == Status.PASS or bool(routes)
    if any(g.status == Status.FAIL for g in gates) or (not qualifies and score.status == Status.FAIL):
        ev.status_override = Status.FAIL
    elif not qualifies or any(g.status == Status.UNKNOWN for g in gates):
        ev.status_override = Status.UNKNOWN
    else:
        ev.status_override = Status.MANUAL  # conditions (一)(三)(四) remain for a person to confirm
    ev.extra["route"] = "评分" if score.status == Status.PASS else ("直通" if routes else "")
    ev.extra["routes"] = routes
    ev.extra["title"] = p["title"]
    ev.extra["registration_valid_years"] = p["registration_valid_years"]
    return ev


def checks_by(ev: Evaluation, code: str) -> Check:
    return ev.check(code)
