"""The "reported" source of the resolution path: the latest APPROVED IndicatorValue up to ``as_of``.

- without ``unit``: the owner unit's value, or — when the indicator is split into per-unit shares —
  the sum of each share unit's latest approved value;
- with ``unit``: that unit's latest approved value.

A month's value counts from the end of that month (``Period.end <= as_of``).
"""

from __future__ import annotations

from decimal import Decimal

from kechuang.metrics.resolution import Resolved, register_provider
from kechuang.plans.choices import ValueSource

from .choices import SubmissionStatus


def _latest(indicator, as_of, unit_ids):
    from .models import IndicatorValue

    rows = (
        IndicatorValue.objects.filter(
            indicator=indicator, unit_id__in=unit_ids, status=SubmissionStatus.APPROVED, value__isnull=False,
            period__plan_id=indicator.plan_id,
        )
        .select_related("period", "unit")
        .order_by("unit_id", "-period__year", "-period__month")
    )
    latest = {}
    for row in rows:
        if row.period.end <= as_of and row.unit_id not in latest:
            latest[row.unit_id] = row
    return latest


def reported_value(indicator, as_of, unit=None) -> Resolved:
    share_units = list(indicator.shares.values_list("unit_id", flat=True))
    if unit is not None:
        unit_ids = [unit.pk]
    elif share_units:
        unit_ids = share_units
    elif indicator.owner_unit_id:
        unit_ids = [indicator.owner_unit_id]
    else:
        unit_ids = []
    latest = _latest(indicator, as_of, unit_ids)
    records = [latest[u] for u in unit_ids if u in latest]
    if not records:
        value = None
    elif len(unit_ids) == 1:
        value = records[0].value
    else:
        value = sum((r.value for r in records), Decimal(0))
    detail = {
        "units_reported": len(records),
        "units_expected": len(unit_ids),
        "periods": sorted({r.period.code for r in records}),
    }
    return Resolved(indicator.pk, value, ValueSource.REPORTED, as_of, records, detail)


register_provider(ValueSource.REPORTED, reported_value)
