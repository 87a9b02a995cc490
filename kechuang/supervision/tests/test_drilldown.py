"""The drill-down that reaches the report (dashboard → task → unit report), the same counts on the dashboard, in
the bulletin and through the API, and 督办单 issued from where the problem is."""

import datetime as dt
import re

import pytest

from kechuang.bulletins import compose
from kechuang.core.models import SystemFlag
from kechuang.plans.models import Indicator, Task
from kechuang.reporting.models import Evidence, Milestone
from kechuang.supervision import engine, services
from kechuang.supervision.models import OrderStatus, SupervisionOrder

from .helpers import indicator_value, set_indicator, task_report

pytestmark = pytest.mark.django_db

AS_OF = dt.date(2022, 9, 30)  # a quarter end: the bulletin's date


@pytest.fixture
def progress(plan, personas):
    """A realistic mix on 30 September: (六) reported by every unit through August (the due month), one town far
    behind, with an overdue milestone and evidence; (一) reported by its lead only; the rest not reported (red)."""
    SystemFlag.set("demo_as_of", AS_OF.isoformat())
    six = Task.objects.get(plan=plan, number="（六）")
    rows = {}
    for tu in six.task_units.select_related("unit"):
        percent = 20 if tu.unit == personas["town_b"].unit else 70
        rows[tu.unit.name] = task_report(plan, six, tu.unit, 8, percent, submitted_on=dt.date(2022, 9, 4))
    Evidence.objects.create(task_report=rows[personas["town"].unit.name], original_name="合作协议.pdf",
                            stored_name="x.pdf", content_type="application/pdf", size=10, sha256="0" * 64,
                            uploaded_by=personas["town"])
    Milestone.objects.create(task=six, unit=personas["town_b"].unit, title="签订校企合作协议",
                             responsible_person="王某", deadline=dt.date(2022, 8, 31))
    one = Task.objects.get(plan=plan, number="（一）")
    for tu in one.task_units.filter(role="lead").select_related("unit"):
        task_report(plan, one, tu.unit, 8, 75, submitted_on=dt.date(2022, 9, 3))
    hnte = set_indicator(plan, "HNTE_NEW", source="reported", metric="")
    indicator_value(plan, hnte, hnte.owner_unit, 8, 8, submitted_on=dt.date(2022, 9, 4))
    return {"six": six, "one": one, "reports": rows}


def _lights(page, attr):
    return [m for m in re.findall(rf'data-{attr}="[^"]*" data-light="(\w+)"', page)]


def _count(rows, light):
    return sum(1 for r in rows if r == light)


def test_every_count_on_the_dashboard_equals_the_bulletin_and_the_api(plan, personas, client_for, progress):
    office = client_for("office")
    page = office.get("/supervision/", {"as_of": AS_OF.isoformat()}).content.decode()
    snapshot = compose.collect(plan, AS_OF)
    api_ind = office.get(f"/api/supervision/{plan.code}/indicators", {"as_of": AS_OF.isoformat()}).json()
    api_tasks = office.get(f"/api/supervision/{plan.code}/tasks", {"as_of": AS_OF.isoformat()}).json()
    ind_rows, task_rows = _lights(page, "indicator"), _lights(page, "task")
    assert len(ind_rows) == snapshot["counts"]["total"] == len(api_ind)
    assert len(task_rows) == snapshot["task_counts"]["total"] == len(api_tasks)
    for light in engine.LIGHT_LABELS:
        assert _count(ind_rows, light) == snapshot["counts"][light] == _count([r["light"] for r in api_ind], light)
        assert _count(task_rows, light) == snapshot["task_counts"][light] == \
            _count([r["light"] for r in api_tasks], light), light
    counts = re.search(r'data-testid="light-counts">(.*?)</div>', page, re.S).group(1)
    assert f"红 {snapshot['counts']['red']}<" in counts or f"红 {snapshot['counts']['red']}\n" in counts
    red = {k: int(re.search(rf'data-testid="red-{k}">(\d+)<', page).group(1))
           for k in ("indicators", "tasks", "decisions")}
    bulletin_red = snapshot["red_items"]
    assert red["indicators"] == snapshot["counts"]["red"] == sum(1 for i in bulletin_red if i["kind"] == "指标")
    assert red["tasks"] == snapshot["task_counts"]["red"]
    assert red["decisions"] == sum(1 for i in bulletin_red if i["kind"] == "例会议定事项")
    assert snapshot["task_counts"]["red"] > 0 and snapshot["task_counts"]["green"] + snapshot["task_counts"][
        "yellow"] > 0  # a mix, so the comparison means something
    # The ranking's on-time / late / missing counts per unit: the same three ways.
    ranking = re.search(r'data-testid="ranking">(.*?)</table>', page, re.S).group(1)
    shown = {m[0]: tuple(int(x) for x in m[1:]) for m in re.findall(
        r'<a href="[^"]*">([^<]+)</a></td><td class="text-end">(\d+)</td><td class="text-end">(\d+)</td>'
        r'<td class="text-end">(\d+)</td>', ranking)}
    api_ranks = office.get(f"/api/supervision/{plan.code}/rankings", {"as_of": AS_OF.isoformat()}).json()
    assert shown == {r["unit"]: (r["on_time"], r["late"], r["missing"]) for r in snapshot["rankings"]} == {
        r["unit"]: (r["on_time"], r["late"], r["missing"]) for r in api_ranks}
    assert len(shown) > 5


