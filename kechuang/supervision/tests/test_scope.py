"""Scope: a town sees only its own urging notices, 督办单 and meeting decisions."""

import datetime as dt

import pytest

from kechuang.core.scoping import restrict
from kechuang.plans.models import Indicator
from kechuang.supervision import services
from kechuang.supervision.models import Meeting, MeetingDecision, SupervisionOrder, UrgingNotice

pytestmark = pytest.mark.django_db


def _setup(plan, personas):
    services.tick(plan, dt.date(2022, 7, 6))
    ind = Indicator.objects.get(plan=plan, code="HNTE_NEW")
    mine = services.issue_order(plan, ind, personas["town"].unit, "事由", dt.date(2022, 8, 10), personas["office"],
                                issued_on=dt.date(2022, 8, 1))
    theirs = services.issue_order(plan, ind, personas["town_b"].unit, "事由", dt.date(2022, 8, 10),
                                  personas["office"], issued_on=dt.date(2022, 8, 1))
    meeting = services.create_meeting(plan, dt.date(2022, 8, 2), personas["office"], as_of=dt.date(2022, 8, 2))
    d_mine = services.add_decision(meeting, personas["office"], "武胜关镇事项", personas["town"].unit,
                                   dt.date(2022, 8, 30))
    d_theirs = services.add_decision(meeting, personas["office"], "杨寨镇事项", personas["town_b"].unit,
                                     dt.date(2022, 8, 30))
    return mine, theirs, meeting, d_mine, d_theirs


def test_a_town_sees_only_its_own_notices_orders_and_decisions(plan, personas, client_for):
    mine, theirs, meeting, d_mine, d_theirs = _setup(plan, personas)
    town = personas["town"]
    notices = restrict(UrgingNotice.objects.all(), town)
    assert notices.exists() and set(notices.values_list("unit", flat=True)) == {town.unit_id}
    assert list(restrict(SupervisionOrder.objects.all(), town)) == [mine]
    assert list(restrict(MeetingDecision.objects.all(), town)) == [d_mine]
    assert list(restrict(Meeting.objects.all(), town)) == [meeting]
    c = client_for("town")
    page = c.get("/supervision/notices/").content.decode()
    assert "武胜关镇" in page and "杨寨镇" not in page
    assert c.get(f"/supervision/orders/{theirs.pk}/").status_code == 404
    assert c.get(f"/api/supervision/orders/{theirs.pk}").status_code in (401, 404)
    orders = c.get("/supervision/orders/").content.decode()
    assert mine.display_number in orders and theirs.display_number not in orders
    page = c.get(f"/supervision/meetings/{meeting.pk}/").content.decode()
    assert "武胜关镇事项" in page and "杨寨镇事项" not in page
    assert c.post(f"/supervision/decisions/{d_theirs.pk}/done/").status_code == 404


def test_proposals_stay_with_the_office(plan, personas):
    from kechuang.supervision.models import OrderStatus

    ind = Indicator.objects.get(plan=plan, code="HNTE_NEW")
    proposal = SupervisionOrder.objects.create(plan=plan, year=2022, status=OrderStatus.PROPOSED, indicator=ind,
                                               unit=personas["town"].unit, reason="建议")
    assert proposal not in restrict(SupervisionOrder.objects.all(), personas["town"])
    assert proposal not in restrict(SupervisionOrder.objects.all(), personas["leader"])
    assert proposal in restrict(SupervisionOrder.objects.all(), personas["office"])


def test_overdue_meeting_decision_is_red_in_the_supervision_list(plan, personas, client_for):
    _mine, _theirs, _meeting, d_mine, _ = _setup(plan, personas)
    from kechuang.supervision import engine

    items = engine.supervised_items(plan, dt.date(2022, 9, 5))
    assert any(i.kind == "decision" and i.obj.pk == d_mine.pk and i.light == "red" for i in items)
    assert not any(i.kind == "decision" for i in engine.supervised_items(plan, dt.date(2022, 8, 20)))
    services.complete_decision(d_mine, personas["town"], "已完成", dt.date(2022, 8, 25))
    items = engine.supervised_items(plan, dt.date(2022, 9, 5))
    assert not any(i.kind == "decision" and i.obj.pk == d_mine.pk for i in items)
    page = client_for("office").get("/supervision/list/?as_of=2022-09-05").content.decode()
    assert "杨寨镇事项" in page


def test_meeting_agenda_is_prefilled_from_red_items_orders_and_reports(plan, personas):
    _setup(plan, personas)
    agenda = services.meeting_agenda(plan, dt.date(2022, 8, 20))
    assert "红灯事项" in agenda and "〔2022〕第1号" in agenda and "未报送" in agenda
