"""kechuang tick: periods, reminders, urging notices (in-app and email), 督办单 proposals; idempotent."""

import datetime as dt
import io

import pytest
from django.core import mail
from django.core.management import call_command

from kechuang.plans.models import Task
from kechuang.reporting.models import Period
from kechuang.supervision import engine, services
from kechuang.supervision.models import NoticeChannel, NoticeKind, OrderStatus, SupervisionOrder, UrgingNotice

from .helpers import indicator_value, set_indicator, task_report

pytestmark = pytest.mark.django_db


def _tick(plan, day):
    out = io.StringIO()
    call_command("tick", "--as-of", day.isoformat(), "--plan", plan.code, stdout=out)
    return out.getvalue()


def test_tick_creates_the_periods_and_urges_each_late_unit_once(plan, personas):
    personas["town"].email = "town@example.org"
    personas["town"].save()
    out = _tick(plan, dt.date(2022, 7, 6))
    assert Period.objects.filter(plan=plan).count() == 12
    assert "发送通知" in out
    urging = UrgingNotice.objects.filter(plan=plan, kind=NoticeKind.URGING, period__month=6)
    town = urging.get(unit=personas["town"].unit)
    assert town.channel == NoticeChannel.EMAIL and "town@example.org" in town.emailed_to
    assert "6月" in town.message
    sent_notices, sent_mail = UrgingNotice.objects.count(), len(mail.outbox)
    assert sent_mail == 1 and mail.outbox[0].to == ["town@example.org"]
    _tick(plan, dt.date(2022, 7, 6))
    _tick(plan, dt.date(2022, 7, 7))
    assert UrgingNotice.objects.count() == sent_notices
    assert len(mail.outbox) == sent_mail


def test_units_that_submitted_get_no_urging_notice(plan, personas):
    unit = personas["dept"].unit
    for tu in Task.objects.filter(plan=plan, task_units__unit=unit).distinct():
        task_report(plan, tu, unit, 6, 50, status="submitted", submitted_on=dt.date(2022, 7, 4))
    services.tick(plan, dt.date(2022, 7, 6))
    urged = set(UrgingNotice.objects.filter(kind=NoticeKind.URGING).values_list("unit__name", flat=True))
    assert unit.name not in urged
    assert personas["town"].unit.name in urged


def test_reminders_go_out_before_the_deadline_and_urging_at_it(plan, personas):
    services.tick(plan, dt.date(2022, 7, 1))  # June due 5 July: within the 5 "due soon" days
    assert UrgingNotice.objects.filter(kind=NoticeKind.REMINDER, period__month=6).exists()
    assert not UrgingNotice.objects.filter(kind=NoticeKind.URGING, period__month=6).exists()
    assert UrgingNotice.objects.filter(kind=NoticeKind.URGING, period__month=5).exists()  # May is overdue
    services.tick(plan, dt.date(2022, 7, 5))
    assert UrgingNotice.objects.filter(kind=NoticeKind.URGING, period__month=6).exists()


def test_an_item_red_two_months_running_is_proposed_once(plan, personas):
    ind = set_indicator(plan, "HNTE_NEW", source="reported", metric="")
    task = Task.objects.get(plan=plan, number="（四）")
    indicator_value(plan, ind, ind.owner_unit, 4, 0)
    # Red in June (May missing) and again in July (June missing): proposed; the task too (no reports).
    reds = {(i.kind, i.obj.pk) for i in engine.consecutive_red(plan, dt.date(2022, 7, 10))}
    assert ("indicator", ind.pk) in reds and ("task", task.pk) in reds
    services.tick(plan, dt.date(2022, 7, 10))
    services.tick(plan, dt.date(2022, 7, 10))
    proposals = SupervisionOrder.objects.filter(plan=plan, status=OrderStatus.PROPOSED, indicator=ind)
    assert proposals.count() == 1
    assert proposals.get().unit == ind.owner_unit and proposals.get().number is None


def test_an_item_red_only_this_month_is_not_proposed(plan, personas):
    ind = set_indicator(plan, "HNTE_NEW", source="reported", metric="")
    indicator_value(plan, ind, ind.owner_unit, 5, 5)  # May in (on track), June missing → red in July only
    reds = {(i.kind, i.obj.pk) for i in engine.consecutive_red(plan, dt.date(2022, 7, 10))}
    assert ("indicator", ind.pk) not in reds
    assert ("indicator", ind.pk) in {(i.kind, i.obj.pk) for i in engine.red_items(plan, dt.date(2022, 7, 10))}


def test_tick_help_is_one_line():
    from kechuang.web.management.commands.tick import Command

    assert "\n" not in Command.help and Command.help
