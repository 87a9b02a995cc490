"""API and pages read the same engine: statuses, rankings, 督办单; meetings from the pages."""

import datetime as dt
from decimal import Decimal

import pytest

from kechuang.plans.models import Indicator
from kechuang.supervision import engine, services
from kechuang.supervision.models import Meeting, MeetingDecision

from .helpers import stat_value

pytestmark = pytest.mark.django_db


def test_api_indicator_status_matches_the_engine(plan, personas, client_for):
    ind = Indicator.objects.get(plan=plan, code="HIGHTECH_VALUE_ADDED_SHARE")
    stat_value(ind, dt.date(2022, 6, 30), "6")
    rows = client_for("leader").get(f"/api/supervision/{plan.code}/indicators?as_of=2022-07-01").json()
    row = next(r for r in rows if r["code"] == ind.code)
    st = next(s for s in engine.indicator_statuses(plan, dt.date(2022, 7, 1)) if s.indicator.pk == ind.pk)
    assert row["light"] == st.light == "red"
    assert Decimal(row["completion_pct"]) == Decimal("50.0") and Decimal(row["actual"]) == 6
    assert len(rows) == plan.indicators.count()
    town_rows = client_for("talent").get(f"/api/supervision/{plan.code}/indicators?as_of=2022-07-01").json()
    assert ind.code not in {r["code"] for r in town_rows}  # 市委人才办 does not work on (三)


def test_api_rankings_and_tasks(plan, personas, client_for):
    ranks = client_for("office").get(f"/api/supervision/{plan.code}/rankings?as_of=2022-07-10").json()
    assert ranks and ranks[0]["rank"] == 1
    assert [r["rank"] for r in ranks] == sorted(r["rank"] for r in ranks)
    assert client_for("town").get(f"/api/supervision/{plan.code}/rankings").status_code == 404
    tasks = client_for("town").get(f"/api/supervision/{plan.code}/tasks?as_of=2022-07-10").json()
    assert tasks and all(t["light"] == "red" for t in tasks)  # nothing reported for June


def test_api_orders_are_scoped(plan, personas, client_for):
    ind = Indicator.objects.get(plan=plan, code="HNTE_NEW")
    mine = services.issue_order(plan, ind, personas["town"].unit, "事由", dt.date(2022, 8, 10), personas["office"],
                                issued_on=dt.date(2022, 8, 1))
    services.issue_order(plan, ind, personas["town_b"].unit, "事由", dt.date(2022, 8, 10), personas["office"],
                         issued_on=dt.date(2022, 8, 1))
    listed = client_for("town").get("/api/supervision/orders").json()
    assert [o["id"] for o in listed] == [mine.pk]
    assert listed[0]["number"] == "〔2022〕第1号"
    assert len(client_for("leader").get("/api/supervision/orders").json()) == 2


def test_office_prepares_a_meeting_with_a_prefilled_agenda_and_records_a_decision(plan, personas, client_for):
    office = client_for("office")
    preview = office.get("/supervision/meetings/new/").content.decode()
    assert "研究红灯事项" in preview
    response = office.post("/supervision/meetings/new/", {"date": "2022-07-20", "title": "领导小组7月例会"})
    meeting = Meeting.objects.get(title="领导小组7月例会")
    assert response.status_code == 302 and "各成员单位报送情况" in meeting.agenda
    office.post(f"/supervision/meetings/{meeting.pk}/", {"action": "decision", "text": "加快平台备案",
                                                         "owner_unit": personas["lead"].unit.pk,
                                                         "deadline": "2022-08-15"})
    office.post(f"/supervision/meetings/{meeting.pk}/", {"action": "minutes", "minutes": "会议研究了……",
                                                         "agenda": meeting.agenda})
    meeting.refresh_from_db()
    decision = MeetingDecision.objects.get(meeting=meeting)
    assert meeting.minutes == "会议研究了……" and decision.owner_unit == personas["lead"].unit
    assert client_for("lead").get(f"/supervision/meetings/{meeting.pk}/").status_code == 200
    assert client_for("town").get(f"/supervision/meetings/{meeting.pk}/").status_code == 404
    assert client_for("lead").post(f"/supervision/meetings/{meeting.pk}/",
                                   {"action": "minutes", "minutes": "x"}).status_code == 404


def test_dashboard_links_every_figure_to_its_drill_down(plan, personas, client_for):
    html = client_for("office").get("/supervision/?as_of=2022-07-10").content.decode()
    ind = Indicator.objects.get(plan=plan, code="HNTE_NEW")
    assert f'/metrics/indicators/{ind.pk}/?date=2022-07-10' in html
    assert "/reporting/" in html and 'data-testid="heatmap"' in html and 'data-testid="ranking"' in html
    town = client_for("town").get("/supervision/?as_of=2022-07-10").content.decode()
    assert 'data-testid="ranking"' not in town
    assert "杨寨镇" not in town.split('data-testid="heatmap"')[1]
