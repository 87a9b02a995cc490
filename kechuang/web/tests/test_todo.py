"""我的待办 on 首页 per role, the navigation badges, one-click 催办 from the office's list."""

import datetime as dt
import re

import pytest

from kechuang.audit.models import AuditEvent
from kechuang.core.models import SystemFlag
from kechuang.plans.models import Indicator, Task
from kechuang.reporting import services as reporting
from kechuang.reporting.models import TaskReport
from kechuang.supervision import services as supervision
from kechuang.supervision.models import NoticeKind, UrgingNotice
from kechuang.supervision.tests.helpers import task_report
from kechuang.web import todo

pytestmark = pytest.mark.django_db

AS_OF = dt.date(2022, 7, 8)  # June's reports were due on 5 July


@pytest.fixture(autouse=True)
def _business_date(plan):
    from django.core.cache import cache

    SystemFlag.set("demo_as_of", AS_OF.isoformat())
    reporting.ensure_periods(plan)  # as kechuang tick does; the to-do list only reads them
    cache.clear()
    yield
    cache.clear()


def _sections(user, plan):
    return {s.key: s for s in todo.sections(user, plan, AS_OF)}


def _texts(section):
    return [i.text + " " + i.detail for i in section.items]


def test_a_unit_sees_what_is_due_by_when_and_what_was_returned_and_why(plan, personas):
    town = personas["town"]
    task = Task.objects.get(plan=plan, number="（六）")
    row = task_report(plan, task, town.unit, 5, 30, status="submitted", submitted_on=dt.date(2022, 6, 3))
    reporting.return_for_revision(row, user=personas["office"], reason="请补充合作协议编号")
    found = _sections(town, plan)
    due = _texts(found["due"])
    assert any("2022年6月" in t and "7月5日截止" in t and "逾期3天" in t for t in due), due
    assert due[0].startswith("2022年6月") and len(due) == todo.SHOWN_PERIODS  # newest first, older ones capped
    returned = _texts(found["returned"])
    assert returned == [f"2022年5月 （六）{task.title} 退回原因：请补充合作协议编号"]
    assert found["returned"].items[0].url.endswith(f"/2022/5/#t{task.pk}")
    # Another town sees none of it.
    other = _sections(personas["town_b"], plan)
    assert not other["returned"].items


def test_a_unit_sees_its_open_order_decision_and_urging_notice_and_another_unit_does_not(plan, personas):
    town = personas["town"]
    indicator = Indicator.objects.get(plan=plan, code="HNTE_NEW")
    order = supervision.issue_order(plan, indicator, town.unit, "落后序时进度", dt.date(2022, 7, 20),
                                    personas["office"], issued_on=dt.date(2022, 7, 6))
    meeting = supervision.create_meeting(plan, dt.date(2022, 7, 1), personas["office"], as_of=AS_OF)
    supervision.add_decision(meeting, personas["office"], "完成校企合作签约", town.unit, dt.date(2022, 7, 31))
    supervision.urge_units(plan, personas["office"], AS_OF, [town.unit.pk])
    found = _sections(town, plan)
    orders = _texts(found["orders"])
    assert any(order.display_number in t and "反馈时限7月20日" in t for t in orders), orders
    assert any("完成校企合作签约" in t for t in orders), orders
    assert any("2022年6月催办" in t for t in _texts(found["notices"]))
    other = _sections(personas["town_b"], plan)
    assert not other["orders"].items and not other["notices"].items


def test_a_lead_unit_sees_the_reviews_waiting_and_the_badge_counts_them(plan, personas, client_for):
    task = Task.objects.get(plan=plan, number="（六）")  # led by 市科技经信局 (persona "lead")
    for persona in ("town", "town_b"):
        task_report(plan, task, personas[persona].unit, 6, 40, status="submitted", submitted_on=dt.date(2022, 7, 4))
    found = _sections(personas["lead"], plan)
    assert found["reviews"].count == 2
    assert _texts(found["reviews"]) == ["2022年6月 待审核 2 项 "]
    page = client_for("lead").get("/").content.decode()
    assert 'data-testid="todo-count-reviews">2<' in page
    assert re.search(r'待审核 <span class="badge[^"]*" data-testid="nav-badge">2</span>', page)  # the navigation
    badges = todo.badge_counts(personas["lead"], plan, AS_OF)
    assert badges["reviews"] == 2 and badges["todo"] == sum(s.count for s in found.values())
    # A town (no reviewer role) has no review section.
    assert "reviews" not in _sections(personas["town"], plan)


