"""Demo data (演示): urging notices for the late units, two 督办单 (one replied, one open and
overdue) and a leading-group meeting with decisions, as of 8 October of the plan year. All through the services,
so the units and the office find the matching notices in their notice centres."""

from __future__ import annotations

import datetime as dt

from django.db import transaction

from kechuang.accounts.models import Role, User
from kechuang.core.models import SystemFlag
from kechuang.notices.demo import dated
from kechuang.org.models import Unit
from kechuang.plans.models import Indicator

from . import services
from .models import Meeting, OrderEvent, SupervisionOrder

DEMO_MARK = "【演示】"


def _user(unit=None, role=Role.OFFICE):
    qs = User.objects.filter(role_assignments__role=role, is_active=True)
    if unit is not None:
        qs = qs.filter(unit=unit)
    return qs.order_by("-is_demo", "pk").first()


def generate(plan, rng):
    as_of = dt.date(plan.year, 10, 8)
    if not SystemFlag.get("demo_as_of"):
        SystemFlag.set("demo_as_of", as_of.isoformat())
    office = _user()
    if office is None:
        return
    # Reminders and urging notices as the scheduler would have sent them each month.
    for month in range(2, 11):
        with dated(dt.date(plan.year, month, 6)):
            services.tick(plan, dt.date(plan.year, month, 6))
    with dated(as_of):
        services.tick(plan, as_of)
    with transaction.atomic():
        if not SupervisionOrder.objects.filter(plan=plan, reason__startswith=DEMO_MARK).exists():
            _orders(plan, office, as_of)
        if not Meeting.objects.filter(plan=plan, title__startswith=DEMO_MARK).exists():
            _meeting(plan, office)
    # The open order is overdue on the demo date: the unit is reminded as the daily tick would (once per order).
    with dated(as_of):
        services.remind_replies(plan, as_of)


def _orders(plan, office, as_of):
    talents = Indicator.objects.filter(plan=plan, code="HIGH_END_TALENTS").first()
    platforms = Indicator.objects.filter(plan=plan, code="PLATFORMS_FILED").first()
    if talents is not None and talents.owner_unit_id:
        with dated(dt.datetime(plan.year, 8, 12, 2, 0, tzinfo=dt.UTC)):
            order = services.issue_order(
                plan, talents, talents.owner_unit, f"{DEMO_MARK}高端人才引进连续两个月落后序时进度，请制定追赶措施。",
                dt.date(plan.year, 8, 25), office, issued_on=dt.date(plan.year, 8, 12))
        replier = _user(talents.owner_unit, Role.REPORTER)
        if replier is not None:
            replied = dt.datetime(plan.year, 8, 23, 8, 0, tzinfo=dt.UTC)
            with dated(replied):
                services.reply_order(order, replier, "已与两家企业签订人才引进协议，9月底前完成1名高端人才落地。")
            SupervisionOrder.objects.filter(pk=order.pk).update(replied_at=replied)
            OrderEvent.objects.filter(order=order, action="replied").update(time=replied)
        OrderEvent.objects.filter(order=order, action="issued").update(
            time=dt.datetime(plan.year, 8, 12, 2, 0, tzinfo=dt.UTC))
    if platforms is not None and platforms.owner_unit_id:
        with dated(dt.datetime(plan.year, 9, 16, 2, 0, tzinfo=dt.UTC)):
            order = services.issue_order(
                plan, platforms, platforms.owner_unit,
                f"{DEMO_MARK}新备案创新平台进度滞后于序时进度，请逐企业排查后备平台并反馈备案计划。",
                dt.date(plan.year, 9, 30), office, issued_on=dt.date(plan.year, 9, 16))
        OrderEvent.objects.filter(order=order, action="issued").update(
            time=dt.datetime(plan.year, 9, 16, 2, 0, tzinfo=dt.UTC))


def _meeting(plan, office):
    day = dt.date(plan.year, 9, 20)
    meeting = services.create_meeting(plan, day, office, f"{DEMO_MARK}领导小组{day.month}月例会", as_of=day)
    services.save_minutes(meeting, office, "会议听取了各成员单位1—8月科技创新工作进展汇报，研究了红灯事项的推进措施。")
    units = {u.name: u for u in Unit.objects.filter(name__in=["市科技经信局", "市委人才办", "市市场监管局"])}
    plans = [
        ("市科技经信局", "组织高新技术企业申报辅导会，10月15日前完成后备企业摸底", dt.date(plan.year, 10, 15)),
        ("市委人才办", "落实高端人才团队引进政策兑现", dt.date(plan.year, 9, 30)),
        ("市市场监管局", "开展知识产权质押融资银企对接活动", dt.date(plan.year, 9, 28)),
    ]
    for name, text, deadline in plans:
        if name in units:
            decision = services.add_decision(meeting, office, text, units[name], deadline)
            if name == "市市场监管局":
                services.complete_decision(decision, office, "已于9月27日举办对接会，签约2笔", deadline)
