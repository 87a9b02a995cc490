"""Who may edit, review and reopen a report row."""

from __future__ import annotations

from django.db.models import Q

from kechuang.accounts.models import Role
from kechuang.plans.choices import TaskUnitRole
from kechuang.plans.models import Indicator, TaskUnit

from ..choices import SubmissionStatus
from ..models import IndicatorValue, TaskReport


def is_unit_user(user, unit_id) -> bool:
    return bool(user.unit_id) and user.unit_id == unit_id and user.has_role(Role.REPORTER, Role.REVIEWER)


def can_edit(user, row) -> bool:
    """The unit itself (reporter or reviewer) or the office."""
    return user.is_active and (is_unit_user(user, row.unit_id) or user.is_office)


def _lead_unit_ids(task_ids) -> set[int]:
    return set(
        TaskUnit.objects.filter(task_id__in=task_ids, role=TaskUnitRole.LEAD).values_list("unit_id", flat=True)
    )


def can_review(user, row) -> bool:
    """The office everywhere; a reviewer of a lead unit for other units' rows on the tasks it leads
    (for an indicator value also the indicator's owner unit). Nobody approves their own unit's row."""
    if not user.is_active:
        return False
    if user.is_office:
        return True
    if not user.unit_id or not user.has_role(Role.REVIEWER) or user.unit_id == row.unit_id:
        return False
    if isinstance(row, TaskReport):
        return user.unit_id in _lead_unit_ids([row.task_id])
    indicator = row.indicator
    if indicator.owner_unit_id == user.unit_id:
        return True
    return user.unit_id in _lead_unit_ids(indicator.tasks.values("pk"))


def reviewable(plan, user) -> tuple:
    """(task reports, indicator values) submitted and waiting for ``user``'s review, as querysets: the
    same rule as ``can_review`` expressed in the query (the review queue, its filters and the badge
    counts read these; a test checks the two agree row by row)."""
    reports = TaskReport.objects.filter(plan=plan, status=SubmissionStatus.SUBMITTED)
    values = IndicatorValue.objects.filter(plan=plan, status=SubmissionStatus.SUBMITTED)
    if not user.is_active:
        return reports.none(), values.none()
    if user.is_office:
        return reports, values
    if not user.unit_id or not user.has_role(Role.REVIEWER):
        return reports.none(), values.none()
    led = TaskUnit.objects.filter(task__plan=plan, role=TaskUnitRole.LEAD, unit_id=user.unit_id).values("task_id")
    reports = reports.filter(task_id__in=led).exclude(unit_id=user.unit_id)
    values = values.filter(Q(indicator__owner_unit_id=user.unit_id)
                           | Q(indicator__in=Indicator.objects.filter(tasks__in=led).values("pk"))
                           ).exclude(unit_id=user.unit_id)
    return reports, values


def can_reopen(user) -> bool:
    return user.is_active and user.is_office