def test_the_leader_sees_red_items_with_their_responsible_units(plan, personas, client_for):
    from kechuang.supervision import engine

    found = _sections(personas["leader"], plan)
    red = engine.red_items(plan, AS_OF)
    assert found["red"].count == len(red) > 0
    first = red[0]
    assert all(u.name in found["red"].items[0].detail for u in first.units)
    page = client_for("leader").get("/").content.decode()
    assert "红灯事项及责任单位" in page and "一键催办" not in page


def test_the_office_sees_late_units_and_urges_one_then_all_idempotently(plan, personas, client_for):
    office = client_for("office")
    late = supervision.late_units(plan, AS_OF)
    names = {lu.unit.name for lu in late}
    assert personas["town"].unit.name in names and all(lu.period.month == 6 for lu in late)
    page = office.get("/").content.decode()
    assert 'data-testid="urge-all"' in page and personas["town"].unit.name in page

    town = personas["town"].unit
    response = office.post("/supervision/notices/urge/", {"unit": town.pk, "next": "/#todo"})
    assert response.status_code == 302 and response["Location"] == "/#todo"
    assert UrgingNotice.objects.filter(unit=town, period__month=6, kind=NoticeKind.URGING).count() == 1
    event = AuditEvent.objects.filter(action="supervision.notice.urging").latest("pk")
    assert event.username == "office" and event.detail["manual"] is True

    office.post("/supervision/notices/urge/", {"all": "1"})
    office.post("/supervision/notices/urge/", {"all": "1"})
    office.post("/supervision/notices/urge/", {"unit": town.pk})
    urged = UrgingNotice.objects.filter(period__month=6, kind=NoticeKind.URGING)
    assert urged.count() == len(late)
    assert urged.filter(unit=town).count() == 1
    assert "已催办" in office.get("/").content.decode()
    # The town now finds the notice on its own home page.
    assert "2022年6月催办" in client_for("town").get("/").content.decode()


def test_only_the_office_can_urge(plan, personas, client_for):
    for persona in ("leader", "lead", "town"):
        assert client_for(persona).post("/supervision/notices/urge/", {"all": "1"}).status_code == 404
    assert not UrgingNotice.objects.exists()


def test_a_unit_that_submitted_is_not_urged_by_hand(plan, personas):
    unit = personas["dept"].unit
    for task in Task.objects.filter(plan=plan, task_units__unit=unit).distinct():
        task_report(plan, task, unit, 6, 50, status="submitted", submitted_on=dt.date(2022, 7, 4))
    assert unit.pk not in {lu.unit.pk for lu in supervision.late_units(plan, AS_OF)}
    with pytest.raises(supervision.TransitionError):
        supervision.urge_units(plan, personas["office"], AS_OF, [unit.pk])


def test_the_office_is_told_which_quarter_bulletins_wait(plan, personas):
    texts = _texts(_sections(personas["office"], plan)["bulletins"])
    assert texts == ["2022年第1季度通报未生成 在季度通报页生成草稿", "2022年第2季度通报未生成 在季度通报页生成草稿"]


def test_the_office_sees_red_items_to_supervise_with_a_prefilled_order_link(plan, personas):
    from kechuang.supervision import engine

    found = _sections(personas["office"], plan)["supervise"]
    red = [i for i in engine.red_items(plan, AS_OF)]
    assert red and found.items[0].order_url.endswith(f"?{red[0].kind}={red[0].obj.pk}")


def test_opening_a_submitted_month_says_nothing_is_due(plan, personas, client_for):
    unit = personas["town"].unit
    for task in Task.objects.filter(plan=plan, task_units__unit=unit).distinct():
        task_report(plan, task, unit, 6, 50, status="submitted", submitted_on=dt.date(2022, 7, 4))
    page = client_for("town").get(f"/reporting/{plan.code}/fill/2022/6/").content.decode()
    assert "本月已报送，等待牵头单位审核，暂无待办" in page
    page = client_for("town").get(f"/reporting/{plan.code}/fill/2022/7/").content.decode()
    assert "暂无待办" not in page
    assert TaskReport.objects.filter(unit=unit, period__month=6).count() > 0
