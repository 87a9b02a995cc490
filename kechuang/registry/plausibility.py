"""Plausibility rules of the registries, declared as data and independent of how rows arrive.

Each registry's rules are declared in its ``RegistryConfig`` (config.py, ``rules=``) as small rule
objects whose ``text`` is the rule in plain Chinese, as the office reads it on the data-quality
page. One ``validate`` runs them for every door — the web form, the Excel import (preview and
commit, the bulk insert included), the API and ``kechuang import`` — and the data-quality check
runs the same rules over stored rows. A rule sees a row as an object with attributes (a model
instance, built or stored) and a ``Context`` with what it needs from other rows (an enterprise's
founding date, last year's figures), loaded in bulk.

Errors block a row (and a whole import file); warnings let it in and are shown with it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal

from django.conf import settings

from .models import Enterprise, EnterpriseYear, add_years

ERROR, WARNING = "error", "warning"
SEVERITY_LABELS = {ERROR: "错误", WARNING: "提示"}
FIRST_YEAR = 1949
# Revenue per employee (元/人/年) outside this band is flagged (settings.KECHUANG_REVENUE_PER_EMPLOYEE_BAND).
REVENUE_PER_EMPLOYEE_BAND = (Decimal(10_000), Decimal(50_000_000))
YOY_FACTOR = Decimal(3)
RD_INTENSITY_LIMIT = Decimal("0.5")
EXCEL_ERRORS = frozenset(
    {"#N/A", "#REF!", "#DIV/0!", "#VALUE!", "#NAME?", "#NUM!", "#NULL!", "#SPILL!", "#CALC!", "#GETTING_DATA"}
)


def is_excel_error(value) -> bool:
    return isinstance(value, str) and value.strip().upper() in EXCEL_ERRORS


@dataclass
class Violation:
    rule: Rule
    field: str  # the field the message is attached to
    message: str

    @property
    def severity(self) -> str:
        return self.rule.severity


@dataclass
class Context:
    """What rules need beyond the row: founding dates by enterprise id, figures of other years
    keyed by (enterprise id, year), today."""

    today: dt.date = field(default_factory=dt.date.today)
    founded: dict[int, dt.date | None] = field(default_factory=dict)
    years: dict[tuple[int, int], object] = field(default_factory=dict)

    @property
    def max_year(self) -> int:
        return self.today.year + 1


def _label(model, name: str) -> str:
    return str(model._meta.get_field(name).verbose_name)


def _fmt(value) -> str:
    if isinstance(value, Decimal):
        return f"{value.normalize():,f}"
    return str(value)


class Rule:
    code = ""
    severity = ERROR
    needs_founding = False
    needs_years = False
    fields: tuple[str, ...] = ()
    model = None  # set by ``declare``

    def text(self) -> str:  # the rule in Chinese, as shown on the data-quality page
        raise NotImplementedError

    def check(self, row, ctx: Context) -> Iterable[Violation]:
        raise NotImplementedError

    def label(self, name: str) -> str:
        return _label(self.model, name)

    def violation(self, name: str, message: str) -> Violation:
        return Violation(self, name, message)


class NonNegative(Rule):
    code = "non_negative"

    def __init__(self, *fields: str):
        self.fields = fields

    def text(self):
        return "、".join(self.label(f) for f in self.fields) + "不能为负数"

    def check(self, row, ctx):
        for name in self.fields:
            value = getattr(row, name)
            if value is not None and value < 0:
                yield self.violation(name, f"{self.label(name)}不能为负数")


class YearRange(Rule):
    """A year between the enterprise's founding year (or 1949) and next year."""

    code = "year_range"
    needs_founding = True

    def __init__(self, name: str):
        self.fields = (name,)

    def text(self):
        return f"{self.label(self.fields[0])}应在企业成立年份（无成立日期时为{FIRST_YEAR}年）与明年之间"

    def check(self, row, ctx):
        name = self.fields[0]
        year = getattr(row, name)
        if year is None:
            return
        founded = _founded(row, ctx)
        low = founded.year if founded else FIRST_YEAR
        if year > ctx.max_year:
            yield self.violation(name, f"{self.label(name)}{year}晚于{ctx.max_year}年，不合理")
        elif year < low:
            why = f"早于企业成立年份{low}年" if founded else f"早于{FIRST_YEAR}年"
            yield self.violation(name, f"{self.label(name)}{year}{why}")


