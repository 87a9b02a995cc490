"""我的待办: what each role has to do now, gathered from reporting, supervision and bulletins.

One function builds the list for the home page; the navigation badges count the same list (cached
under the data fingerprint, so a badge never disagrees with the page it leads to for long).
Every read goes through ``restrict()`` or a service that applies the same rule.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.core.cache import cache
from django.db.models import Count
from django.urls import reverse

from kechuang.bulletins.models import Bulletin, BulletinStatus
from kechuang.core.fingerprint import cached, data_version
from kechuang.core.predicates import is_office, sees_everything
from kechuang.core.scoping import is_unit_member, restrict
from kechuang.plans.services import reads_registry
from kechuang.reporting import services as reporting
from kechuang.reporting.choices import SubmissionStatus
from kechuang.reporting.models import IndicatorValue, TaskReport
from kechuang.supervision import engine
from kechuang.supervision import services as supervision
from kechuang.supervision.models import (
    OPEN_ORDER_STATUSES,
    DecisionStatus,
    MeetingDecision,
    NoticeKind,
    OrderStatus,
    SupervisionOrder,
    UrgingNotice,
)

BADGE_SECONDS = 60
SHOWN_PERIODS = 3  # unsubmitted months listed for a unit (older ones are in 填报情况)


@dataclass
class Item:
    text: str
    url: str = ""
    detail: str = ""
    level: str = "secondary"  # bootstrap colour of the marker: danger, warning, info, secondary
    due: dt.date | None = None
    unit: object | None = None  # office: the late unit (one-click 催办)
    urged: object | None = None  # office: the urging notice already sent
    order_url: str = ""  # office: 下发督办单 pre-filled for this item
    weight: int = 1  # what the item counts for in the badge (a month's reviews count each row)


@dataclass
class Section:
    key: str
    title: str
    items: list[Item] = field(default_factory=list)
    empty: str = "暂无"
    more_url: str = ""
    more_label: str = ""

    @property
    def count(self) -> int:
        return sum(i.weight for i in self.items)


def _fill_url(plan, period, anchor: str = "") -> str:
    return reverse("reporting:workspace", args=[plan.code, period.year, period.month]) + anchor


def _days(later: dt.date, earlier: dt.date) -> int:
    return (later - earlier).days


# ------------------------------------------------------------------------------------------- units


def _unit_sections(user, plan, as_of) -> list[Section]:
    unit = user.unit
    # Read-only: the badges run on every page, even a refused request's; periods are created by tick and filing.
    periods = [p for p in reporting.plan_periods(plan) if p.opens_on <= as_of]
    states = reporting.status_matrix(plan, periods, as_of, unit_ids=[unit.pk])
    unsubmitted = [p for p in periods if states.get((p.pk, unit.pk)) in ("missing", "draft")]
    due = Section("due", "待报送", empty="本单位已报送全部应报月份，暂无待办")
    for period in reversed(unsubmitted[-SHOWN_PERIODS:]):
        started = states[(period.pk, unit.pk)] == "draft"
        if period.due_on < as_of:
            detail = f"已于{period.due_on:%-m月%-d日}截止，逾期{_days(as_of, period.due_on)}天"
            level = "danger"
        else:
            detail = f"{period.due_on:%-m月%-d日}前报送，还有{_days(period.due_on, as_of)}天"
            level = "warning"
        due.items.append(Item(f"{period.label}工作进展{'未报送完毕' if started else '待报送'}",
                              _fill_url(plan, period), detail, level, period.due_on))

    returned = Section("returned", "被退回", empty="无被退回的报告")
    for row in restrict(TaskReport.objects.filter(plan=plan, unit=unit, status=SubmissionStatus.RETURNED),
                        user).select_related("task", "period").order_by("period__month", "task__seq"):
        returned.items.append(Item(f"{row.period.label} {row.task.number}{row.task.title}",
                                   _fill_url(plan, row.period, f"#t{row.task_id}"),
                                   f"退回原因：{row.return_reason or '未注明'}", "danger"))
    for row in restrict(IndicatorValue.objects.filter(plan=plan, unit=unit, status=SubmissionStatus.RETURNED),
                        user).select_related("indicator", "period").order_by("period__month", "indicator__seq"):
        returned.items.append(Item(f"{row.period.label} 指标：{row.indicator.name}",
                                   _fill_url(plan, row.period, f"#i{row.indicator_id}"),
                                   f"退回原因：{row.return_reason or '未注明'}", "danger"))

    orders = Section("orders", "督办单待反馈", empty="无待反馈的督办单",
                     more_url=reverse("supervision:order_list"), more_label="全部督办单")
    for order in restrict(SupervisionOrder.objects.filter(plan=plan, unit=unit, status=OrderStatus.ISSUED), user) \
            .select_related("indicator", "task", "decision").order_by("reply_due", "pk"):
        overdue = order.is_overdue(as_of)
        detail = f"反馈时限{order.reply_due:%-m月%-d日}" if order.reply_due else ""
        if overdue:
            detail += "，已逾期"
        orders.items.append(Item(f"督办单{order.display_number}：{order.subject}", order.get_absolute_url(), detail,
                                 "danger" if overdue else "warning", order.reply_due))
    for decision in restrict(MeetingDecision.objects.filter(meeting__plan=plan, owner_unit=unit,
                                                            status=DecisionStatus.OPEN), user) \
            .select_related("meeting").order_by("deadline"):
        overdue = decision.is_overdue(as_of)
        orders.items.append(Item(f"例会议定事项：{decision.text[:40]}", decision.get_absolute_url(),
                                 f"完成时限{decision.deadline:%-m月%-d日}{'，已逾期' if overdue else ''}",
                                 "danger" if overdue else "info", decision.deadline))

    notices = Section("notices", "催办通知", empty="无未处理的催办通知",
                      more_url=reverse("supervision:notice_list"), more_label="全部通知")
    open_ids = {p.pk for p in unsubmitted}
    for notice in restrict(UrgingNotice.objects.filter(plan=plan, unit=unit, kind=NoticeKind.URGING,
                                                       period_id__in=open_ids), user).select_related("period"):
        notices.items.append(Item(f"{notice.period.label}催办（{notice.created:%-m月%-d日}）",
                                  _fill_url(plan, notice.period), notice.message, "danger"))
    return [due, returned, orders, notices]


def _review_section(user, plan) -> Section | None:
    if not user.has_perm("reporting.view_reviewqueue"):
        return None
    reports, values = reporting.reviewable(plan, user)
    queue = reverse("reporting:review_queue", args=[plan.code])
    section = Section("reviews", "待审核", empty="暂无待审核的报告", more_url=queue, more_label="打开审核列表")
    by_month: dict[tuple, int] = {}
    for qs in (reports, values):  # counted by the database: a month can hold thousands of rows to review
        for year, month, n in (qs.order_by().values("period__year", "period__month").annotate(n=Count("pk"))
                               .values_list("period__year", "period__month", "n")):
            by_month[(year, month)] = by_month.get((year, month), 0) + n
    for (year, month), n in sorted(by_month.items()):
        section.items.append(Item(f"{year}年{month}月 待审核 {n} 项", f"{queue}?period={month}", "", "warning",
                                  weight=n))
    return section


# ------------------------------------------------------------------------------------------ office


def _office_sections(user, plan, as_of) -> list[Section]:
    late = Section("late", "未报送单位", empty="应报单位均已报送",
                   more_url=reverse("reporting:completeness", args=[plan.code]), more_label="填报情况")
    issue = reverse("supervision:order_issue")
    for lu in supervision.late_units(plan, as_of):
        detail = f"{lu.period.label}{lu.state_label}，{lu.period.due_on:%-m月%-d日}截止"
        late.items.append(Item(lu.unit.name, reverse("web:unit_detail", args=[lu.unit.code]), detail, "danger",
                               lu.period.due_on, unit=lu.unit, urged=lu.notice,
                               order_url=f"{issue}?unit={lu.unit.pk}&late={lu.period.month}"))
    orders = SupervisionOrder.objects.filter(plan=plan, status__in=OPEN_ORDER_STATUSES)
    keys = {("indicator", o.indicator_id) if o.indicator_id else
            (("task", o.task_id) if o.task_id else ("decision", o.decision_id)) for o in orders}
    supervise = Section("supervise", "待督办事项", empty="没有需要督办的红灯事项",
                        more_url=reverse("supervision:supervision_list"), more_label="月督办清单")
    for it in red_rows(plan, as_of):
        if (it["kind"], it["pk"]) in keys:
            continue
        supervise.items.append(Item(it["name"], it["url"], it["detail"], "danger",
                                    order_url=f"{issue}?{it['kind']}={it['pk']}"))
    proposals = orders.filter(status=OrderStatus.PROPOSED).count()
    if proposals:
        supervise.items.append(Item(f"系统建议督办 {proposals} 项（连续两个月红灯）",
                                    reverse("supervision:order_list") + "?status=proposed", "", "warning"))
    for order in orders.filter(status=OrderStatus.REPLIED).select_related("unit", "indicator", "task", "decision"):
        supervise.items.append(Item(f"督办单{order.display_number}已反馈，待办结", order.get_absolute_url(),
                                    f"{order.unit.name}：{order.subject}", "info"))
    bulletins = Section("bulletins", "待签发通报", empty="已结束季度的通报均已签发",
                        more_url=reverse("bulletins:bulletin_list"), more_label="季度通报")
    made = {(b.year, b.quarter): b for b in Bulletin.objects.filter(plan=plan).only("year", "quarter", "status")}
    for quarter in range(1, 5):
        end = engine.month_end(plan.year, quarter * 3)
        if end >= as_of:
            break
        bulletin = made.get((plan.year, quarter))
        if bulletin is None:
            bulletins.items.append(Item(f"{plan.year}年第{quarter}季度通报未生成",
                                        reverse("bulletins:bulletin_list"), "在季度通报页生成草稿", "warning"))
        elif bulletin.status != BulletinStatus.ISSUED:
            bulletins.items.append(Item(f"{bulletin}（草稿）待签发",
                                        reverse("bulletins:bulletin_detail", args=[bulletin.pk]), "", "warning"))
    return [late, supervise, bulletins]


# ------------------------------------------------------------------------------------------ leader


KIND_LABELS = {"indicator": "指标", "task": "任务", "decision": "议定事项"}


def _item_name(item) -> str:
    obj = item.obj
    if item.kind == "task":
        return f"任务 {obj.number}{obj.title}"
    if item.kind == "indicator":
        return f"指标 {obj.name}"
    return f"议定事项 {obj.text[:40]}"


def _item_url(item, as_of) -> str:
    if item.kind == "task":
        return reverse("supervision:task_detail", args=[item.obj.pk])
    if item.kind == "indicator":
        return reverse("metrics:indicator_values", args=[item.obj.pk]) + f"?date={as_of.isoformat()}"
    return item.obj.get_absolute_url()


def _units_text(item) -> str:
    units = "、".join(u.name for u in item.units if u is not None) or "未明确"
    return f"责任单位：{units}。{item.reason}"


def red_rows(plan, as_of: dt.date) -> list[dict]:
    """The red items (``engine.red_items``: indicators, tasks, overdue meeting decisions, in that order) as
    plain rows, cached under the data fingerprint (the plan's own rows, and the registries when its figures
    read them, as its dashboard) for as long as the dashboard's figures: the home page and the badges of every
    page share them."""
    return cached(f"web:red:{plan.pk}:{as_of.isoformat()}", lambda: [
        {"kind": it.kind, "pk": it.obj.pk, "name": _item_name(it), "url": _item_url(it, as_of),
         "detail": _units_text(it)} for it in engine.red_items(plan, as_of)], plan=plan, registry=reads_registry(plan))


def _leader_sections(user, plan, as_of) -> list[Section]:
    red = Section("red", "红灯事项及责任单位", empty="当前没有红灯事项",
                  more_url=reverse("supervision:dashboard"), more_label="督办看板")
    for it in red_rows(plan, as_of):
        red.items.append(Item(it["name"], it["url"], it["detail"], "danger"))
    overdue = Section("overdue_orders", "督办单逾期未反馈", empty="无逾期未反馈的督办单",
                      more_url=reverse("supervision:order_list"), more_label="全部督办单")
    for order in restrict(SupervisionOrder.objects.filter(plan=plan, status=OrderStatus.ISSUED,
                                                          reply_due__lt=as_of), user).select_related("unit"):
        overdue.items.append(Item(f"督办单{order.display_number}：{order.subject}", order.get_absolute_url(),
                                  f"{order.unit.name}，时限{order.reply_due:%-m月%-d日}", "danger"))
    return [red, overdue]


# -------------------------------------------------------------------------------------------- entry


def sections(user, plan, as_of: dt.date) -> list[Section]:
    """The to-do sections for ``user`` on ``as_of`` (empty for roles with no plan work)."""
    if plan is None or not user.is_authenticated:
        return []
    out: list[Section] = []
    if is_office(user):
        out += _office_sections(user, plan, as_of)
    elif sees_everything(user):
        out += _leader_sections(user, plan, as_of)
    elif is_unit_member(user):
        out += _unit_sections(user, plan, as_of)
    review = _review_section(user, plan)
    if review is not None:
        out.insert(1 if is_office(user) else len(out), review)
    return out


def badge_counts(user, plan, as_of: dt.date) -> dict[str, int]:
    """{"todo": items on 我的待办, "reviews": rows waiting for review}, cached per user under the data
    fingerprint (any report, order or notice change gives new counts on the next page)."""
    if plan is None:
        return {}
    key = _badge_key(user, plan, as_of)
    counts = cache.get(key)
    if counts is None:
        counts = remember(user, plan, as_of, sections(user, plan, as_of))
    return counts


def remember(user, plan, as_of: dt.date, found: list[Section]) -> dict[str, int]:
    """Store the badge counts of sections just built (the home page), so its navigation does not build them twice."""
    counts = {"todo": sum(s.count for s in found), "reviews": next((s.count for s in found if s.key == "reviews"), 0)}
    cache.set(_badge_key(user, plan, as_of), counts, BADGE_SECONDS)
    return counts


def _badge_key(user, plan, as_of) -> str:
    # The plan's own rows and the shared tables: every count on 我的待办 is of this plan's work (its red items
    # follow the registries only when the plan's figures are computed from them).
    version = data_version(plan=plan, registry=reads_registry(plan))
    return f"web:badges:{user.pk}:{plan.pk}:{as_of.isoformat()}:{version}"

