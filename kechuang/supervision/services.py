"""Supervision workflows. Every change goes through a function here: it checks the transition,
runs in a transaction and writes an event (OrderEvent and the audit log)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.urls import reverse
from django.utils import timezone
from docx.enum.text import WD_ALIGN_PARAGRAPH

from kechuang.accounts.models import User
from kechuang.audit.services import record_event
from kechuang.documents import forms
from kechuang.notices.models import NoticeKind as Topic
from kechuang.notices.services import emailed_by_channel, notify
from kechuang.org.models import Unit
from kechuang.plans.choices import ValueSource
from kechuang.plans.models import Indicator, Task
from kechuang.plans.services import plan_indicators, task_unit_rows
from kechuang.reporting.models import Milestone
from kechuang.reporting.services import ensure_periods, status_matrix

from . import engine
from .models import (
    OPEN_ORDER_STATUSES,
    DecisionStatus,
    Meeting,
    MeetingDecision,
    NoticeChannel,
    NoticeKind,
    OrderEvent,
    OrderStatus,
    SupervisionOrder,
    UrgingNotice,
)


class TransitionError(Exception):
    """A workflow step not allowed from the current state (shown to the user in Chinese)."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


def _require_office(user, perm: str, obj=None):
    """The office's actions (declared in supervision/rules.py)."""
    if user is None or not user.has_perm(perm, obj):
        raise PermissionDenied("只有领导小组办公室可以执行此操作")


def _event(order, action, user, note=""):
    OrderEvent.objects.create(order=order, action=action, user=user, note=note)
    record_event(f"supervision.order.{action}", user=user, obj=order, detail={"note": note[:500]} if note else {})


# ---------------------------------------------------------------------------------------------
# 督办单


def _subject_fields(subject) -> dict:
    if isinstance(subject, Indicator):
        return {"indicator": subject}
    if isinstance(subject, Task):
        return {"task": subject}
    if isinstance(subject, MeetingDecision):
        return {"decision": subject}
    raise TypeError(f"不能督办的对象：{subject!r}")


def _subject_filter(subject) -> dict:
    return {f"{k}_id": v.pk for k, v in _subject_fields(subject).items()}


def _next_number(plan, year: int) -> int:
    current = SupervisionOrder.objects.filter(plan=plan, year=year).aggregate(m=Max("number"))["m"]
    return (current or 0) + 1


def _assign_number(order) -> None:
    """Give ``order`` the next number of its plan and year; a concurrent issuer makes the unique
    constraint fail, and we retry with the next number."""
    for _attempt in range(5):
        order.number = _next_number(order.plan, order.year)
        try:
            with transaction.atomic():
                order.save()
            return
        except IntegrityError:
            continue
    raise TransitionError("督办单编号冲突，请重试")


def _notify_issued(order) -> None:
    notify(Topic.ORDER_ISSUED, unit=order.unit, plan=order.plan, title=f"督办单{order.display_number}：{order.subject}",
           body=f"督办事由：{order.reason}\n请于{order.reply_due:%Y年%-m月%-d日}前反馈。",
           link=order.get_absolute_url())


def issue_order(plan, subject, unit, reason: str, reply_due: dt.date, user, issued_on: dt.date | None = None):
    """Issue a new numbered 督办单 on ``subject`` (indicator, task or meeting decision) to ``unit``."""
    _require_office(user, "supervision.issue_order")
    issued_on = issued_on or timezone.localdate()
    if not reason.strip():
        raise TransitionError("请填写督办事由")
    if reply_due < issued_on:
        raise TransitionError("反馈时限不得早于下发日期")
    with transaction.atomic():
        order = SupervisionOrder(
            plan=plan, year=issued_on.year, status=OrderStatus.ISSUED, unit=unit, reason=reason.strip(),
            issued_by=user, issued_on=issued_on, reply_due=reply_due, **_subject_fields(subject),
        )
        _assign_number(order)
        _event(order, "issued", user, reason)
        _notify_issued(order)
    return order