def test_the_task_page_shows_each_units_progress_light_report_evidence_and_overdue_milestone(
        plan, personas, client_for, progress):
    six = progress["six"]
    page = client_for("leader").get(f"/supervision/tasks/{six.pk}/").content.decode()
    status = next(s for s in engine.task_statuses(plan, AS_OF) if s.task.pk == six.pk)
    assert f'light-{status.light}" aria-label="{status.light_label}"' in page
    town_b = personas["town_b"].unit.name
    assert re.search(rf'data-unit="{town_b}" data-light="red"', page)  # 20% against 8/12, an overdue node
    assert re.search(rf'data-unit="{personas["town"].unit.name}" data-light="green"', page)
    assert "签订校企合作协议" in page and "逾期 1 个" in page
    assert "合作协议.pdf" in page and "演示进展" in page
    report = progress["reports"][town_b]
    assert f'href="/reporting/reports/{report.pk}/"' in page


def test_a_town_sees_its_own_card_on_the_task_page_and_not_another_towns(plan, personas, client_for, progress):
    page = client_for("town").get(f"/supervision/tasks/{progress['six'].pk}/").content.decode()
    assert f'data-unit="{personas["town"].unit.name}"' in page
    assert f'data-unit="{personas["town_b"].unit.name}"' not in page
    assert "下发督办单" not in page


def test_the_leader_reaches_a_units_report_in_three_steps(plan, personas, client_for, progress):
    leader = client_for("leader")
    dashboard = leader.get("/supervision/", {"as_of": AS_OF.isoformat()}).content.decode()
    task_url = re.search(rf'href="(/supervision/tasks/{progress["six"].pk}/[^"]*)"', dashboard).group(1)
    task_page = leader.get(task_url.replace("&amp;", "&")).content.decode()
    report_url = re.search(r'href="(/reporting/reports/\d+/)" data-testid="unit-report"', task_page).group(1)
    report = leader.get(report_url)
    assert report.status_code == 200 and "演示进展" in report.content.decode()


def test_completeness_cells_open_the_units_month(plan, personas, client_for, progress):
    office = client_for("office")
    town = personas["town"].unit
    dashboard = office.get("/supervision/", {"as_of": AS_OF.isoformat()}).content.decode()
    url = f"/reporting/{plan.code}/units/{town.code}/2022/8/"
    assert f'href="{url}"' in dashboard
    assert f'href="{url}"' in office.get(f"/reporting/{plan.code}/status/").content.decode()
    month = office.get(url).content.decode()
    assert progress["six"].title in month and f'/reporting/reports/{progress["reports"][town.name].pk}/' in month
    # Another town opens the page but sees none of the town's reports.
    other = client_for("town_b").get(url).content.decode()
    assert f'/reporting/reports/{progress["reports"][town.name].pk}/' not in other


