"""The reporting burden per unit: how many items it answers for each month."""

from __future__ import annotations

from kechuang.core.fingerprint import cached
from kechuang.org.models import Unit
from kechuang.plans.choices import ValueSource
from kechuang.plans.models import Indicator, IndicatorShare, TaskUnit
from kechuang.plans.services import reads_registry

from ..models import IndicatorValue, TaskReport
from .prefill import _previous_period, system_value


def burden_by_unit(plan, period, *, check_system: bool = True) -> dict[int, dict]:
    """The burden meter for every unit at once (the office's view), with a constant number of queries
    plus one resolution per indicator the system may know: same figures as ``Workspace.burden``.
    ``check_system=False`` trusts the declared source (computed/statistical = system) instead of
    resolving each figure, for a fast overview. Cached under the data fingerprint."""
    return cached(f"reporting:burden:v1:{plan.pk}:{period.pk}:{int(check_system)}",
                  lambda: _burden_by_unit(plan, period, check_system=check_system), plan=plan,
                  registry=reads_registry(plan))


def _burden_by_unit(plan, period, *, check_system: bool) -> dict[int, dict]:
    tasks: dict[int, set[int]] = {}
    for task_id, unit_id in TaskUnit.objects.filter(task__plan=plan).values_list("task_id", "unit_id"):
        tasks.setdefault(unit_id, set()).add(task_id)
    prev = _previous_period(period)
    prev_tasks = set(
        TaskReport.objects.filter(plan=plan, period=prev).values_list("task_id", "unit_id")) if prev else set()
    shares: dict[int, set[int]] = {}
    for ind_id, unit_id in IndicatorShare.objects.filter(indicator__plan=plan).values_list("indicator_id", "unit_id"):
        shares.setdefault(ind_id, set()).add(unit_id)
    indicators = list(Indicator.objects.filter(plan=plan).select_related("plan"))
    answer: dict[int, list[tuple]] = {}
    for ind in indicators:
        if ind.pk in shares:
            for unit_id in shares[ind.pk]:
                answer.setdefault(unit_id, []).append((ind, unit_id))
        elif ind.owner_unit_id:
            answer.setdefault(ind.owner_unit_id, []).append((ind, None))
    units = {u.pk: u for u in _units(set(tasks) | set(answer))}
    system_cache: dict[tuple, bool] = {}
    current_values = dict(
        ((i, u), v) for i, u, v in IndicatorValue.objects.filter(plan=plan, period=period).values_list(
            "indicator_id", "unit_id", "prefilled_from"))
    prev_values = set(
        IndicatorValue.objects.filter(plan=plan, period=prev, value__isnull=False)
        .values_list("indicator_id", "unit_id")
    ) if prev else set()
    out = {}
    for unit_id in sorted(set(tasks) | set(answer)):
        my_tasks = tasks.get(unit_id, set())
        prefilled = sum(1 for t in my_tasks if (t, unit_id) in prev_tasks)
        system = entry = 0
        for ind, share_unit in answer.get(unit_id, []):
            key = (ind.pk, share_unit)
            if key not in system_cache:
                if check_system:
                    system_cache[key] = system_value(ind, period.end, units.get(share_unit)) is not None
                else:
                    system_cache[key] = ind.source != ValueSource.REPORTED
            if system_cache[key]:
                system += 1
                continue
            entry += 1
            if current_values.get((ind.pk, unit_id)) or (ind.pk, unit_id) in prev_values:
                prefilled += 1
        to_fill = len(my_tasks) + entry
        out[unit_id] = {"total": to_fill + system, "to_fill": to_fill, "prefilled": prefilled, "system": system,
                        "typed": to_fill - prefilled}
    return out


def _units(ids):
    return Unit.objects.filter(pk__in=ids)