class NotFuture(Rule):
    """Dates of things that have already happened (成立、登记、认定、转化、培训 …)."""

    code = "not_future"

    def __init__(self, *fields: str):
        self.fields = fields

    def text(self):
        return "、".join(self.label(f) for f in self.fields) + "不能晚于今天（已发生的事项）"

    def check(self, row, ctx):
        for name in self.fields:
            day = getattr(row, name)
            if day is not None and day > ctx.today:
                yield self.violation(name, f"{self.label(name)}{day:%Y-%m-%d}晚于今天")


class NotBeforeFounding(Rule):
    """A status (认定、入库、标签年度) cannot predate the enterprise's founding."""

    code = "not_before_founding"
    needs_founding = True

    def __init__(self, name: str):
        self.fields = (name,)

    def text(self):
        return f"{self.label(self.fields[0])}不能早于企业成立日期"

    def check(self, row, ctx):
        name = self.fields[0]
        value = getattr(row, name)
        founded = _founded(row, ctx)
        if value is None or founded is None:
            return
        if isinstance(value, int):
            if value < founded.year:
                yield self.violation(name, f"{self.label(name)}{value}早于企业成立日期{founded:%Y-%m-%d}")
        elif value < founded:
            yield self.violation(name, f"{self.label(name)}{value:%Y-%m-%d}早于企业成立日期{founded:%Y-%m-%d}")


class EndAfterStart(Rule):
    code = "end_after_start"

    def __init__(self, start: str, end: str):
        self.fields = (start, end)

    def text(self):
        return f"{self.label(self.fields[1])}不能早于{self.label(self.fields[0])}"

    def check(self, row, ctx):
        start, end = (getattr(row, n) for n in self.fields)
        if start is not None and end is not None and end < start:
            yield self.violation(self.fields[1], self.text())


class ValidFor(Rule):
    """A certificate is valid for ``years`` from its issue date (高新技术企业证书：3年)."""

    code = "validity"

    def __init__(self, issued: str, expires: str, years: int):
        self.fields, self.years = (issued, expires), years

    def text(self):
        return f"{self.label(self.fields[1])}应为{self.label(self.fields[0])}后{self.years}年"

    def check(self, row, ctx):
        issued, expires = (getattr(row, n) for n in self.fields)
        if issued is None or expires is None:
            return
        due = add_years(issued, self.years)
        if expires != due:
            yield self.violation(self.fields[1], f"{self.text()}（应为{due:%Y-%m-%d}）")


class PartOfWhole(Rule):
    code = "part_of_whole"

    def __init__(self, part: str, whole: str):
        self.fields = (part, whole)

    def text(self):
        return f"{self.label(self.fields[0])}不能大于{self.label(self.fields[1])}"

    def check(self, row, ctx):
        part, whole = (getattr(row, n) for n in self.fields)
        if part is not None and whole is not None and part > whole:
            yield self.violation(self.fields[0], f"{self.text()}（{_fmt(part)} > {_fmt(whole)}）")


# ---------------------------------------------------------------------------------- warnings


class YearOnYear(Rule):
    """A figure that grew more than ×3 or shrank below ÷3 against the enterprise's previous year."""

    code = "year_on_year"
    severity = WARNING
    needs_years = True

    def __init__(self, *fields: str, factor: Decimal = YOY_FACTOR):
        self.fields, self.factor = fields, factor

    def text(self):
        return "、".join(self.label(f) for f in self.fields) + f"与上年相比变化超过{self.factor}倍（请核实）"

    def check(self, row, ctx):
        prev = ctx.years.get((row.enterprise_id, row.year - 1)) if row.year else None
        if prev is None:
            return
        for name in self.fields:
            now, before = getattr(row, name), getattr(prev, name)
            if not now or not before or now < 0 or before < 0:
                continue
            ratio = Decimal(now) / Decimal(before)
            if ratio > self.factor or ratio * self.factor < 1:
                yield self.violation(
                    name, f"{self.label(name)}由上年{_fmt(before)}变为{_fmt(now)}，变化超过{self.factor}倍，请核实"
                )