def issue_proposed(order, user, reply_due: dt.date, reason: str | None = None, issued_on: dt.date | None = None):
    """Turn a system proposal into an issued, numbered order."""
    _require_office(user, "supervision.issue_order", order)
    issued_on = issued_on or timezone.localdate()
    with transaction.atomic():
        order = SupervisionOrder.objects.select_for_update().get(pk=order.pk)
        if order.status != OrderStatus.PROPOSED:
            raise TransitionError(f"督办单当前状态为“{order.get_status_display()}”，不能下发")
        if reply_due < issued_on:
            raise TransitionError("反馈时限不得早于下发日期")
        order.status = OrderStatus.ISSUED
        order.issued_by, order.issued_on, order.reply_due = user, issued_on, reply_due
        order.year = issued_on.year
        if reason:
            order.reason = reason.strip()
        _assign_number(order)
        _event(order, "issued", user, order.reason)
        _notify_issued(order)
    return order


def dismiss_proposal(order, user, note: str = ""):
    _require_office(user, "supervision.close_order", order)
    with transaction.atomic():
        order = SupervisionOrder.objects.select_for_update().get(pk=order.pk)
        if order.status != OrderStatus.PROPOSED:
            raise TransitionError(f"督办单当前状态为“{order.get_status_display()}”，不能撤销建议")
        order.status = OrderStatus.DISMISSED
        order.close_note = note
        order.save()
        _event(order, "dismissed", user, note)
    return order


def reply_order(order, user, reply: str):
    """The unit's reply (办理情况); only a member of the order's unit, only while issued."""
    if not user.has_perm("supervision.reply_order", order):
        raise PermissionDenied("只有责任单位可以反馈督办单")
    if not reply.strip():
        raise TransitionError("请填写办理情况")
    with transaction.atomic():
        order = SupervisionOrder.objects.select_for_update().get(pk=order.pk)
        if order.status != OrderStatus.ISSUED:
            raise TransitionError(f"督办单当前状态为“{order.get_status_display()}”，不能反馈")
        order.status = OrderStatus.REPLIED
        order.reply, order.replied_at, order.replied_by = reply.strip(), timezone.now(), user
        order.save()
        _event(order, "replied", user, reply)
        # The office closes replied orders: tell it there is one to read.
        notify(Topic.ORDER_REPLIED, unit=None, plan=order.plan,
               title=f"督办单{order.display_number}已反馈：{order.unit.name}",
               body=f"{order.subject}\n办理情况：{order.reply}", link=order.get_absolute_url())
    return order


def close_order(order, user, note: str = ""):
    """The office closes (办结) a replied order."""
    _require_office(user, "supervision.close_order", order)
    with transaction.atomic():
        order = SupervisionOrder.objects.select_for_update().get(pk=order.pk)
        if order.status != OrderStatus.REPLIED:
            raise TransitionError(f"督办单当前状态为“{order.get_status_display()}”，责任单位反馈后方可办结")
        order.status = OrderStatus.CLOSED
        order.closed_at, order.closed_by, order.close_note = timezone.now(), user, note
        order.save()
        _event(order, "closed", user, note)
    return order


def reopen_order(order, user, note: str):
    """The office sends a reply back (replied → issued) when it is not satisfactory."""
    _require_office(user, "supervision.close_order", order)
    with transaction.atomic():
        order = SupervisionOrder.objects.select_for_update().get(pk=order.pk)
        if order.status != OrderStatus.REPLIED:
            raise TransitionError(f"督办单当前状态为“{order.get_status_display()}”，不能退回")
        order.status = OrderStatus.ISSUED
        order.save()
        _event(order, "returned", user, note)
    return order


def propose_orders(plan, as_of: dt.date) -> list[SupervisionOrder]:
    """Propose a 督办单 for each item red two months running that has no open order yet (idempotent)."""
    created = []
    for item in engine.consecutive_red(plan, as_of):
        if not item.units:
            continue
        with transaction.atomic():
            if SupervisionOrder.objects.filter(plan=plan, status__in=OPEN_ORDER_STATUSES,
                                               **_subject_filter(item.obj)).exists():
                continue
            order = SupervisionOrder.objects.create(
                plan=plan, year=as_of.year, status=OrderStatus.PROPOSED, unit=item.units[0],
                reason=f"连续两个月红灯：{item.reason}", proposed_on=as_of, **_subject_fields(item.obj),
            )
            _event(order, "proposed", None, order.reason)
        created.append(order)
    return created


