"""Plan pages: list, overview (tasks, indicators, who answers for what), task and indicator detail."""

import yaml
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import render
from django.utils.http import content_disposition_header

from kechuang.audit.services import record_event
from kechuang.core.perms import perm_required
from kechuang.core.scoping import get_for_user, restrict

from .loader import dump_plan
from .models import Indicator, Plan, Task
from .services import indicators_of, responsibility_matrix, tasks_with_units


@login_required
@perm_required("plans.view_plan_list")
def plan_list(request):
    plans = restrict(Plan.objects.select_related("owner_unit"), request.user)
    return render(request, "plans/plan_list.html", {"plans": plans})


@login_required
def plan_detail(request, code):
    plan = get_for_user(Plan.objects.select_related("owner_unit", "office_unit"), request.user, code=code)
    tasks = tasks_with_units(restrict(plan.tasks.filter(parent__isnull=True), request.user).order_by("seq"))
    indicators = indicators_of(plan, request.user)
    context = {"plan": plan, "tasks": tasks, "indicators": indicators}
    if request.user.has_perm("plans.view_responsibility_matrix"):
        matrix_tasks, matrix_units, cells = responsibility_matrix(plan)
        context["matrix"] = {
            "tasks": matrix_tasks,
            "rows": [
                {"unit": u, "cells": [cells.get((t.pk, u.pk), "") for t in matrix_tasks]} for u in matrix_units
            ],
        }
    return render(request, "plans/plan_detail.html", context)


@login_required
def task_detail(request, code, pk):
    plan = get_for_user(Plan.objects.all(), request.user, code=code)
    task = get_for_user(tasks_with_units(Task.objects.filter(plan=plan)), request.user, pk=pk)
    indicators = restrict(task.indicators.select_related("owner_unit"), request.user)
    return render(request, "plans/task_detail.html", {"plan": plan, "task": task, "indicators": indicators})


@login_required
def indicator_detail(request, code, pk):
    plan = get_for_user(Plan.objects.all(), request.user, code=code)
    indicator = get_for_user(
        Indicator.objects.filter(plan=plan).select_related("owner_unit", "part_of"), request.user, pk=pk
    )
    return render(request, "plans/indicator_detail.html", {"plan": plan, "indicator": indicator})


@login_required
def plan_export(request, code):
    plan = get_for_user(Plan.objects.all(), request.user, "change", code=code)
    text = yaml.safe_dump(dump_plan(plan), allow_unicode=True, sort_keys=False, width=1000)
    record_event("plan.export", obj=plan)
    response = HttpResponse(text, content_type="application/x-yaml; charset=utf-8")
    response["Content-Disposition"] = content_disposition_header(True, f"{plan.title}（方案文件）.yaml")
    return response
