"""Which submitted rows wait for a user's review, as a query (the actions themselves are declared in
``reporting/rules.py``: ``user.has_perm("reporting.review_taskreport", row)``)."""

from __future__ import annotations

from django.db.models import Q

from kechuang.core.predicates import is_office, is_unit_reviewer
from kechuang.plans.choices import TaskUnitRole
from kechuang.plans.models import Indicator, TaskUnit

from ..choices import SubmissionStatus
from ..models import IndicatorValue, TaskReport


def reviewable(plan, user) -> tuple:
    """(task reports, indicator values) submitted and waiting for ``user``'s review, as querysets: the
    same rule as ``reporting.review_*`` expressed in the query (the review queue, its filters and the badge
    counts read these; a test checks the two agree row by row)."""
    reports = TaskReport.objects.filter(plan=plan, status=SubmissionStatus.SUBMITTED)
    values = IndicatorValue.objects.filter(plan=plan, status=SubmissionStatus.SUBMITTED)
    if not user.is_active:
        return reports.none(), values.none()
    if is_office(user):
        return reports, values
    if not is_unit_reviewer(user):
        return reports.none(), values.none()
    led = TaskUnit.objects.filter(task__plan=plan, role=TaskUnitRole.LEAD, unit_id=user.unit_id).values("task_id")
    reports = reports.filter(task_id__in=led).exclude(unit_id=user.unit_id)
    values = values.filter(Q(indicator__owner_unit_id=user.unit_id)
                           | Q(indicator__in=Indicator.objects.filter(tasks__in=led).values("pk"))
                           ).exclude(unit_id=user.unit_id)
    return reports, values