def test_the_office_issues_an_order_from_a_red_task_pre_filled(plan, personas, client_for, progress):
    office = client_for("office")
    red_task = next(s for s in engine.task_statuses(plan, AS_OF) if s.light == engine.RED)
    dashboard = office.get("/supervision/", {"as_of": AS_OF.isoformat()}).content.decode()
    assert f'/supervision/orders/issue/?task={red_task.task.pk}"' in dashboard
    assert 'data-testid="order-task"' not in client_for("leader").get("/supervision/").content.decode()
    form = office.get("/supervision/orders/issue/", {"task": red_task.task.pk}).content.decode()
    lead = engine._lead_units(plan)[red_task.task.pk][0]
    assert f'<option value="{lead.pk}" selected>' in form
    assert red_task.reason in form  # the engine's reason, not a blank box
    response = office.post("/supervision/orders/issue/", {
        "task": red_task.task.pk, "unit": lead.pk, "reason": "请加快推进", "reply_due": "2022-10-15"})
    order = SupervisionOrder.objects.get(task=red_task.task)
    assert response.status_code == 302 and order.status == OrderStatus.ISSUED and order.unit == lead


def test_the_standalone_page_lets_the_office_pick_the_item(plan, personas, client_for, progress):
    page = client_for("office").get("/supervision/orders/issue/").content.decode()
    assert "请选择督办事项" not in page and 'data-testid="order-picker"' in page
    red = engine.red_items(plan, AS_OF)
    first = red[0]
    assert f'data-testid="pick-{first.kind}-{first.obj.pk}"' in page
    assert page.index(f"pick-{first.kind}-{first.obj.pk}") < page.index(f'pick-task-{progress["six"].pk}"') or \
        first.obj == progress["six"]
    chosen = client_for("office").get("/supervision/orders/issue/", {first.kind: first.obj.pk}).content.decode()
    assert 'data-testid="order-form"' in chosen and 'data-testid="order-picker"' not in chosen


def test_an_order_for_a_late_unit_names_the_month_and_offers_only_its_items(plan, personas, client_for, progress):
    town = personas["town"].unit
    page = client_for("office").get("/supervision/orders/issue/", {"unit": town.pk, "late": 8}).content.decode()
    assert "（武胜关镇）" in page
    assert f'pick-task-{progress["six"].pk}"' in page
    not_its = Task.objects.filter(plan=plan).exclude(task_units__unit=town).first()
    assert f'pick-task-{not_its.pk}"' not in page
    form = client_for("office").get("/supervision/orders/issue/",
                                    {"task": progress["six"].pk, "unit": town.pk, "late": 8}).content.decode()
    assert "武胜关镇8月工作进展逾期未报送" in form and f'<option value="{town.pk}" selected>' in form


def test_orders_from_a_red_indicator_and_a_meeting_decision(plan, personas, client_for, progress):
    office = client_for("office")
    hnte = Indicator.objects.get(plan=plan, code="HNTE_NEW")
    form = office.get("/supervision/orders/issue/", {"indicator": hnte.pk}).content.decode()
    assert f'<option value="{hnte.owner_unit_id}" selected>' in form
    meeting = services.create_meeting(plan, dt.date(2022, 9, 1), personas["office"], as_of=AS_OF)
    decision = services.add_decision(meeting, personas["office"], "完成平台备案", personas["town"].unit,
                                     dt.date(2022, 9, 20))
    detail = office.get(f"/supervision/meetings/{meeting.pk}/").content.decode()
    assert f'/supervision/orders/issue/?decision={decision.pk}"' in detail
    form = office.get("/supervision/orders/issue/", {"decision": decision.pk}).content.decode()
    assert f'<option value="{personas["town"].unit.pk}" selected>' in form and "例会议定事项逾期" in form


def test_only_the_office_opens_the_issue_page(plan, personas, client_for):
    for persona in ("leader", "lead", "town"):
        assert client_for(persona).get("/supervision/orders/issue/").status_code == 404


def test_the_issue_page_ignores_ids_that_are_not_numbers(plan, personas, client_for):
    for param in ("task", "indicator", "decision", "order", "unit", "late"):
        response = client_for("office").get("/supervision/orders/issue/", {param: "abc"})
        assert response.status_code == 200 and 'data-testid="order-picker"' in response.content.decode(), param