def order_docx(order) -> bytes:
    """The 督办单 as an office document (A4, title, number, unit, item, reason, deadline)."""
    doc = forms.a4_document()
    office = order.plan.office_unit.name if order.plan.office_unit_id else ""
    forms.para(doc, office, 16, align=WD_ALIGN_PARAGRAPH.CENTER)
    forms.para(doc, "督办单", 22, bold=True, align=WD_ALIGN_PARAGRAPH.CENTER, font="方正小标宋简体")
    forms.para(doc, order.display_number, 16, align=WD_ALIGN_PARAGRAPH.CENTER)
    table = doc.add_table(rows=0, cols=2)
    table.style = "Table Grid"
    kind = {"indicator": "指标", "task": "任务", "decision": "例会议定事项"}[order.subject_kind]
    rows = [
        ("责任单位", order.unit.name),
        (f"督办{kind}", str(order.subject)),
        ("督办事由", order.reason),
        ("下发日期", f"{order.issued_on:%Y年%-m月%-d日}" if order.issued_on else ""),
        ("反馈时限", f"{order.reply_due:%Y年%-m月%-d日}" if order.reply_due else ""),
        ("办理情况", order.reply or ""),
    ]
    for label, value in rows:
        cells = table.add_row().cells
        cells[0].text, cells[1].text = label, value
    forms.para(doc, "")
    forms.para(doc, "请责任单位于反馈时限前将办理情况报领导小组办公室。", 16)
    if order.issued_on:
        forms.para(doc, f"{office}\n{order.issued_on:%Y年%-m月%-d日}", 16, align=WD_ALIGN_PARAGRAPH.RIGHT)
    return forms.to_bytes(doc)


def meeting_docx(meeting, decisions, as_of: dt.date) -> bytes:
    """会议纪要 of a leading-group meeting: agenda, what was discussed, and the decisions with their
    owner unit, deadline and state (``decisions``: those the reader may see)."""
    doc = forms.a4_document()
    plan = meeting.plan
    office = plan.office_unit.name if plan.office_unit_id else ""
    forms.para(doc, "会议纪要", 22, bold=True, align=WD_ALIGN_PARAGRAPH.CENTER, font="方正小标宋简体")
    forms.para(doc, f"{meeting.title}（{meeting.date:%Y年%-m月%-d日}）", 16, align=WD_ALIGN_PARAGRAPH.CENTER)
    for label, text in (("会议议程：", meeting.agenda), ("会议情况：", meeting.minutes)):
        forms.para(doc, label, 16, font="黑体", indent=True)
        for line in [x.strip() for x in (text or "").splitlines() if x.strip()] or ["（未填写）"]:
            forms.para(doc, line, 16, indent=True)
    forms.para(doc, "议定事项：", 16, font="黑体", indent=True)
    rows = []
    for i, d in enumerate(decisions, 1):
        if d.status == DecisionStatus.DONE:
            state = f"已办结（{d.done_on:%-m月%-d日}）" if d.done_on else "已办结"
        else:
            state = "逾期未办结" if d.is_overdue(as_of) else "办理中"
        rows.append([str(i), d.text, d.owner_unit.name, f"{d.deadline:%Y年%-m月%-d日}", state])
    table = forms.table(doc, ["序号", "议定事项", "责任单位", "完成时限", "办理情况"],
                   rows or [["—", "无议定事项", "", "", ""]], [14, 62, 28, 28, 24], size=10.5)
    for cell in table.rows[-1].cells:  # the signature never stands alone on a page
        for p in cell.paragraphs:
            p.paragraph_format.keep_with_next = True
    doc.add_paragraph().paragraph_format.keep_with_next = True
    forms.para(doc, f"{office}\n{meeting.date:%Y年%-m月%-d日}", 16, align=WD_ALIGN_PARAGRAPH.RIGHT)
    return forms.to_bytes(doc)


# ---------------------------------------------------------------------------------------------
# Meetings


AGENDA_ITEMS = 5  # red items named in the agenda; the rest are counted (the list is on the supervision page)


