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

from dataclasses import dataclass, field
from decimal import Decimal

from kechuang.metrics.registry import get_metric
from kechuang.plans.choices import IndicatorKind, ProgressMode

from .choices import SubmissionStatus
from .models import IndicatorValue

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
    result = RuleResult()
    if value is None:
        return result
    low, high = value_bounds(indicator)
    if low is not None and value < low:
        result.errors.append(f"{indicator.name}不能小于 {_fmt(low)}{indicator.measure}")
    if high is not None and value > high:
        result.errors.append(f"{indicator.name}不能大于 {_fmt(high)}{indicator.measure}")

    prev = previous_approved(indicator, unit, period)
    if prev is not None and prev.value is not None:
        if indicator.progress_mode == ProgressMode.CUMULATIVE and value < prev.value:
            result.errors.append(
                f"{indicator.name}为年度累计数，不能小于{prev.period.month}月已审核的"
                f" {_fmt(prev.value)}{indicator.measure}"
            )
        if prev.value != 0 and abs(value - prev.value) > abs(prev.value) * JUMP_WARNING_RATIO:
            result.warnings.append(
                f"{indicator.name}较{prev.period.month}月（{_fmt(prev.value)}{indicator.measure}）变动超过50%"
            )

    batch = dict(batch or {})
    batch[indicator.pk] = value
    # Parts ≤ whole, checked from whichever side is being saved.
    whole = indicator.part_of if indicator.part_of_id else None
    wholes = [whole] if whole is not None else []
    if indicator.parts.exists():
        wholes.append(indicator)
    for total in wholes:
        part_ids = list(total.parts.values_list("pk", flat=True))
        values = _current_values(set(part_ids) | {total.pk}, unit, period, batch)
        total_value = values.get(total.pk)
        part_values = [values.get(pid) for pid in part_ids]
        if total_value is None or any(v is None for v in part_values):
            continue
        parts_sum = sum(part_values, Decimal(0))
        if parts_sum > total_value:
            names = "、".join(total.parts.order_by("seq").values_list("name", flat=True))
            result.errors.append(
                f"{names}之和（{_fmt(parts_sum)}）不能大于{total.name}（{_fmt(total_value)}）"
            )
    return result


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
