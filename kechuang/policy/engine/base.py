"""Shared shapes of the rule engines: a check, an evaluation, the facts they read.

The engines are pure: they read dataclasses (``EnterpriseFacts``), never the database, so every
boundary can be tested with plain values. ``kechuang.policy.services`` builds the facts from the
registry.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal


class Status:
    PASS = "pass"  # 符合
    FAIL = "fail"  # 不符合
    MANUAL = "manual"  # 需人工核实 (expert judgement, cannot be computed)
    UNKNOWN = "unknown"  # 数据不足

    LABELS = {PASS: "符合", FAIL: "不符合", MANUAL: "需人工核实", UNKNOWN: "数据不足"}


@dataclass
class Check:
    """One condition of a rule, with the clause it comes from.

    ``actual``/``required`` are in the check's own unit (a ratio as a fraction, an amount in yuan,
    a count). ``gap`` is how far ``actual`` falls short of ``required`` in that unit (None when the
    check passes or cannot be computed); ``gap_ratio`` the same relative to ``required`` (for ranking).
    """

    code: str
    title: str
    status: str
    actual: object = None
    required: object = None
    gap: Decimal | None = None
    clause: str = ""
    note: str = ""
    unit: str = ""  # "ratio", "yuan", "count", "days", "score"

    @property
    def status_label(self) -> str:
        return Status.LABELS[self.status]

    @property
    def gap_ratio(self) -> Decimal | None:
        if self.gap is None or not isinstance(self.required, (int, Decimal)) or not self.required:
            return None
        return (Decimal(self.gap) / Decimal(self.required)).quantize(Decimal("0.0001"))

    def _fmt(self, value) -> str:
        if value is None:
            return "—"
        if self.unit == "ratio" and isinstance(value, (Decimal, int, float)):
            return pct(Decimal(str(value)))
        if self.unit == "yuan" and isinstance(value, (Decimal, int, float)):
            return f"{Decimal(str(value)):,.0f}元"
        if self.unit == "score" and isinstance(value, (Decimal, int)):
            return f"{value}分"
        if self.unit == "days" and isinstance(value, Decimal):
            return f"{value}天"
        if isinstance(value, dt.date):
            return value.isoformat()
        return str(value)

    @property
    def actual_text(self) -> str:
        return self._fmt(self.actual)

    @property
    def required_text(self) -> str:
        prefix = "≥" if self.unit in ("ratio", "score") else ("≤" if self.unit in ("yuan", "count") else "")
        return (prefix + self._fmt(self.required)) if self.required is not None else "—"

    @property
    def gap_text(self) -> str:
        return "" if self.gap is None else self._fmt(self.gap)

    def as_dict(self) -> dict:
        return {
            "code": self.code, "title": self.title, "status": self.status, "status_label": self.status_label,
            "actual": _plain(self.actual), "required": _plain(self.required), "gap": _plain(self.gap),
            "clause": self.clause, "note": self.note, "unit": self.unit,
        }


@dataclass
class ScorePart:
    """One part of a points score (an estimate when ``estimated``)."""

    code: str
    title: str
    points: int
    max_points: int
    basis: str = ""
    estimated: bool = False


@dataclass
class Evaluation:
    """The result of one rule for one enterprise and year."""

    rule: str  # "hnte", "tech_sme", "rd_deduction"
    version: str
    year: int
    checks: list[Check] = field(default_factory=list)
    score_parts: list[ScorePart] = field(default_factory=list)
    extra: dict = field(default_factory=dict)
    status_override: str | None = None  # set by rules whose outcome is not "every check holds"

    @property
    def score(self) -> int:
        return sum(p.points for p in self.score_parts)

    @property
    def status(self) -> str:
        """fail if any check fails; unknown if data is missing; manual if only judgement remains."""
        if self.status_override is not None:
            return self.status_override
        statuses = {c.status for c in self.checks}
        for s in (Status.FAIL, Status.UNKNOWN, Status.MANUAL):
            if s in statuses:
                return s
        return Status.PASS

    @property
    def status_label(self) -> str:
        return {
            Status.PASS: "符合", Status.FAIL: "不符合", Status.UNKNOWN: "数据不足",
            Status.MANUAL: "可计算条件均符合，需人工核实",
        }[self.status]

    @property
    def failing(self) -> list[Check]:
        return [c for c in self.checks if c.status == Status.FAIL]

    def check(self, code: str) -> Check:
        for c in self.checks:
            if c.code == code:
                return c
        raise KeyError(code)

    def gap_key(self) -> tuple:
        """Sort key: fewer failing conditions first, then the smaller total relative shortfall."""
        fails = self.failing
        total = sum((c.gap_ratio or Decimal(1)) for c in fails)
        unknown = sum(1 for c in self.checks if c.status == Status.UNKNOWN)
        return (len(fails), unknown, total)


@dataclass
class YearFigures:
    """One enterprise's figures for one year (amounts in yuan)."""

    year: int
    revenue: Decimal | None = None
    rd_expense: Decimal | None = None
    rd_domestic: Decimal | None = None
    hightech_revenue: Decimal | None = None
    total_cost: Decimal | None = None
    total_assets: Decimal | None = None
    net_assets: Decimal | None = None
    employees: int | None = None
    tech_staff: int | None = None
    rd_deduction_claimed: object = None  # bool or amount, as the registry stores it


@dataclass
class Certificate:
    number: str
    issued_on: dt.date
    expires_on: dt.date | None = None
    status: str = ""


@dataclass
class EnterpriseFacts:
    """What the rules read about one enterprise."""

    name: str = ""
    registered_on: dt.date | None = None
    industry_code: str = ""
    industry_name: str = ""
    years: dict[int, YearFigures] = field(default_factory=dict)
    ip_class1: int = 0  # valid Ⅰ类 IP (invention patents, …)
    ip_class2: int = 0  # valid Ⅱ类 IP (utility models, designs, software copyrights)
    conversions_3y: int | None = None  # achievement conversions in the last three years
    has_rd_institution: bool = False
    has_provincial_rd_institution: bool = False
    certificates: list[Certificate] = field(default_factory=list)
    tech_sme_years: set[int] = field(default_factory=set)
    national_award_top3: bool | None = None  # unknown unless recorded
    led_standard: bool | None = None
    is_manufacturing: bool | None = None  # None: derive from the industry code

    def figures(self, year: int) -> YearFigures | None:
        return self.years.get(year)

    def hnte_valid_in(self, year: int) -> bool:
        """A certificate covers ``year`` (valid three years from issue; revoked ones never)."""
        for c in self.certificates:
            if c.status in ("revoked", "撤销", "cancelled"):
                continue
            start = c.issued_on.year
            end = c.expires_on.year if c.expires_on else start + 3
            if start <= year <= end:
                return True
        return False


def D(value) -> Decimal | None:
    if value is None:
        return None
    return value if isinstance(value, Decimal) else Decimal(str(value))


def ratio(numerator, denominator) -> Decimal | None:
    n, d = D(numerator), D(denominator)
    if n is None or d is None or d == 0:
        return None
    return n / d


def pct(value: Decimal | None) -> str:
    if value is None:
        return "—"
    return f"{(Decimal(value) * 100).quantize(Decimal('0.01'), ROUND_HALF_UP)}%"


def _plain(value):
    if isinstance(value, Decimal):
        return str(value.quantize(Decimal("0.0001"))) if value != value.to_integral() else str(int(value))
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


def add_years(day: dt.date, years: int) -> dt.date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)