def meeting_agenda(plan, as_of: dt.date) -> str:
    """The agenda pre-filled from the data: red items, overdue 督办单 and the units' reports."""
    lines = ["一、通报本月科技创新重点任务和指标进展情况"]
    statuses = engine.indicator_statuses(plan, as_of)
    tasks = engine.task_statuses(plan, as_of)
    reds = engine.supervised_items(plan, as_of, lights=(engine.RED,), indicators=statuses, tasks=tasks)
    lines.append("二、研究红灯事项")
    if reds:
        for i, item in enumerate(reds[:AGENDA_ITEMS], 1):
            units = "、".join(u.name for u in item.units) or "—"
            lines.append(f"  {i}. {item.obj}（{units}）：{item.reason}")
        if len(reds) > AGENDA_ITEMS:
            lines.append(f"  另有{len(reds) - AGENDA_ITEMS}项红灯事项，见督办清单")
    else:
        lines.append("  本月无红灯事项")
    overdue = [o for o in SupervisionOrder.objects.filter(plan=plan, status=OrderStatus.ISSUED)
               .select_related("unit", "indicator", "task", "decision") if o.is_overdue(as_of)]
    lines.append("三、督办单逾期未反馈情况")
    if overdue:
        for o in overdue:
            lines.append(f"  {o.display_number} {o.unit}：{o.subject}（时限{o.reply_due:%m月%d日}）")
    else:
        lines.append("  无逾期督办单")
    cells = engine.completeness(plan, as_of)
    frame = engine.period_frame(plan, as_of)
    lines.append("四、各成员单位报送情况")
    if frame.due is not None:
        month = frame.due.month
        missing = [uid for (uid, m), s in cells.items() if m == month and s == engine.MISSING]
        late = [uid for (uid, m), s in cells.items() if m == month and s == engine.LATE]

        names = {u.pk: u.name for u in Unit.objects.filter(pk__in=missing + late)}
        lines.append(f"  {frame.due.label}：逾期报送{len(late)}家，未报送{len(missing)}家")
        if missing:
            shown = sorted(names[u] for u in missing)
            more = f"等{len(shown)}家" if len(shown) > AGENDA_ITEMS else ""
            lines.append("  未报送：" + "、".join(shown[:AGENDA_ITEMS]) + more)
    else:
        lines.append("  尚无到期报送")
    lines.append("五、议定事项")
    return "\n".join(lines)


def create_meeting(plan, date: dt.date, user, title: str = "", as_of: dt.date | None = None) -> Meeting:
    _require_office(user, "supervision.add_meeting")
    with transaction.atomic():
        meeting = Meeting.objects.create(
            plan=plan, date=date, title=title or f"领导小组{date.month}月例会",
            agenda=meeting_agenda(plan, as_of or date), created_by=user,
        )
        record_event("supervision.meeting.create", user=user, obj=meeting)
    return meeting


def save_minutes(meeting, user, minutes: str, agenda: str | None = None) -> Meeting:
    _require_office(user, "supervision.change_meeting", meeting)
    with transaction.atomic():
        meeting.minutes = minutes
        if agenda is not None:
            meeting.agenda = agenda
        meeting.save()
        record_event("supervision.meeting.minutes", user=user, obj=meeting)
    return meeting


def add_decision(meeting, user, text: str, owner_unit, deadline: dt.date) -> MeetingDecision:
    _require_office(user, "supervision.change_meeting", meeting)
    if not text.strip():
        raise TransitionError("请填写议定事项")
    with transaction.atomic():
        decision = MeetingDecision.objects.create(meeting=meeting, text=text.strip(), owner_unit=owner_unit,
                                                  deadline=deadline)
        record_event("supervision.decision.create", user=user, obj=decision)
    return decision


def complete_decision(decision, user, note: str = "", done_on: dt.date | None = None) -> MeetingDecision:
    """The owner unit (or the office) reports a decision done."""
    if not user.has_perm("supervision.complete_decision", decision):
        raise PermissionDenied("只有责任单位或领导小组办公室可以办结议定事项")
    with transaction.atomic():
        decision = MeetingDecision.objects.select_for_update().get(pk=decision.pk)
        if decision.status != DecisionStatus.OPEN:
            raise TransitionError("该议定事项已办结")
        decision.status, decision.done_note = DecisionStatus.DONE, note
        decision.done_on = done_on or timezone.localdate()
        decision.save()
        record_event("supervision.decision.done", user=user, obj=decision, detail={"note": note[:500]})
    return decision


# ---------------------------------------------------------------------------------------------
# Reminders and urging (kechuang tick)


