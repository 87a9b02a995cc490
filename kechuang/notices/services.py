"""Raising notices and sending them. Other apps call ``notify(...)``; the task worker calls ``deliver(...)``.

``notify`` writes the notice, one in-app receipt per recipient and one delivery per matching outbound channel in the
caller's transaction, then enqueues each delivery for the worker once that transaction commits (a returned report
that rolls back raises no notice). A failed send is retried by a one-off schedule, at most ``Delivery.MAX_ATTEMPTS``
times in all; every attempt is written to the audit log.
"""

from __future__ import annotations

import datetime as dt

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django_q.models import Schedule
from django_q.tasks import schedule

from kechuang.accounts.models import Role, User
from kechuang.audit.models import AuditEvent
from kechuang.audit.services import record_event
from kechuang.core.jobs import enqueue
from kechuang.core.scoping import unit_member_roles

from . import channels
from .models import Channel, ChannelKind, Delivery, DeliveryStatus, Notice, NoticeKind, Receipt

DELIVER = "kechuang.notices.services.deliver"


def recipients(unit, roles=None) -> list[User]:
    """Who gets a unit's notice: its active reporters and reviewers; the office's (``unit`` None): the office;
    ``roles`` given: everyone holding one of them (e.g. the leaders, who belong to no reporting unit)."""
    users = User.objects.filter(is_active=True)
    if roles:
        users = users.filter(role_assignments__role__in=roles)
    elif unit is None:
        users = users.filter(role_assignments__role=Role.OFFICE)
    else:
        users = users.filter(unit=unit, role_assignments__role__in=unit_member_roles())
    return list(users.distinct().order_by("pk"))


def matching_channels(notice) -> list[Channel]:
    """Enabled channels for this notice: the recipient unit's own, and plan-wide ones (of its plan, or of every
    plan when the channel names none)."""
    plan_q = Q(plan__isnull=True) | (Q(plan_id=notice.plan_id) if notice.plan_id else Q(pk__in=[]))
    wanted = Q(unit__isnull=True) & plan_q
    if notice.unit_id:
        wanted |= Q(unit_id=notice.unit_id) & plan_q
    return [c for c in Channel.objects.filter(wanted, enabled=True).order_by("pk") if c.wants(notice.kind)]


def notify(kind: str, *, title: str, body: str = "", unit=None, plan=None, link: str = "",
           key: str | None = None, roles=None) -> Notice | None:
    """Tell ``unit`` (None: the office; or the holders of ``roles``) about something: in the notice centre and
    through its channels.

    ``key`` makes it idempotent: a second call with the same key does nothing and returns None.
    """
    if key and Notice.objects.filter(key=key).exists():
        return None
    try:
        with transaction.atomic():
            notice = Notice.objects.create(kind=kind, plan=plan, unit=unit, title=title[:200], body=body,
                                           link=link[:300], key=key or None)
            Receipt.objects.bulk_create([Receipt(notice=notice, user=u) for u in recipients(unit, roles)])
            deliveries = [Delivery.objects.create(notice=notice, channel=c) for c in matching_channels(notice)]
    except IntegrityError:
        return None  # raised concurrently with the same key
    for delivery in deliveries:
        enqueue(DELIVER, delivery.pk, name=f"通知发送 {delivery.pk}", group="notices")
    return notice


def send_test(channel: Channel, user) -> Delivery:
    """A test message through one channel only (the office checks a webhook or gateway after configuring it); its
    result appears in the channel list like any send."""
    with transaction.atomic():
        notice = Notice.objects.create(kind=NoticeKind.OTHER, plan=channel.plan, unit=channel.unit,
                                       title="通知渠道测试",
                                       body=f"这是一条测试消息，由{user}于{timezone.localtime():%Y-%m-%d %H:%M}发送。")
        delivery = Delivery.objects.create(notice=notice, channel=channel)
        record_event("notices.channel.test", user=user, obj=channel, detail={"delivery": delivery.pk})
    enqueue(DELIVER, delivery.pk, name=f"通知渠道测试 {delivery.pk}", group="notices")
    return delivery


def emailed_by_channel(notice: Notice | None) -> bool:
    """Whether an e-mail channel sends this notice (callers that used to mail directly then leave it to the channel)."""
    return bool(notice) and notice.deliveries.filter(channel__kind=ChannelKind.EMAIL).exists()


def _addresses(notice) -> tuple[list[str], list[str]]:
    users = recipients(notice.unit)
    return [u.email for u in users if u.email], [u.phone for u in users if u.phone]


def retry_delay(attempts: int) -> dt.timedelta:
    """Back off 2, 4, 8… minutes after each failed attempt."""
    return dt.timedelta(minutes=2 ** attempts)


def deliver(delivery_id: int) -> str:
    """Worker task: make one attempt at a delivery. Returns the new status."""
    # Claim the row: only a pending or retrying delivery is attempted, so a duplicate task does nothing.
    claimed = Delivery.objects.filter(pk=delivery_id, status__in=[DeliveryStatus.PENDING, DeliveryStatus.RETRYING])
    delivery = claimed.select_related("notice", "notice__unit", "channel").first()
    if delivery is None or not claimed.filter(attempts=delivery.attempts).update(attempts=delivery.attempts + 1):
        return "skipped"
    delivery.attempts += 1
    emails, mobiles = _addresses(delivery.notice)
    detail = {"channel": delivery.channel.get_kind_display(), "channel_id": delivery.channel_id,
              "notice": delivery.notice_id, "kind": delivery.notice.kind, "attempt": delivery.attempts}
    try:
        channels.send(delivery.channel, delivery.notice, emails=emails, mobiles=mobiles)
    except channels.SendError as exc:
        delivery.last_error = str(exc)[:1000]
        final = delivery.attempts >= Delivery.MAX_ATTEMPTS
        delivery.status = DeliveryStatus.FAILED if final else DeliveryStatus.RETRYING
        delivery.save(update_fields=["status", "last_error"])
        record_event("notices.delivery.failed", obj=delivery, result=AuditEvent.Result.FAILURE,
                     detail={**detail, "error": delivery.last_error, "final": final})
        if not final:
            schedule(DELIVER, delivery.pk, name=f"通知重试 {delivery.pk}-{delivery.attempts}",
                     schedule_type=Schedule.ONCE, repeats=1,
                     next_run=timezone.now() + retry_delay(delivery.attempts))
        return delivery.status
    delivery.status, delivery.sent_at, delivery.last_error = DeliveryStatus.SENT, timezone.now(), ""
    delivery.save(update_fields=["status", "sent_at", "last_error"])
    record_event("notices.delivery.sent", obj=delivery, detail=detail)
    return delivery.status


def unread_count(user) -> int:
    if not getattr(user, "is_authenticated", False):
        return 0
    return Receipt.objects.restrict(user).filter(read_at__isnull=True).count()


def mark_read(user, receipt_ids=None) -> int:
    """Mark the user's notices read (the given ones, or all of them). Returns how many changed."""
    receipts = Receipt.objects.restrict(user).filter(read_at__isnull=True)
    if receipt_ids is not None:
        receipts = receipts.filter(pk__in=receipt_ids)
    return receipts.update(read_at=timezone.now())
