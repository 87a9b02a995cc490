import datetime as dt

from kechuang.core.access import PLAN_READERS, Route, html_links
from kechuang.org.models import Unit
from kechuang.plans.models import Indicator, Task
from kechuang.supervision.models import Meeting, MeetingDecision, OrderStatus, SupervisionOrder

# 武胜关镇 (persona "town") gets an order and a meeting decision; 杨寨镇 (town_b) must never see them.
TOWN = "武胜关镇"
HNTE_READERS = {"office", "leader", "lead", "dept", "town", "town_b", "zone"}


def _order(ctx):
    unit = Unit.objects.get(name=TOWN)
    indicator = Indicator.objects.get(plan=ctx.plan, code="HNTE_NEW")
    order, _ = SupervisionOrder.objects.get_or_create(
        plan=ctx.plan, year=ctx.plan.year, number=1,
        defaults={"status": OrderStatus.ISSUED, "indicator": indicator, "unit": unit, "reason": "测试",
                  "issued_on": dt.date(ctx.plan.year, 8, 1), "reply_due": dt.date(ctx.plan.year, 8, 15)},
    )
    return {"pk": order.pk}


def _three_orders(ctx):
    """An issued order to 武胜关镇, one to 杨寨镇 and a proposal (the office's internal draft) for 武胜关镇."""
    indicator = Indicator.objects.get(plan=ctx.plan, code="HNTE_NEW")
    ids = {}
    orders = (("own", TOWN, OrderStatus.ISSUED, 11), ("other", "杨寨镇", OrderStatus.ISSUED, 12),
              ("proposed", TOWN, OrderStatus.PROPOSED, None))
    for key, unit, status, number in orders:
        ids[key] = SupervisionOrder.objects.create(
            plan=ctx.plan, year=ctx.plan.year, number=number, status=status, indicator=indicator,
            unit=Unit.objects.get(name=unit), reason="测试", issued_on=dt.date(ctx.plan.year, 8, 1),
        ).pk
    ctx.orders = ids
    return {}


def _order_rows(ctx, persona):
    """Units see their own issued orders; leaders all issued ones; only the office sees proposals."""
    o = ctx.orders
    return {
        "office": {o["own"], o["other"], o["proposed"]},
        "leader": {o["own"], o["other"]},
        "town": {o["own"]},
        "town_b": {o["other"]},
    }.get(persona, set())


def _replied_order(ctx):
    pk = _order(ctx)["pk"]
    SupervisionOrder.objects.filter(pk=pk).update(status=OrderStatus.REPLIED, reply="已加快推进")
    return {"pk": pk}


def _meeting(ctx):
    meeting, _ = Meeting.objects.get_or_create(plan=ctx.plan, date=dt.date(ctx.plan.year, 8, 1),
                                               defaults={"title": "测试例会"})
    decision, _ = MeetingDecision.objects.get_or_create(
        meeting=meeting, text="测试事项", defaults={"owner_unit": Unit.objects.get(name=TOWN),
                                                   "deadline": dt.date(ctx.plan.year, 8, 20)})
    return meeting, decision


def _indicator(code):
    return lambda ctx: {"pk": Indicator.objects.get(plan=ctx.plan, code=code).pk}


ROUTES = [
    Route("supervision:dashboard", allow=PLAN_READERS),
    Route("supervision:indicator_trend", allow=HNTE_READERS, kwargs=_indicator("HNTE_NEW")),
    Route("supervision:indicator_trend", allow={"office", "leader", "lead"}, kwargs=_indicator("PLATFORMS_FILED")),
    Route("supervision:supervision_list", allow={"office", "leader"}),
    Route("supervision:order_list", allow=PLAN_READERS),
    Route("supervision:order_list", allow=PLAN_READERS, note="rows", kwargs=_three_orders, rows=_order_rows,
          seen=html_links(r"/supervision/orders/(\d+)/")),
    Route("supervision:order_issue", allow={"office"}),
    Route("supervision:order_detail", allow={"office", "leader", "town"}, kwargs=_order),
    Route("supervision:order_docx", allow={"office", "leader", "town"}, kwargs=_order),
    Route("supervision:order_reply", allow={"town"}, kwargs=_order, method="POST", ok=(302,),
          data={"reply": "已加快推进"}),
    Route("supervision:order_close", allow={"office"}, kwargs=_replied_order, method="POST", ok=(302,),
          data={"note": "同意办结"}),
    Route("supervision:meeting_list", allow=PLAN_READERS),
    Route("supervision:meeting_create", allow={"office"}),
    Route("supervision:meeting_detail", allow={"office", "leader", "town"},
          kwargs=lambda ctx: {"pk": _meeting(ctx)[0].pk}),
    Route("supervision:meeting_docx", allow={"office", "leader", "town"},
          kwargs=lambda ctx: {"pk": _meeting(ctx)[0].pk}),
    Route("supervision:decision_done", allow={"office", "town"}, kwargs=lambda ctx: {"pk": _meeting(ctx)[1].pk},
          method="POST", ok=(302,), data={"note": "已完成"}),
    Route("supervision:notice_list", allow=PLAN_READERS),
    Route("supervision:urge", allow={"office"}, method="POST", ok=(302,), data={"all": "1"}),
    Route("supervision:task_detail", allow={"office", "leader", "lead", "town", "town_b", "zone"},
          kwargs=lambda ctx: {"pk": Task.objects.get(plan=ctx.plan, number="（六）").pk}),
    Route("api:indicator_status", allow=PLAN_READERS, kwargs=lambda ctx: {"code": ctx.plan.code}),
    Route("api:task_status", allow=PLAN_READERS, kwargs=lambda ctx: {"code": ctx.plan.code}),
    Route("api:rankings", allow={"office", "leader"}, kwargs=lambda ctx: {"code": ctx.plan.code}),
    Route("api:list_orders", allow=PLAN_READERS),
    Route("api:list_orders", allow=PLAN_READERS, note="rows", kwargs=_three_orders, rows=_order_rows),
    Route("api:get_order", allow={"office", "leader", "town"}, kwargs=lambda ctx: {"order_id": _order(ctx)["pk"]}),
]