def _owed_units(plan) -> dict[int, object]:
    """Units that owe a monthly report: every unit with a task role or a reported indicator."""
    units = engine.plan_units(plan)
    with_tasks = {unit_id for _task_id, unit_id, _role in task_unit_rows(plan)}
    with_values = {i.owner_unit_id for i in plan_indicators(plan) if i.source == ValueSource.REPORTED}
    return {u.pk: u for u in units if u.pk in with_tasks | with_values}


def send_notices(plan, as_of: dt.date) -> list[UrgingNotice]:
    """Reminders in the ``due_soon_days`` before a deadline and urging notices at and after it, to
    units that have not submitted everything for the period; at most one per (unit, period, kind)."""
    frame = engine.period_frame(plan, as_of)
    cells = engine.completeness(plan, as_of)
    units = _owed_units(plan)
    days = int(plan.setting("due_soon_days") or 0)
    work = []  # (unit, period, kind)
    for period in frame.periods:
        if period.end >= as_of:
            continue  # the month has not ended
        if period.due_on < as_of or period.due_on == as_of:
            kind = NoticeKind.URGING
        elif (period.due_on - as_of).days <= days:
            kind = NoticeKind.REMINDER
        else:
            continue
        if kind == NoticeKind.URGING and period is not frame.due and period.due_on != as_of:
            continue  # urge for the latest due period only; older ones were urged in their month
        for unit_id, unit in units.items():
            state = cells.get((unit_id, period.month))
            if state in (engine.ON_TIME, engine.LATE):
                continue
            work.append((unit, period, kind))
    if not work:
        return []
    existing = set(UrgingNotice.objects.filter(plan=plan, period__in={p for _, p, _ in work})
                   .values_list("unit_id", "period_id", "kind"))
    emails = {}
    for unit_id, email in User.objects.filter(unit_id__in=[u.pk for u, _, _ in work], is_active=True) \
            .exclude(email="").values_list("unit_id", "email"):
        emails.setdefault(unit_id, []).append(email)
    overdue = {}
    for ms in Milestone.objects.filter(task__plan=plan, unit_id__in=[u.pk for u, _, _ in work]) \
            .filter(Milestone.overdue_q(as_of)).order_by("deadline"):
        overdue.setdefault(ms.unit_id, []).append(ms)
    sent = []
    for unit, period, kind in work:
        if (unit.pk, period.pk, kind) in existing:
            continue
        if kind == NoticeKind.REMINDER:
            text = (f"{unit.name}：{period.label}科技创新工作进展请于{period.due_on:%Y年%-m月%-d日}前报送。")
        else:
            text = (f"{unit.name}：{period.label}科技创新工作进展报送已于{period.due_on:%Y年%-m月%-d日}截止，"
                    f"贵单位尚未报送完毕，请尽快报送。")
        if overdue.get(unit.pk):
            text += "逾期工作节点：" + "；".join(str(m) for m in overdue[unit.pk][:5]) + "。"
        notice, created = _create_notice(plan, unit, period, kind, text, as_of, emails.get(unit.pk, []))
        if created:
            sent.append(notice)
    return sent


def _create_notice(plan, unit, period, kind, text, as_of, to, user=None) -> tuple[UrgingNotice, bool]:
    """At most one notice per (unit, period, kind): the existing one is returned unchanged."""
    with transaction.atomic():
        notice, created = UrgingNotice.objects.get_or_create(
            unit=unit, period=period, kind=kind,
            defaults={"plan": plan, "message": text, "as_of": as_of,
                      "channel": NoticeChannel.EMAIL if to else NoticeChannel.IN_APP,
                      "emailed_to": ", ".join(to)},
        )
        if not created:
            return notice, False
        record_event(f"supervision.notice.{kind}", user=user, obj=notice,
                     detail={"unit": unit.code, "emails": len(to), "manual": user is not None})
        raised = notify(kind, unit=unit, plan=plan, title=str(notice.get_kind_display()), body=text,
                        link=reverse("reporting:home"))
    if to and not emailed_by_channel(raised):  # an office-configured e-mail channel already mails the unit
        subject = "【科创督办】" + ("报送提醒" if kind == NoticeKind.REMINDER else "催办通知")
        send_mail(subject, text, settings.DEFAULT_FROM_EMAIL, to, fail_silently=True)
    return notice, True


