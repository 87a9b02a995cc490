"""The year-rollover action of the plan review page (the page itself is plans' extraction review)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect
from django.views.decorators.http import require_POST

from kechuang.core.scoping import CHANGE, get_for_user
from kechuang.plans.loader import PlanFileError
from kechuang.plans.models import Plan
from kechuang.plans.services import next_plan_code

from .rollover import rollover_plan


@login_required
@require_POST
def plan_rollover(request, code):
    plan = get_for_user(Plan.objects.all(), request.user, CHANGE, code=code)
    new_code = (request.POST.get("code") or "").strip() or next_plan_code(plan)
    try:
        year = int(request.POST.get("year") or plan.year + 1)
        new = rollover_plan(plan, new_code, year, user=request.user)
    except ValueError as exc:  # PlanFileError is a ValueError too
        messages.error(request, str(exc) if isinstance(exc, PlanFileError) else "年度应为数字")
        return redirect("plans:extract_review", code=plan.code)
    messages.success(request, f"已生成 {new.year} 年度方案草稿，本年实际值已作为基期值。")
    return redirect("plans:extract_review", code=new.code)
