"""Notices: what the system tells people (催办, returns, approvals, 督办单) and where it goes.

A ``Notice`` is one event for one unit (or for the office); every active user of that unit gets a
``Receipt`` in the in-app notice centre. Outbound channels (``Channel``: e-mail, WeCom/DingTalk group robots, an SMS
gateway) are configured by the office per plan or per unit; each send is a ``Delivery`` the task worker attempts and
retries up to a limit.

Scope: a user sees only their own receipts; the office configures channels and sees every delivery.
History: channels (configuration) keep django-simple-history; notices, receipts and deliveries are operational
records (like registry import jobs) whose every send is in the audit log instead.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from kechuang.core.predicates import is_office
from kechuang.core.scoping import CHANGE, ScopedManager


class NoticeKind(models.TextChoices):
    REMINDER = "reminder", _("报送提醒")
    URGING = "urging", _("催办通知")
    RETURNED = "returned", _("报告退回")
    APPROVED = "approved", _("报告通过")
    ORDER_ISSUED = "order_issued", _("督办单下发")
    ORDER_DUE = "order_due", _("督办单反馈到期")
    ORDER_REPLIED = "order_replied", _("督办单已反馈")
    BULLETIN_ISSUED = "bulletin_issued", _("季度通报印发")
    OTHER = "other", _("其他")


class ChannelKind(models.TextChoices):
    EMAIL = "email", _("电子邮件")
    WECOM = "wecom", _("企业微信群机器人")
    DINGTALK = "dingtalk", _("钉钉群机器人")
    SMS = "sms", _("短信网关")


class Notice(models.Model):
    """One thing to tell one unit (``unit`` empty: the office). ``key`` makes repeated raising idempotent."""

    kind = models.CharField(_("类型"), max_length=20, choices=NoticeKind.choices)
    plan = models.ForeignKey("plans.Plan", verbose_name=_("方案"), null=True, blank=True, on_delete=models.CASCADE,
                             related_name="+")
    unit = models.ForeignKey("org.Unit", verbose_name=_("接收单位"), null=True, blank=True,
                             on_delete=models.PROTECT, related_name="+")
    title = models.CharField(_("标题"), max_length=200)
    body = models.TextField(_("内容"), blank=True)
    link = models.CharField(_("链接"), max_length=300, blank=True)
    key = models.CharField(_("去重键"), max_length=200, null=True, blank=True, unique=True)
    created = models.DateTimeField(_("时间"), default=timezone.now)

    class Meta:
        ordering = ["-created", "-pk"]
        verbose_name = _("通知")
        verbose_name_plural = _("通知")

    def __str__(self) -> str:
        return f"{self.get_kind_display()} · {self.title}"


class Receipt(models.Model):
    """A notice in one user's notice centre; ``read_at`` set when they mark it read."""

    notice = models.ForeignKey(Notice, verbose_name=_("通知"), on_delete=models.CASCADE, related_name="receipts")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("接收人"), on_delete=models.CASCADE,
                             related_name="+")
    read_at = models.DateTimeField(_("已读时间"), null=True, blank=True)
    objects = ScopedManager()

    class Meta:
        ordering = ["-notice__created", "-pk"]
        constraints = [models.UniqueConstraint(fields=["notice", "user"], name="uniq_notice_receipt")]
        verbose_name = _("站内通知")
        verbose_name_plural = _("站内通知")

    def __str__(self) -> str:
        return f"{self.user} · {self.notice}"

    @classmethod
    def scope_rule(cls, user, action):
        # Everyone sees and marks only their own notices.
        return Q(user_id=user.pk)


