"""Plan lookups shared by views, API and commands."""

from __future__ import annotations

from django.db.models import Prefetch

from kechuang.core.fingerprint import request_memo
from kechuang.core.scoping import restrict

from .choices import PlanStatus, TaskUnitRole, ValueSource
from .models import Indicator, IndicatorShare, Plan, Task, TaskUnit


def current_plan(user=None) -> Plan | None:
    """The newest active plan the user may see (all plans when ``user`` is None)."""
    qs = Plan.objects.all() if user is None else restrict(Plan.objects.all(), user)
    return qs.filter(status=PlanStatus.ACTIVE).order_by("-year", "code").first() or qs.order_by("-year").first()


# The plan's structure, read once per GET request: a dashboard's figures (indicator values, completeness, ranking,
# red items) and its navigation's to-do each need the task roles, shares and indicators, and read them here.
# Callers must not mutate what these return.


def plan_indicators(plan) -> list[Indicator]:
    """The plan's indicators in order, with their owner unit and plan."""
    return request_memo(("plans.indicators", plan.pk), lambda: list(
        Indicator.objects.filter(plan=plan).select_related("owner_unit", "plan").order_by("seq")))


def reads_registry(plan) -> bool:
    """Whether any of the plan's figures is computed from the registries: only then do its cached figures follow
    registry changes (``core.fingerprint``, ``registry=``)."""
    return request_memo(("plans.reads_registry", plan.pk), lambda: Indicator.objects.filter(
        plan=plan, source=ValueSource.COMPUTED).exists())


def task_unit_rows(plan) -> list[tuple[int, int, str]]:
    """(task id, unit id, role) of every task role in the plan, by task, role and sequence."""
    return request_memo(("plans.task_units", plan.pk), lambda: list(
        TaskUnit.objects.filter(task__plan=plan).order_by("task_id", "role", "seq", "pk")
        .values_list("task_id", "unit_id", "role")))


def share_rows(plan_id: int) -> list[tuple[int, int]]:
    """(indicator id, unit id) of every indicator share in the plan, in the shares' own order."""
    return request_memo(("plans.shares", plan_id), lambda: list(
        IndicatorShare.objects.filter(indicator__plan_id=plan_id).values_list("indicator_id", "unit_id")))


def tasks_with_units(queryset):
    return queryset.prefetch_related(
        Prefetch("task_units", queryset=TaskUnit.objects.select_related("unit").order_by("role", "seq"))
    )


def unit_tasks(plan: Plan, unit) -> dict[str, list[Task]]:
    """The tasks a unit leads and those it answers for."""
    rows = TaskUnit.objects.filter(task__plan=plan, unit=unit).select_related("task").order_by("task__seq")
    result: dict[str, list[Task]] = {TaskUnitRole.LEAD: [], TaskUnitRole.RESPONSIBLE: []}
    for row in rows:
        result[row.role].append(row.task)
    return result


def responsibility_matrix(plan: Plan) -> tuple[list[Task], list, dict]:
    """Tasks × units with the role each unit plays: the office's 任务分工 table."""
    tasks = list(tasks_with_units(plan.tasks.filter(parent__isnull=True).order_by("seq")))
    units = {}
    cells = {}
    for task in tasks:
        for tu in task.task_units.all():
            units[tu.unit.pk] = tu.unit
            cells[(task.pk, tu.unit.pk)] = tu.role
    ordered_units = sorted(units.values(), key=lambda u: u.path)
    return tasks, ordered_units, cells


def indicators_of(plan: Plan, user=None):
    qs = plan.indicators.select_related("owner_unit").prefetch_related("tasks").order_by("seq")
    return restrict(qs, user) if user is not None else qs


__all__ = ["current_plan", "tasks_with_units", "unit_tasks", "responsibility_matrix", "indicators_of", "Indicator"]


def next_plan_code(plan: Plan) -> str:
    """The code next year's plan gets by default (the year in the code moved on, or ``-YYYY`` appended)."""
    code = plan.code.replace(str(plan.year), str(plan.year + 1))
    return code if code != plan.code else f"{plan.code}-{plan.year + 1}"
