from decimal import Decimal

from django.shortcuts import get_object_or_404
from ninja import Router, Schema

from kechuang.core.scoping import restrict, restrict_or_404

from .models import Indicator, Plan, Task
from .services import tasks_with_units

PREFIX = "/plans"
router = Router(tags=["工作方案"])


class PlanOut(Schema):
    id: int
    code: str
    title: str
    doc_number: str
    year: int
    status: str


class TaskOut(Schema):
    id: int
    number: str
    title: str
    is_key: bool
    lead_units: list[str]
    responsible_units: list[str]
    lead_text: str
    responsible_text: str

    @staticmethod
    def resolve_lead_units(obj):
        return [u.name for u in obj.lead_units()]

    @staticmethod
    def resolve_responsible_units(obj):
        return [u.name for u in obj.responsible_units()]


class IndicatorOut(Schema):
    id: int
    code: str
    name: str
    measure: str
    kind: str
    comparator: str
    target: Decimal
    progress_mode: str
    source: str
    owner_unit: str | None
    tasks: list[str]

    @staticmethod
    def resolve_owner_unit(obj):
        return obj.owner_unit.name if obj.owner_unit_id else None

    @staticmethod
    def resolve_tasks(obj):
        return [t.number for t in obj.tasks.all()]


def _plan(request, code):
    return get_object_or_404(restrict(Plan.objects.all(), request.auth), code=code)


@router.get("/", response=list[PlanOut])
def list_plans(request):
    return list(restrict_or_404(Plan.objects.all(), request.auth))


@router.get("/{code}", response=PlanOut)
def get_plan(request, code: str):
    return _plan(request, code)


@router.get("/{code}/tasks", response=list[TaskOut])
def list_tasks(request, code: str):
    plan = _plan(request, code)
    return list(tasks_with_units(restrict(Task.objects.filter(plan=plan), request.auth)).order_by("seq"))


@router.get("/{code}/tasks/{task_id}", response=TaskOut)
def get_task(request, code: str, task_id: int):
    plan = _plan(request, code)
    return get_object_or_404(tasks_with_units(restrict(Task.objects.filter(plan=plan), request.auth)), pk=task_id)


@router.get("/{code}/indicators", response=list[IndicatorOut])
def list_indicators(request, code: str):
    plan = _plan(request, code)
    qs = restrict(Indicator.objects.filter(plan=plan), request.auth)
    return list(qs.select_related("owner_unit").prefetch_related("tasks").order_by("seq"))


@router.get("/{code}/indicators/{indicator_id}", response=IndicatorOut)
def get_indicator(request, code: str, indicator_id: int):
    plan = _plan(request, code)
    qs = restrict(Indicator.objects.filter(plan=plan), request.auth).select_related("owner_unit")
    return get_object_or_404(qs.prefetch_related("tasks"), pk=indicator_id)
