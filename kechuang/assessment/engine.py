"""Pure scoring functions: inputs are plain values, outputs carry every point's source.

A unit's total = indicator points + task points − deductions + bonuses; a one-vote veto (一票否决)
makes it 0 and places the unit last in its group. Ranking is per group, ties share a rank
(1, 1, 3). Nothing here touches the database; ``services.gather`` builds the inputs.

满分 (full) is what the unit scores with every item that applies to it complete: the weights of its
indicators plus the task weight when it has tasks. Units of one group answer for different indicators,
so their maxima differ; a scheme with ``rank_by: rate`` ranks them by 得分率 = total ÷ 满分. A unit with
no indicators is "不适用" for indicators (not 0 points); with nothing at all to assess it has no rank.

Indicator method ``ratio_capped``: ratio = the indicator's 完成率 from ``kechuang.metrics.completion``
(the number the dashboard, bulletin and API show; for a "no more than" target: target / actual);
points = weight × min(ratio, cap) (a ceiling's cap is at most 1: staying below it earns nothing
extra). Optional partial-credit bands apply below 100 %:
``bands: [{min: 0.8, credit: 0.8}, {min: 0.5, credit: 0.5}]`` gives weight × credit of the highest
band whose ``min`` ≤ ratio, and 0 below every band.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from kechuang.metrics.completion import completion

ZERO = Decimal(0)
ONE = Decimal(1)
HUNDRED = Decimal(100)


def d(value) -> Decimal:
    return value if isinstance(value, Decimal) else Decimal(str(value))


def q1(value: Decimal) -> Decimal:
    return value.quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def q2(value: Decimal) -> Decimal:
    return value.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


@dataclass
class IndicatorInput:
    code: str
    name: str
    weight: Decimal
    actual: Decimal | None
    target: Decimal | None
    comparator: str = ">="
    method: str = "ratio_capped"
    cap: Decimal = ONE
    bands: list = field(default_factory=list)
    light: str = ""
    indicator_id: int | None = None


@dataclass
class TaskInput:
    task_id: int
    label: str
    percent: Decimal | None  # latest approved percent complete (None: no approved report)
    report_id: int | None = None


@dataclass
class UnitInput:
    unit_id: int
    unit: str
    group: str
    indicators: list[IndicatorInput] = field(default_factory=list)
    tasks: list[TaskInput] = field(default_factory=list)
    late_reports: list[dict] = field(default_factory=list)  # {"month": 5, "report_ids": [..]}
    missing_reports: list[dict] = field(default_factory=list)
    overdue_orders: list[dict] = field(default_factory=list)  # {"order_id": 3, "number": "〔2022〕第3号"}
    bonuses: list[dict] = field(default_factory=list)  # {"bonus_id": 1, "points": "2", "reason": ".."}
    veto: dict | None = None  # {"veto_id": 1, "reason": ".."}


@dataclass
class Rules:
    task_weight: Decimal = Decimal(30)
    late_report: Decimal = Decimal(1)  # per late monthly report
    missing_report: Decimal = Decimal(2)  # per missing monthly report
    overdue_order: Decimal = Decimal(3)  # per 督办单 unanswered past its deadline
    max_deduction: Decimal | None = None
    max_bonus: Decimal | None = None
    rank_by: str = "total"  # or "rate": 得分率, when the units of a group have different maxima

    @classmethod
    def from_config(cls, config: dict) -> Rules:
        ded = config.get("deductions", {}) or {}
        return cls(
            task_weight=d(config.get("tasks", {}).get("weight", 30)),
            late_report=d(ded.get("late_report", 1)),
            missing_report=d(ded.get("missing_report", 2)),
            overdue_order=d(ded.get("overdue_order", 3)),
            max_deduction=d(ded["max"]) if ded.get("max") is not None else None,
            max_bonus=d(config["bonus_max"]) if config.get("bonus_max") is not None else None,
            rank_by=config.get("rank_by", "total"),
        )


@dataclass
class ScoreItem:
    category: str  # indicator | task | deduction | bonus | veto
    label: str
    points: Decimal
    source: dict


@dataclass
class UnitScore:
    unit_id: int
    unit: str
    group: str
    items: list[ScoreItem]
    total: Decimal
    vetoed: bool = False
    rank: int | None = 0  # None: nothing applies to the unit (不适用), so it is not ranked
    full: Decimal = ZERO  # 满分
    has_indicators: bool = False
    has_tasks: bool = False

    @property
    def rate(self) -> Decimal | None:
        """得分率 in % (one decimal), None when nothing applies."""
        return q1(self.total * HUNDRED / self.full) if self.full > 0 else None

    def subtotal(self, category: str) -> Decimal:
        return sum((i.points for i in self.items if i.category == category), ZERO)


def indicator_ratio(actual: Decimal | None, target: Decimal | None, comparator: str = ">=") -> Decimal | None:
    """The indicator's 完成率 as a fraction (never below 0), from the one definition of completion
    (``kechuang.metrics.completion``); the assessment only adds its caps and bands on top."""
    pct = completion(actual, target, comparator).pct
    return None if pct is None else max(ZERO, pct / HUNDRED)


def indicator_points(ind: IndicatorInput) -> tuple[Decimal, Decimal | None, str]:
    """(points, ratio, explanation)."""
    if ind.method != "ratio_capped":
        raise ValueError(f"未知的计分方法：{ind.method}")
    ratio = indicator_ratio(ind.actual, ind.target, ind.comparator)
    weight = d(ind.weight)
    if ratio is None:
        return ZERO, None, "无数据，不得分"
    done = f"完成率{q1(ratio * HUNDRED)}%"
    # A ceiling met scores full; staying further below it earns nothing extra.
    cap = min(d(ind.cap), ONE) if ind.comparator == "<=" else d(ind.cap)
    if ratio >= ONE or not ind.bands:
        capped = min(ratio, cap)
        return q2(weight * capped), ratio, f"{done}，{weight}×min({q2(ratio)}，{cap})"
    for band in sorted(ind.bands, key=lambda b: d(b["min"]), reverse=True):
        if ratio >= d(band["min"]):
            return q2(weight * d(band["credit"])), ratio, f"{done}，按{d(band['credit'])}计分"
    return ZERO, ratio, f"{done}，低于最低档，不得分"


def score_unit(unit: UnitInput, rules: Rules) -> UnitScore:
    items: list[ScoreItem] = []
    for ind in unit.indicators:
        points, ratio, how = indicator_points(ind)
        items.append(ScoreItem("indicator", ind.name, points, {
            "indicator_id": ind.indicator_id, "code": ind.code, "actual": _s(ind.actual), "target": _s(ind.target),
            "ratio": _s(q2(ratio)) if ratio is not None else None, "light": ind.light, "rule": how,
            "weight": _s(ind.weight),
        }))
    if unit.tasks:
        percents = [min(HUNDRED, d(t.percent)) if t.percent is not None else ZERO for t in unit.tasks]
        avg = sum(percents, ZERO) / len(percents)
        points = q2(rules.task_weight * avg / HUNDRED)
        items.append(ScoreItem("task", "重点任务完成进度", points, {
            "rule": f"{rules.task_weight}×平均完成进度{q2(avg)}%",
            "tasks": [{"task_id": t.task_id, "task": t.label, "percent": _s(t.percent), "report_id": t.report_id}
                      for t in unit.tasks],
        }))
    deductions = []
    for row in unit.late_reports:
        deductions.append(ScoreItem("deduction", f"{row['month']}月报送迟报", -rules.late_report, row))
    for row in unit.missing_reports:
        deductions.append(ScoreItem("deduction", f"{row['month']}月未报送", -rules.missing_report, row))
    for row in unit.overdue_orders:
        deductions.append(ScoreItem("deduction", f"督办单{row.get('number', '')}逾期未反馈", -rules.overdue_order, row))
    total_deducted = sum((-i.points for i in deductions), ZERO)
    if rules.max_deduction is not None and total_deducted > rules.max_deduction:
        deductions.append(ScoreItem("deduction", "扣分封顶调整", total_deducted - rules.max_deduction,
                                    {"rule": f"扣分不超过{rules.max_deduction}分"}))
    items.extend(deductions)
    bonus_items = [ScoreItem("bonus", b["reason"], d(b["points"]), b) for b in unit.bonuses]
    bonus_total = sum((i.points for i in bonus_items), ZERO)
    if rules.max_bonus is not None and bonus_total > rules.max_bonus:
        bonus_items.append(ScoreItem("bonus", "加分封顶调整", rules.max_bonus - bonus_total,
                                     {"rule": f"加分不超过{rules.max_bonus}分"}))
    items.extend(bonus_items)
    total = q2(sum((i.points for i in items), ZERO))
    vetoed = unit.veto is not None
    if vetoed:
        items.append(ScoreItem("veto", f"一票否决：{unit.veto['reason']}", -total, unit.veto))
        total = ZERO
    full = sum((d(i.weight) for i in unit.indicators), ZERO) + (rules.task_weight if unit.tasks else ZERO)
    return UnitScore(unit.unit_id, unit.unit, unit.group, items, total, vetoed, full=full,
                     has_indicators=bool(unit.indicators), has_tasks=bool(unit.tasks))


def rank(scores: list[UnitScore], by: str = "total") -> list[UnitScore]:
    """Rank within each group: higher total (or 得分率 with ``by="rate"``) first, ties share a rank (1, 1, 3);
    vetoed units come after every other unit of the group (sharing the last place among themselves). A unit
    with nothing to assess (满分 0) is not ranked and listed last."""
    def metric(s: UnitScore) -> Decimal:
        return (s.rate if s.rate is not None else ZERO) if by == "rate" else s.total

    out = []
    groups: dict[str, list[UnitScore]] = {}
    for s in scores:
        groups.setdefault(s.group, []).append(s)
    for members in groups.values():
        ranked = sorted((s for s in members if s.full > 0), key=lambda s: (s.vetoed, -metric(s), s.unit))
        for i, s in enumerate(ranked):
            prev = ranked[i - 1] if i else None
            if prev is not None and prev.vetoed == s.vetoed and metric(prev) == metric(s):
                s.rank = prev.rank
            else:
                s.rank = i + 1
        unranked = sorted((s for s in members if s.full <= 0), key=lambda s: s.unit)
        for s in unranked:
            s.rank = None
        out.extend(ranked + unranked)
    return out


def score_all(units: list[UnitInput], rules: Rules) -> list[UnitScore]:
    return rank([score_unit(u, rules) for u in units], rules.rank_by)


def _s(value) -> str | None:
    return None if value is None else f"{d(value).normalize():f}"


def as_json(score: UnitScore) -> dict:
    return {
        "unit_id": score.unit_id, "unit": score.unit, "rank": score.rank, "total": _s(score.total),
        "vetoed": score.vetoed, "full": _s(score.full), "rate": _s(score.rate),
        # False: the item does not apply to the unit (shown as 不适用, not as 0 points)
        "applies": {"indicator": score.has_indicators, "task": score.has_tasks},
        "subtotals": {c: _s(score.subtotal(c)) for c in ("indicator", "task", "deduction", "bonus")},
        "items": [{"category": i.category, "label": i.label, "points": _s(i.points), "source": i.source}
                  for i in score.items],
    }