class RatioAbove(Rule):
    code = "ratio_above"
    severity = WARNING

    def __init__(self, part: str, whole: str, limit: Decimal, what: str):
        self.fields, self.limit, self.what = (part, whole), limit, what

    def text(self):
        ratio = f"{self.label(self.fields[0])}÷{self.label(self.fields[1])}"
        return f"{self.what}（{ratio}）高于{self.limit * 100:.0f}%（请核实）"

    def check(self, row, ctx):
        part, whole = (getattr(row, n) for n in self.fields)
        if part is None or not whole or whole <= 0 or part <= 0:
            return
        ratio = Decimal(part) / Decimal(whole)
        if ratio > self.limit:
            yield self.violation(
                self.fields[0], f"{self.what}为{ratio * 100:.1f}%，高于{self.limit * 100:.0f}%，请核实"
            )


class PerHeadBand(Rule):
    code = "per_head_band"
    severity = WARNING

    def __init__(self, amount: str, heads: str, what: str):
        self.fields, self.what = (amount, heads), what

    @staticmethod
    def band() -> tuple[Decimal, Decimal]:
        low, high = getattr(settings, "KECHUANG_REVENUE_PER_EMPLOYEE_BAND", REVENUE_PER_EMPLOYEE_BAND)
        return Decimal(low), Decimal(high)

    def text(self):
        low, high = self.band()
        return f"{self.what}应在{_fmt(low)}元至{_fmt(high)}元之间（超出请核实）"

    def check(self, row, ctx):
        amount, heads = (getattr(row, n) for n in self.fields)
        if amount is None or not heads or heads <= 0 or amount <= 0:
            return
        low, high = self.band()
        per = (Decimal(amount) / heads).quantize(Decimal(1))
        if not low <= per <= high:
            yield self.violation(self.fields[0], f"{self.what}{_fmt(per)}元，超出{_fmt(low)}～{_fmt(high)}元，请核实")


class LegacyUSCC(Rule):
    code = "legacy_uscc"
    severity = WARNING
    fields = ("uscc",)

    def text(self):
        return "统一社会信用代码校验位不符（早期代码，待核实）"

    def check(self, row, ctx):
        if getattr(row, "uscc_warning", False):
            yield self.violation("uscc", self.text())


def _founded(row, ctx: Context) -> dt.date | None:
    if hasattr(row, "uscc"):  # the enterprise itself
        return getattr(row, "registered_on", None)
    return ctx.founded.get(getattr(row, "enterprise_id", None))


def rules_for(registry: str) -> tuple[Rule, ...]:
    """The rules declared beside the registry's config (config.py)."""
    from .config import REGISTRIES  # lazy: config imports this module for the rule classes

    cfg = REGISTRIES.get(registry)
    return cfg.rules if cfg is not None else ()


# ---------------------------------------------------------------------------------- running


def build_context(registry: str, rows: list, today: dt.date | None = None) -> Context:
    """Load, in bulk, what the registry's rules need for ``rows`` (founding dates, other years).
    Rows of the same batch count as "other years" too (a file with 2021 and 2022 of one firm)."""
    ctx = Context(today=today or dt.date.today())
    rules = rules_for(registry)
    if any(r.needs_founding for r in rules):
        ids = list({r.enterprise_id for r in rows if getattr(r, "enterprise_id", None)})
        for i in range(0, len(ids), 5000):
            ctx.founded.update(Enterprise.objects.filter(pk__in=ids[i : i + 5000]).values_list("pk", "registered_on"))
    if any(r.needs_years for r in rules):
        ids = list({r.enterprise_id for r in rows if r.enterprise_id})
        years = {r.year - 1 for r in rows if r.year}
        for i in range(0, len(ids), 5000):
            for prev in EnterpriseYear.objects.filter(enterprise_id__in=ids[i : i + 5000], year__in=years):
                ctx.years[(prev.enterprise_id, prev.year)] = prev
        for r in rows:
            if r.enterprise_id and r.year:
                ctx.years[(r.enterprise_id, r.year)] = r
    return ctx


def validate(registry: str, row, ctx: Context) -> list[Violation]:
    """Every violation of ``registry``'s rules by ``row`` (errors and warnings)."""
    out: list[Violation] = []
    for rule in rules_for(registry):
        out.extend(rule.check(row, ctx))
    return out


def validate_one(registry: str, row, today: dt.date | None = None) -> list[Violation]:
    """One row (a form, an API call): load its context and validate it."""
    return validate(registry, row, build_context(registry, [row], today))


def describe(registry: str) -> list[dict]:
    """The registry's rules as the office reads them."""
    return [
        {"code": r.code, "severity": r.severity, "severity_label": SEVERITY_LABELS[r.severity], "text": r.text()}
        for r in rules_for(registry)
    ]
