"""The shell: home page by role, the unit directory and unit pages."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render

from kechuang.core.perms import perm_required
from kechuang.core.predicates import sees_everything
from kechuang.core.scoping import get_for_user, restrict
from kechuang.org.models import Unit
from kechuang.plans.services import current_plan, indicators_of, unit_tasks
from kechuang.reporting.services import business_date

from . import todo


@login_required
def home(request):
    user = request.user
    # Each administrator lands on their own page (三员分立): they do no plan work.
    if user.has_perm("audit.view_auditlog") and not sees_everything(user):
        return redirect("audit:event_list")
    if user.has_perm("accounts.list_users") and not sees_everything(user):
        return redirect("accounts:user_list")
    plan = current_plan(user)
    context = {"plan": plan}
    if plan is not None:
        as_of = business_date()
        context["todo"] = todo.sections(user, plan, as_of)
        todo.remember(user, plan, as_of, context["todo"])
        context["as_of"] = as_of
        if user.unit_id and not sees_everything(user):
            context["my_tasks"] = unit_tasks(plan, user.unit)
        if not sees_everything(user):
            context["indicators"] = indicators_of(plan, user)
    return render(request, "web/home.html", context)


@login_required
@perm_required("web.view_unit_list")
def unit_list(request):
    units = restrict(Unit.objects.all(), request.user).filter(is_active=True)
    return render(request, "web/unit_list.html", {"units": units})


@login_required
def unit_detail(request, code):
    unit = get_for_user(Unit.objects.all(), request.user, code=code)
    plan = current_plan(request.user)
    tasks = unit_tasks(plan, unit) if plan else {}
    # A unit user sees another unit's task list only for tasks visible to it.
    visible = set(restrict(plan.tasks.all(), request.user).values_list("pk", flat=True)) if plan else set()
    tasks = {role: [t for t in items if t.pk in visible] for role, items in tasks.items()}
    return render(request, "web/unit_detail.html", {"unit": unit, "plan": plan, "tasks": tasks})
