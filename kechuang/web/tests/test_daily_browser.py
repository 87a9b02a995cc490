"""Browser journeys of daily use, at desktop size and on a 390 px phone: the lead unit filters its review queue and
approves a batch; the office urges late units in one click and issues a 督办单 from a red task; the leader goes from
the dashboard to a task and on to a unit's report in at most three taps. Chromium with the real CSP (no inline JS).

Each test drives a live server and a browser (5–12 s each); the two sizes are two runs of the same journey."""

import datetime as dt
import re

import pytest

from kechuang.core.models import SystemFlag

SIZES = {"desktop": {"width": 1366, "height": 768}, "phone": {"width": 390, "height": 844}}


def _no_horizontal_overflow(page):
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= page.viewport_size["width"] + 1, f"{page.url} is {width}px wide"


def _set_date(day):
    SystemFlag.set("demo_as_of", day.isoformat())


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("size", list(SIZES))
def test_the_lead_unit_filters_its_queue_and_approves_a_batch(live_server, login_page, plan, personas, size):
    from kechuang.plans.models import Task
    from kechuang.reporting.models import TaskReport
    from kechuang.supervision.tests.helpers import task_report

    _set_date(dt.date(2022, 7, 8))
    six = Task.objects.get(plan=plan, number="（六）")
    june = [task_report(plan, six, personas[p].unit, 6, 40, status="submitted") for p in ("town", "town_b", "zone")]
    may = task_report(plan, six, personas["town"].unit, 5, 30, status="submitted")
    page = login_page("lead")
    page.set_viewport_size(SIZES[size])
    page.goto(f"{live_server.url}/")
    assert page.get_by_test_id("todo-count-reviews").inner_text() == "4"
    page.goto(f"{live_server.url}/reporting/{plan.code}/review/")
    page.select_option("#f-period", "6")
    page.get_by_test_id("filter").click()
    page.wait_for_load_state()
    assert page.get_by_test_id("report-count").inner_text() == "3"
    _no_horizontal_overflow(page)
    page.check(f"#pick-r{june[0].pk}")
    page.check(f"#pick-r{june[1].pk}")
    dialogs = []
    page.once("dialog", lambda d: (dialogs.append(d.message), d.accept()))
    page.get_by_test_id("batch-approve").click()
    page.wait_for_load_state()
    assert dialogs and "审核通过" in dialogs[0]  # one confirmation for the whole batch
    assert "已批量审核通过 2 项" in page.content()
    assert "period=6" in page.url  # the filter is kept
    assert page.get_by_test_id("report-count").inner_text() == "1"
    # One card approved in place (htmx): the page does not reload, the card says so.
    url = page.url
    page.locator(f"#r{june[2].pk}").get_by_test_id("approve").click()
    page.locator(f"#r{june[2].pk}[data-testid=review-done]").wait_for()
    assert "已审核通过" in page.locator(f"#r{june[2].pk}").inner_text() and page.url == url
    statuses = dict(TaskReport.objects.filter(pk__in=[r.pk for r in [*june, may]]).values_list("pk", "status"))
    assert statuses == {june[0].pk: "approved", june[1].pk: "approved", june[2].pk: "approved", may.pk: "submitted"}


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("size", list(SIZES))
def test_the_office_urges_late_units_and_issues_an_order_from_a_red_task(live_server, login_page, plan, personas,
                                                                          size):
    from kechuang.reporting.services import ensure_periods
    from kechuang.supervision.models import NoticeKind, SupervisionOrder, UrgingNotice

    _set_date(dt.date(2022, 7, 8))
    ensure_periods(plan)
    town = personas["town"].unit
    page = login_page("office")
    page.set_viewport_size(SIZES[size])
    page.goto(f"{live_server.url}/")
    row = page.locator(f'li[data-unit="{town.name}"]')
    row.get_by_test_id("urge").click()
    page.wait_for_load_state()
    assert f"已向{town.name}发送催办通知" in page.content()
    assert page.locator(f'li[data-unit="{town.name}"]').get_by_test_id("urged").is_visible()
    _no_horizontal_overflow(page)
    page.once("dialog", lambda d: d.accept())
    page.get_by_test_id("urge-all").click()
    page.wait_for_load_state()
    assert f"{town.name}本期已催办，未重复发送" in page.content()
    urged = UrgingNotice.objects.filter(period__month=6, kind=NoticeKind.URGING)
    assert urged.filter(unit=town).count() == 1 and urged.count() > 1

    page.goto(f"{live_server.url}/supervision/")
    red_row = page.locator('tr[data-task][data-light="red"]').first
    number = red_row.get_attribute("data-task")
    red_row.get_by_test_id("order-task").click()
    page.wait_for_load_state()
    assert number in page.get_by_test_id("order-subject").inner_text()
    assert page.locator("#reason").input_value()  # pre-filled from the task's light and reason
    _no_horizontal_overflow(page)
    page.get_by_test_id("issue").click()
    page.wait_for_load_state()
    assert "已下发督办单" in page.content()
    assert SupervisionOrder.objects.filter(task__number=number, status="issued").count() == 1


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("size", list(SIZES))
def test_the_leader_reaches_a_units_report_in_three_taps(live_server, login_page, plan, personas, size):
    from kechuang.plans.models import Task
    from kechuang.supervision.tests.helpers import task_report

    _set_date(dt.date(2022, 9, 30))
    six = Task.objects.get(plan=plan, number="（六）")
    for tu in six.task_units.select_related("unit"):
        report = task_report(plan, six, tu.unit, 8, 70, submitted_on=dt.date(2022, 9, 4))
        report.narrative = f"{tu.unit.name}八月推进校企合作"
        report.save()
    page = login_page("leader")
    page.set_viewport_size(SIZES[size])
    page.goto(f"{live_server.url}/")
    page.get_by_test_id("to-dashboard").click()  # tap 1
    page.wait_for_load_state()
    _no_horizontal_overflow(page)
    page.locator(f'tr[data-task="{six.number}"]').get_by_test_id("task-link").click()  # tap 2
    page.wait_for_load_state()
    assert six.title in page.get_by_test_id("task-title").inner_text()
    _no_horizontal_overflow(page)
    page.get_by_test_id("unit-report").first.click()  # tap 3
    page.wait_for_load_state()
    assert re.search(r"/reporting/reports/\d+/$", page.url)
    assert "八月推进校企合作" in page.content()
    _no_horizontal_overflow(page)
