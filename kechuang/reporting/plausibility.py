"""Validation rules for indicator values: errors block, warnings ask for a note.

One place for every rule (design principle 1). ``check_value`` is called by the services (draft and
submit), the web form and the Excel upload, so every path applies the same rules.

- range: the indicator's own min/max; ratios measured in % lie within 0–100; counts and amounts are
  never negative;
- cumulative counts and amounts never decrease against the previous approved month of the year;
- parts ≤ whole: the parts of a total (``Indicator.part_of``, e.g. new + re-recognised high-tech
  enterprises) never exceed the total for the same unit and month;
- warning: a change of more than 50% against the previous approved month needs an explanatory note.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from kechuang.metrics.registry import get_metric
from kechuang.org.models import Unit
from kechuang.plans.choices import IndicatorKind, ProgressMode
from kechuang.plans.models import Indicator, Plan

from .choices import SubmissionStatus
from .models import IndicatorValue, Period

JUMP_WARNING_RATIO = Decimal("0.5")


@dataclass
class RuleResult:
    errors: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors

    def blocking(self, note: str) -> list[str]:
        """Errors, plus warnings when no note explains them (what blocks a submission)."""
        if note and note.strip():
            return list(self.errors)
        return self.errors + [f"{w}，请在说明中注明原因" for w in self.warnings]


def _fmt(value: Decimal) -> str:
    value = value.normalize()
    return f"{value:f}"


def value_bounds(indicator) -> tuple[Decimal | None, Decimal | None]:
    low, high = indicator.min_value, indicator.max_value
    if indicator.kind == IndicatorKind.RATIO and indicator.measure.strip() in {"%", "％"}:
        low = Decimal(0) if low is None else low
        high = Decimal(100) if high is None else high
    if indicator.kind in (IndicatorKind.COUNT, IndicatorKind.AMOUNT) and low is None:
        low = Decimal(0)
    return low, high


def previous_approved(indicator, unit, period):
    """The latest approved value of the same indicator and unit earlier in the same year."""
    return (
        IndicatorValue.objects.filter(
            indicator=indicator, unit=unit, period__plan_id=period.plan_id, period__year=period.year,
            period__month__lt=period.month, status=SubmissionStatus.APPROVED, value__isnull=False,
        )
        .select_related("period")
        .order_by("-period__month")
        .first()
    )


def _current_values(indicator_ids, unit, period, batch) -> dict[int, Decimal | None]:
    """Values of ``indicator_ids`` for the unit and month: the batch being saved overrides the stored rows."""
    values = dict(
        IndicatorValue.objects.filter(indicator_id__in=indicator_ids, unit=unit, period=period).values_list(
            "indicator_id", "value"
        )
    )
    for key, val in (batch or {}).items():
        if key in indicator_ids:
            values[key] = val
    return values


def check_value(indicator, unit, period, value: Decimal | None, note: str = "", *, batch=None) -> RuleResult:
    """Check one value. ``batch`` maps indicator id → value for other values being saved together."""
    if value is None:
        return RuleResult()
    prev = previous_approved(indicator, unit, period)
    previous = (prev.period.month, prev.value) if prev is not None and prev.value is not None else None
    batch = dict(batch or {})
    batch[indicator.pk] = value
    # Parts ≤ whole, checked from whichever side is being saved.
    wholes = [indicator.part_of] if indicator.part_of_id else []
    if indicator.parts.exists():
        wholes.append(indicator)
    totals = []
    for total in wholes:
        parts = list(total.parts.order_by("seq", "pk"))
        totals.append((total, parts, _current_values({p.pk for p in parts} | {total.pk}, unit, period, batch)))
    return evaluate(indicator, value, previous, totals)


def evaluate(indicator, value: Decimal, previous: tuple[int, Decimal] | None, totals) -> RuleResult:
    """The rules on one value, given what they compare it with: ``previous`` = (month, value) of the latest
    approved value earlier in the year, ``totals`` = [(total indicator, its parts by sequence, {indicator id:
    the unit's value that month})]. ``check_value`` reads these for one value; ``PlanValues`` for a whole plan."""
    result = RuleResult()
    low, high = value_bounds(indicator)
    if low is not None and value < low:
        result.errors.append(f"{indicator.name}不能小于 {_fmt(low)}{indicator.measure}")
    if high is not None and value > high:
        result.errors.append(f"{indicator.name}不能大于 {_fmt(high)}{indicator.measure}")

    if previous is not None:
        month, prev_value = previous
        if indicator.progress_mode == ProgressMode.CUMULATIVE and value < prev_value:
            result.errors.append(
                f"{indicator.name}为年度累计数，不能小于{month}月已审核的 {_fmt(prev_value)}{indicator.measure}"
            )
        if prev_value != 0 and abs(value - prev_value) > abs(prev_value) * JUMP_WARNING_RATIO:
            result.warnings.append(
                f"{indicator.name}较{month}月（{_fmt(prev_value)}{indicator.measure}）变动超过50%"
            )

    for total, parts, values in totals:
        total_value = values.get(total.pk)
        part_values = [values.get(p.pk) for p in parts]
        if total_value is None or any(v is None for v in part_values):
            continue
        parts_sum = sum(part_values, Decimal(0))
        if parts_sum > total_value:
            names = "、".join(p.name for p in parts)
            result.errors.append(f"{names}之和（{_fmt(parts_sum)}）不能大于{total.name}（{_fmt(total_value)}）")
    return result


class PlanValues:
    """Every stored value of one plan, read at once (a few queries), so that its approved values are checked
    without a query per value: the data-quality check runs the rules over every approved value of every plan
    (over a million at province scale). Same rules, same messages as ``check_value`` (``evaluate``)."""

    def __init__(self, plan_id: int):
        self.plan = Plan.objects.get(pk=plan_id)
        self.indicators = {i.pk: i for i in Indicator.objects.filter(plan_id=plan_id)}
        self.parts: dict[int, list] = defaultdict(list)
        for ind in sorted(self.indicators.values(), key=lambda i: (i.seq, i.pk)):
            if ind.part_of_id:
                self.parts[ind.part_of_id].append(ind)
        self.periods = {p.pk: p for p in Period.objects.filter(plan_id=plan_id)}
        rows = list(IndicatorValue.objects.filter(plan_id=plan_id).order_by()
                    .values_list("pk", "indicator_id", "unit_id", "period_id", "value", "status"))
        self.units = {u.pk: u for u in Unit.objects.filter(pk__in={r[2] for r in rows})}
        self.stored = {(ind, unit, period): value for _pk, ind, unit, period, value, _s in rows}
        self.approved = [r for r in rows if r[5] == SubmissionStatus.APPROVED and r[4] is not None]
        self.history: dict[tuple, list[tuple[int, Decimal]]] = defaultdict(list)  # (ind, unit, year) → by month
        for _pk, ind, unit, period_id, value, _s in self.approved:
            period = self.periods.get(period_id)
            if period is not None:
                self.history[(ind, unit, period.year)].append((period.month, value))
        for months in self.history.values():
            months.sort(key=lambda mv: mv[0])

    def checks(self):
        """(an unsaved IndicatorValue carrying the row's pk, indicator, unit, period, plan and value; its
        RuleResult) for every approved value of the plan."""
        for pk, ind_id, unit_id, period_id, value, _s in self.approved:
            indicator, period = self.indicators.get(ind_id), self.periods.get(period_id)
            iv = IndicatorValue(pk=pk, indicator_id=ind_id, unit_id=unit_id, period_id=period_id,
                                plan_id=self.plan.pk, value=value, status=SubmissionStatus.APPROVED)
            if indicator is None or period is None or (indicator.part_of_id and indicator.part_of_id
                                                        not in self.indicators):
                iv = IndicatorValue.objects.select_related("indicator", "unit", "period", "plan").get(pk=pk)
                yield iv, check_value(iv.indicator, iv.unit, iv.period, iv.value)  # outside this plan: per row
                continue
            iv.indicator, iv.period, iv.plan, iv.unit = indicator, period, self.plan, self.units[unit_id]
            yield iv, evaluate(indicator, value, self._previous(ind_id, unit_id, period), self._totals(iv))

    def _previous(self, ind_id, unit_id, period) -> tuple[int, Decimal] | None:
        earlier = None
        for month, value in self.history.get((ind_id, unit_id, period.year), ()):
            if month >= period.month:
                break
            earlier = (month, value)
        return earlier

    def _totals(self, iv) -> list:
        indicator = iv.indicator
        wholes = [self.indicators[indicator.part_of_id]] if indicator.part_of_id else []
        if self.parts.get(indicator.pk):
            wholes.append(indicator)
        out = []
        for total in wholes:
            parts = self.parts.get(total.pk, [])
            values = {i.pk: self.stored.get((i.pk, iv.unit_id, iv.period_id)) for i in [*parts, total]}
            values[indicator.pk] = iv.value
            out.append((total, parts, values))
        return out


CROSS_CHECK_TOLERANCE = Decimal("0.1")  # relative difference tolerated for amounts and ratios


def registry_cross_check(value) -> str | None:
    """A unit's approved or submitted figure against what the registries hold for its jurisdiction
    (the indicator's registry computation, narrowed to the unit): a warning for the reviewer when
    they disagree (e.g. 12 新增高企 reported, 3 certificates in the registry). Counts must match;
    amounts and ratios may differ by 10 %. None when the indicator has no registry computation."""
    indicator = value.indicator
    if not indicator.metric or value.value is None:
        return None

    try:
        computed = get_metric(indicator.metric).fn(
            value.plan, value.period.end, unit=value.unit, **(indicator.metric_params or {})
        ).value
    except Exception:  # noqa: BLE001 - a computation that cannot narrow to this unit: no cross-check
        return None
    if computed is None:
        return None
    reported = Decimal(value.value)
    if indicator.kind == IndicatorKind.COUNT:
        differs = reported != computed
    else:
        differs = abs(reported - computed) > abs(computed) * CROSS_CHECK_TOLERANCE
    if not differs:
        return None
    return (
        f"{value.unit.name}填报{indicator.name}{_fmt(reported)}{indicator.measure}，"
        f"资源库中本辖区记录为{_fmt(Decimal(computed))}{indicator.measure}，请核实"
    )