@dataclass
class LateUnit:
    """A unit that has not (fully) submitted the latest period whose deadline has passed."""

    unit: object
    period: object
    state: str  # missing | draft (started, not fully submitted)
    notice: UrgingNotice | None  # the urging notice already sent for this unit and period, if any

    @property
    def state_label(self) -> str:
        return "未报送" if self.state == engine.MISSING else "未报送完毕"


def late_units(plan, as_of: dt.date) -> list[LateUnit]:
    """Units owing the latest due period (deadline passed on ``as_of``) and not submitted, in directory
    order, with the urging notice each already has (one query per table)."""
    # Read-only (the home page and the navigation badges call it): periods not generated yet owe nothing.
    frame = engine.period_frame(plan, as_of)
    period = frame.due
    if period is None or period.pk is None:
        return []
    owed = _owed_units(plan)
    states = {unit_id: state for (_pid, unit_id), state in status_matrix(plan, [period], as_of, narrow=True).items()}
    notices = {n.unit_id: n for n in UrgingNotice.objects.filter(period=period, kind=NoticeKind.URGING)}
    return [LateUnit(unit, period, states.get(unit_id, engine.MISSING), notices.get(unit_id))
            for unit_id, unit in owed.items() if states.get(unit_id, engine.MISSING) not in (engine.ON_TIME,
                                                                                           engine.LATE)]


def urge_units(plan, user, as_of: dt.date, unit_ids=None) -> tuple[list[UrgingNotice], list[UrgingNotice]]:
    """One-click 催办 by the office: an urging notice to each late unit (all of them, or those in
    ``unit_ids``) for the latest due period. Idempotent per unit and period: a unit already urged
    (by hand or by ``kechuang tick``) is not urged again. Returns (sent, already_sent)."""
    _require_office(user, "supervision.urge_units")
    ensure_periods(plan)  # idempotent; a notice needs a saved period
    targets = [lu for lu in late_units(plan, as_of) if unit_ids is None or lu.unit.pk in set(unit_ids)]
    if unit_ids is not None and not targets:
        raise TransitionError("该单位已报送或无需报送，无需催办")
    emails = {}
    for unit_id, email in User.objects.filter(unit_id__in=[lu.unit.pk for lu in targets], is_active=True) \
            .exclude(email="").values_list("unit_id", "email"):
        emails.setdefault(unit_id, []).append(email)
    sent, already = [], []
    for lu in targets:
        period = lu.period
        text = (f"{lu.unit.name}：{period.label}科技创新工作进展报送已于{period.due_on:%Y年%-m月%-d日}截止，"
                f"贵单位尚未报送完毕，请尽快报送。（领导小组办公室催办）")
        notice, created = _create_notice(plan, lu.unit, period, NoticeKind.URGING, text, as_of,
                                         emails.get(lu.unit.pk, []), user=user)
        (sent if created else already).append(notice)
    return sent, already


def remind_replies(plan, as_of: dt.date) -> list:
    """Tell each unit whose 督办单 reply is due within ``due_soon_days`` (or overdue); once per order and due date."""
    days = int(plan.setting("due_soon_days") or 0)
    due = SupervisionOrder.objects.filter(plan=plan, status=OrderStatus.ISSUED,
                                          reply_due__lte=as_of + dt.timedelta(days=days)).select_related("unit")
    sent = []
    for order in due:
        late = order.reply_due < as_of
        title = f"督办单{order.display_number}{'反馈已逾期' if late else '即将到期'}"
        body = f"{order.subject}：请于{order.reply_due:%Y年%-m月%-d日}前反馈办理情况。"
        notice = notify(Topic.ORDER_DUE, unit=order.unit, plan=plan, title=title, body=body,
                        link=order.get_absolute_url(), key=f"order-due:{order.pk}:{order.reply_due}:{late}")
        if notice:
            sent.append(notice)
    return sent


def tick(plan, as_of: dt.date) -> dict:
    """One run of the scheduler for one plan: periods, reminders and urging, 督办单 proposals."""
    ensure_periods(plan)
    notices = send_notices(plan, as_of)
    proposals = propose_orders(plan, as_of)
    remind_replies(plan, as_of)
    return {"notices": notices, "proposals": proposals}
