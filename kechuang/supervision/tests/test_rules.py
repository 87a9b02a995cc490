"""Who may do each supervision action (supervision/rules.py), persona by persona."""

from __future__ import annotations

import datetime as dt

import pytest

from kechuang.core.testing import who_may
from kechuang.plans.models import Indicator
from kechuang.supervision.models import Meeting, MeetingDecision, OrderStatus, SupervisionOrder

# Who works on the plan: the office, leaders and the units' reporters and reviewers.
PLAN_READERS = {"office", "leader", "lead", "dept", "talent", "town", "town_b", "zone"}


@pytest.fixture
def town_order(plan, personas):
    """An issued 督办单 to 武胜关镇 (persona town)."""
    return SupervisionOrder.objects.create(
        plan=plan, year=plan.year, number=90, status=OrderStatus.ISSUED, indicator=Indicator.objects.filter(
            plan=plan).first(), unit=personas["town"].unit, reason="测试", issued_on=dt.date(plan.year, 8, 1))


def test_only_the_orders_own_unit_replies_not_the_office_nor_another_town(personas, town_order):
    # The office holds every supervision admin permission; a declared action is still decided by its rule alone.
    assert who_may(personas, "supervision.reply_order", town_order) == {"town"}


def test_the_office_alone_issues_and_closes_orders(personas, town_order):
    assert who_may(personas, "supervision.issue_order") == {"office"}
    assert who_may(personas, "supervision.close_order", town_order) == {"office"}


def test_a_decision_is_reported_done_by_its_owner_unit_or_the_office(plan, personas):
    meeting = Meeting.objects.create(plan=plan, date=dt.date(plan.year, 8, 1), title="测试例会")
    decision = MeetingDecision.objects.create(meeting=meeting, text="测试事项", owner_unit=personas["town"].unit,
                                              deadline=dt.date(plan.year, 8, 20))
    assert who_may(personas, "supervision.complete_decision", decision) == {"office", "town"}
    assert who_may(personas, "supervision.change_meeting", meeting) == {"office"}


@pytest.mark.parametrize("perm, allowed", [
    ("supervision.view_dashboard", PLAN_READERS),
    ("supervision.view_order_list", PLAN_READERS),
    ("supervision.view_meeting_list", PLAN_READERS),
    ("supervision.view_notice_list", PLAN_READERS),
    ("supervision.add_meeting", {"office"}),
    ("supervision.urge_units", {"office"}),
    ("supervision.view_supervisionlist", {"office", "leader"}),
    ("supervision.view_rankings", {"office", "leader"}),
])
def test_each_persona_may_use_the_supervision_pages_as_declared(personas, perm, allowed):
    assert who_may(personas, perm) == allowed