class Channel(models.Model):
    """An outbound channel, configured by the office for a whole plan or for one unit.

    A plan-wide channel (no unit) receives every notice of the plan (e.g. the office's group chat); a unit's channel
    receives the notices addressed to that unit. E-mail and SMS go to the unit's active users (plus ``recipients``);
    a robot webhook posts to its group. The SMS gateway is a generic HTTP adapter: ``template`` is the JSON body with
    ``{mobile}`` and ``{content}`` placeholders, posted to ``url`` once per recipient.
    """

    kind = models.CharField(_("渠道"), max_length=10, choices=ChannelKind.choices)
    name = models.CharField(_("名称"), max_length=100)
    plan = models.ForeignKey("plans.Plan", verbose_name=_("方案"), null=True, blank=True, on_delete=models.CASCADE,
                             related_name="+")
    unit = models.ForeignKey("org.Unit", verbose_name=_("单位"), null=True, blank=True, on_delete=models.CASCADE,
                             related_name="+")
    url = models.URLField(_("接口地址"), max_length=500, blank=True,
                          help_text=_("群机器人 Webhook 地址或短信网关地址；电子邮件不填"))
    secret = models.CharField(_("加签密钥"), max_length=200, blank=True,
                              help_text=_("钉钉机器人安全设置选择“加签”时填写（以 SEC 开头）；其他渠道不填"))
    template = models.TextField(_("短信请求模板"), blank=True,
                                help_text=_('JSON 格式，可用 {mobile}、{content}，'
                                            '例如 {"to": "{mobile}", "text": "{content}"}'))
    recipients = models.TextField(_("附加接收人"), blank=True, help_text=_("邮箱或手机号，多个用逗号分隔"))
    kinds = models.CharField(_("通知类型"), max_length=200, blank=True, help_text=_("留空表示全部类型"))
    enabled = models.BooleanField(_("启用"), default=True)
    history = HistoricalRecords()
    objects = ScopedManager()

    class Meta:
        ordering = ["kind", "name", "pk"]
        verbose_name = _("通知渠道")
        verbose_name_plural = _("通知渠道")

    def __str__(self) -> str:
        return f"{self.get_kind_display()} · {self.name}"

    @classmethod
    def scope_rule(cls, user, action):
        # Channel addresses are the office's configuration; nobody else reads or changes them.
        return is_office(user)

    @property
    def kinds_display(self) -> str:
        labels = dict(NoticeKind.choices)
        return "、".join(str(labels.get(k, k)) for k in self.kinds.split(",") if k)

    def wants(self, kind: str) -> bool:
        wanted = {k.strip() for k in self.kinds.replace("，", ",").split(",") if k.strip()}
        return not wanted or kind in wanted


class DeliveryStatus(models.TextChoices):
    PENDING = "pending", _("待发送")
    SENT = "sent", _("已发送")
    RETRYING = "retrying", _("等待重试")
    FAILED = "failed", _("发送失败")


class Delivery(models.Model):
    """One notice sent through one channel; the worker attempts it and retries up to ``MAX_ATTEMPTS``."""

    MAX_ATTEMPTS = 3

    notice = models.ForeignKey(Notice, verbose_name=_("通知"), on_delete=models.CASCADE, related_name="deliveries")
    channel = models.ForeignKey(Channel, verbose_name=_("渠道"), on_delete=models.CASCADE, related_name="deliveries")
    status = models.CharField(_("状态"), max_length=10, choices=DeliveryStatus.choices,
                              default=DeliveryStatus.PENDING)
    attempts = models.PositiveSmallIntegerField(_("已尝试次数"), default=0)
    last_error = models.TextField(_("最近错误"), blank=True)
    sent_at = models.DateTimeField(_("发送时间"), null=True, blank=True)
    objects = ScopedManager()

    class Meta:
        ordering = ["-pk"]
        constraints = [models.UniqueConstraint(fields=["notice", "channel"], name="uniq_notice_delivery")]
        verbose_name = _("通知发送")
        verbose_name_plural = _("通知发送")

    def __str__(self) -> str:
        return f"{self.notice} → {self.channel}"

    @classmethod
    def scope_rule(cls, user, action):
        return is_office(user) and action != CHANGE
