from kechuang.core.access import PLAN_READERS, Route
from kechuang.plans.models import Indicator, Task


def _task(number):
    return lambda ctx: {"code": ctx.plan.code, "pk": Task.objects.get(plan=ctx.plan, number=number).pk}


def _indicator(code):
    return lambda ctx: {"code": ctx.plan.code, "pk": Indicator.objects.get(plan=ctx.plan, code=code).pk}


ROUTES = [
    Route("plans:plan_list", allow=PLAN_READERS),
    Route("plans:plan_detail", allow=PLAN_READERS, kwargs=lambda ctx: {"code": ctx.plan.code}),
    Route("plans:plan_export", allow={"office"}, kwargs=lambda ctx: {"code": ctx.plan.code}),
    # (六) names 各镇办: every town sees it; 市财政局 (dept) does not answer for it.
    Route("plans:task_detail", allow=PLAN_READERS - {"dept", "talent"}, kwargs=_task("（六）")),
    # (五) is led by 市委人才办; the development zone answers for it, 市财政局 does not.
    Route("plans:task_detail", allow=PLAN_READERS - {"dept"}, kwargs=_task("（五）")),
    # (四) involves only 市科技经信局, 市人社局 and 市科协: towns get 404.
    Route("plans:task_detail", allow={"office", "leader", "lead"}, kwargs=_task("（四）")),
    Route("plans:indicator_detail", allow={"office", "leader", "lead", "dept", "town", "town_b", "zone"},
          kwargs=_indicator("HNTE_NEW")),
    Route("plans:indicator_detail", allow={"office", "leader", "lead"}, kwargs=_indicator("PLATFORMS_FILED")),
    Route("api:list_plans", allow=PLAN_READERS),
    Route("api:get_plan", allow=PLAN_READERS, kwargs=lambda ctx: {"code": ctx.plan.code}),
    Route("api:list_tasks", allow=PLAN_READERS, kwargs=lambda ctx: {"code": ctx.plan.code}),
    Route("api:get_task", allow={"office", "leader", "lead"},
          kwargs=lambda ctx: {"code": ctx.plan.code, "task_id": Task.objects.get(plan=ctx.plan, number="（四）").pk}),
    Route("api:list_indicators", allow=PLAN_READERS, kwargs=lambda ctx: {"code": ctx.plan.code}),
    Route("api:get_indicator", allow={"office", "leader", "lead"},
          kwargs=lambda ctx: {"code": ctx.plan.code,
                              "indicator_id": Indicator.objects.get(plan=ctx.plan, code="PLATFORMS_FILED").pk}),
]
