"""Supervision: urging notices (催办), supervision orders (督办单), monthly meetings (月例会) and
their decisions.

Scope: the office sees and changes everything; leaders read everything; a unit's reporters and
reviewers see only their own unit's notices, orders and decisions (never another unit's).
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from kechuang.core.models import TimeStampedModel
from kechuang.core.predicates import is_office
from kechuang.core.scoping import CHANGE, ScopedManager, ScopedQuerySet, plan_work_rule


def _unit_rule(user, action, field: str = "unit_id", unit_may_change: bool = False):
    def own(u):
        return Q(**{field: u.unit_id})

    return plan_work_rule(user, action, own, unit_change_rule=own if unit_may_change else None)


class NoticeKind(models.TextChoices):
    # Before the deadline: a friendly reminder (提醒).
    REMINDER = "reminder", _("报送提醒")
    # At or after the deadline with nothing submitted: an urging notice (催办).
    URGING = "urging", _("催办通知")


class NoticeChannel(models.TextChoices):
    IN_APP = "in_app", _("站内")
    EMAIL = "email", _("站内 + 邮件")


class UrgingNotice(models.Model):
    """A reminder or urging notice to a unit for one period; at most one per (unit, period, kind)."""

    plan = models.ForeignKey("plans.Plan", verbose_name=_("方案"), on_delete=models.CASCADE, related_name="+")
    unit = models.ForeignKey("org.Unit", verbose_name=_("单位"), on_delete=models.PROTECT, related_name="+")
    period = models.ForeignKey("reporting.Period", verbose_name=_("填报期"), on_delete=models.CASCADE,
                               related_name="+")
    kind = models.CharField(_("类型"), max_length=10, choices=NoticeKind.choices)
    channel = models.CharField(_("渠道"), max_length=10, choices=NoticeChannel.choices, default=NoticeChannel.IN_APP)
    message = models.TextField(_("内容"))
    emailed_to = models.TextField(_("邮件收件人"), blank=True)
    created = models.DateTimeField(_("发送时间"), default=timezone.now)
    as_of = models.DateField(_("业务日期"))
    history = HistoricalRecords()
    objects = ScopedManager()

    class Meta:
        ordering = ["-created", "unit__path"]
        constraints = [models.UniqueConstraint(fields=["unit", "period", "kind"], name="uniq_urging_notice")]
        verbose_name = _("催办通知")
        verbose_name_plural = _("催办通知")

    def __str__(self) -> str:
        return f"{self.get_kind_display()} · {self.unit} · {self.period}"

    @classmethod
    def scope_rule(cls, user, action):
        return _unit_rule(user, action)


class OrderStatus(models.TextChoices):
    # Proposed by the system (red two months running); the office decides whether to issue it.
    PROPOSED = "proposed", _("建议督办")
    # Issued to the lead unit, waiting for its reply.
    ISSUED = "issued", _("已下发")
    # The unit has replied; the office checks and closes it.
    REPLIED = "replied", _("已反馈")
    # Closed (办结销号).
    CLOSED = "closed", _("已办结")
    # A proposal the office decided not to issue.
    DISMISSED = "dismissed", _("不予督办")


OPEN_ORDER_STATUSES = (OrderStatus.PROPOSED, OrderStatus.ISSUED, OrderStatus.REPLIED)


class SupervisionOrder(TimeStampedModel):
    """督办单: a numbered order to a lead unit on a red item, with a reply deadline."""

    plan = models.ForeignKey("plans.Plan", verbose_name=_("方案"), on_delete=models.CASCADE,
                             related_name="supervision_orders")
    year = models.PositiveIntegerField(_("年度"))
    number = models.PositiveIntegerField(_("序号"), null=True, blank=True)
    status = models.CharField(_("状态"), max_length=10, choices=OrderStatus.choices, default=OrderStatus.ISSUED)
    indicator = models.ForeignKey("plans.Indicator", verbose_name=_("督办指标"), null=True, blank=True,
                                  on_delete=models.PROTECT, related_name="+")
    task = models.ForeignKey("plans.Task", verbose_name=_("督办任务"), null=True, blank=True,
                             on_delete=models.PROTECT, related_name="+")
    decision = models.ForeignKey("MeetingDecision", verbose_name=_("例会议定事项"), null=True, blank=True,
                                 on_delete=models.PROTECT, related_name="+")
    unit = models.ForeignKey("org.Unit", verbose_name=_("责任单位"), on_delete=models.PROTECT, related_name="+")
    reason = models.TextField(_("督办事由"))
    proposed_on = models.DateField(_("建议日期"), null=True, blank=True)
    issued_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("签发人"), null=True, blank=True,
                                  on_delete=models.SET_NULL, related_name="+")
    issued_on = models.DateField(_("下发日期"), null=True, blank=True)
    reply_due = models.DateField(_("反馈时限"), null=True, blank=True)
    reply = models.TextField(_("办理情况"), blank=True)
    replied_at = models.DateTimeField(_("反馈时间"), null=True, blank=True)
    replied_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("反馈人"), null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")
    closed_at = models.DateTimeField(_("办结时间"), null=True, blank=True)
    closed_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("办结人"), null=True, blank=True,
                                  on_delete=models.SET_NULL, related_name="+")
    close_note = models.TextField(_("办结意见"), blank=True)
    history = HistoricalRecords()
    objects = ScopedManager()

    class Meta:
        ordering = ["-year", "-number", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "year", "number"], name="uniq_supervision_order_number"),
            models.CheckConstraint(
                condition=Q(indicator__isnull=False) | Q(task__isnull=False) | Q(decision__isnull=False),
                name="supervision_order_has_subject",
            ),
        ]
        verbose_name = _("督办单")
        verbose_name_plural = _("督办单")

    def __str__(self) -> str:
        return f"督办单{self.display_number} {self.subject}"

    @classmethod
    def scope_rule(cls, user, action):
        # Units see their own orders (issued onwards — a proposal is the office's internal draft)
        # and reply to them; proposals stay with the office.
        if is_office(user):
            return True
        decision = _unit_rule(user, action, unit_may_change=True)
        if decision is True:
            return ~Q(status=OrderStatus.PROPOSED)
        if isinstance(decision, Q):
            return decision & ~Q(status__in=(OrderStatus.PROPOSED, OrderStatus.DISMISSED))
        return decision

    @property
    def display_number(self) -> str:
        return f"〔{self.year}〕第{self.number}号" if self.number else "（未编号）"

    @property
    def subject(self):
        return self.indicator or self.task or self.decision

    @property
    def subject_kind(self) -> str:
        return "indicator" if self.indicator_id else ("task" if self.task_id else "decision")

    def is_overdue(self, as_of: dt.date) -> bool:
        return self.status == OrderStatus.ISSUED and self.reply_due is not None and self.reply_due < as_of

    def get_absolute_url(self) -> str:
        return reverse("supervision:order_detail", args=[self.pk])


class OrderEvent(models.Model):
    """One step in the life of a 督办单 (written by every service)."""

    order = models.ForeignKey(SupervisionOrder, on_delete=models.CASCADE, related_name="events")
    action = models.CharField(_("动作"), max_length=20)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("操作人"), null=True, blank=True,
                             on_delete=models.SET_NULL, related_name="+")
    time = models.DateTimeField(_("时间"), default=timezone.now)
    note = models.TextField(_("说明"), blank=True)
    objects = ScopedManager()

    class Meta:
        ordering = ["time", "pk"]
        verbose_name = _("督办记录")
        verbose_name_plural = _("督办记录")

    ACTION_LABELS = {"proposed": "系统建议督办", "issued": "下发", "replied": "反馈办理情况",
                     "returned": "退回重新办理", "closed": "办结", "dismissed": "不予督办"}

    def __str__(self) -> str:
        return f"{self.time:%Y-%m-%d %H:%M} {self.action_label}"

    @property
    def action_label(self) -> str:
        return self.ACTION_LABELS.get(self.action, self.action)

    @classmethod
    def scope_rule(cls, user, action):
        if action == CHANGE:
            return False
        decision = SupervisionOrder.scope_rule(user, action)
        if decision is True or decision is False or decision is None:
            return decision
        return Q(order__in=SupervisionOrder.objects.filter(decision).values("pk"))


class Meeting(TimeStampedModel):
    """A monthly meeting of the leading group (月例会)."""

    plan = models.ForeignKey("plans.Plan", verbose_name=_("方案"), on_delete=models.CASCADE, related_name="meetings")
    date = models.DateField(_("会议日期"))
    title = models.CharField(_("会议名称"), max_length=200)
    agenda = models.TextField(_("议程"), blank=True)
    minutes = models.TextField(_("会议纪要"), blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("创建人"), null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")
    history = HistoricalRecords()
    objects = ScopedManager()

    class Meta:
        ordering = ["-date", "-pk"]
        verbose_name = _("领导小组月例会")
        verbose_name_plural = _("领导小组月例会")

    def __str__(self) -> str:
        return self.title

    @classmethod
    def scope_rule(cls, user, action):
        # Meetings are the leading group's: the office prepares them, leaders read them; a unit sees
        # the meetings that assigned it a decision.
        return plan_work_rule(user, action, lambda u: Q(
            pk__in=MeetingDecision.objects.filter(owner_unit_id=u.unit_id).values("meeting_id")))

    def get_absolute_url(self) -> str:
        return reverse("supervision:meeting_detail", args=[self.pk])


class DecisionStatus(models.TextChoices):
    OPEN = "open", _("办理中")
    DONE = "done", _("已办结")


class DecisionQuerySet(ScopedQuerySet):
    def overdue(self, as_of: dt.date):
        return self.filter(status=DecisionStatus.OPEN, deadline__lt=as_of)


class MeetingDecision(TimeStampedModel):
    """A decision of a meeting: a tracked item with an owner unit and a deadline."""

    meeting = models.ForeignKey(Meeting, verbose_name=_("会议"), on_delete=models.CASCADE, related_name="decisions")
    text = models.TextField(_("议定事项"))
    owner_unit = models.ForeignKey("org.Unit", verbose_name=_("责任单位"), on_delete=models.PROTECT,
                                   related_name="+")
    deadline = models.DateField(_("完成时限"))
    status = models.CharField(_("状态"), max_length=10, choices=DecisionStatus.choices, default=DecisionStatus.OPEN)
    done_on = models.DateField(_("办结日期"), null=True, blank=True)
    done_note = models.TextField(_("办理情况"), blank=True)
    history = HistoricalRecords()
    objects = models.Manager.from_queryset(DecisionQuerySet)()

    class Meta:
        ordering = ["deadline", "pk"]
        verbose_name = _("例会议定事项")
        verbose_name_plural = _("例会议定事项")

    def __str__(self) -> str:
        text = self.text if len(self.text) <= 30 else self.text[:30] + "…"
        return f"{self.meeting.date:%m月%d日}例会：{text}"

    @classmethod
    def scope_rule(cls, user, action):
        return _unit_rule(user, action, field="owner_unit_id", unit_may_change=True)

    def is_overdue(self, as_of: dt.date) -> bool:
        return self.status == DecisionStatus.OPEN and self.deadline < as_of

    def get_absolute_url(self) -> str:
        return reverse("supervision:meeting_detail", args=[self.meeting_id])
