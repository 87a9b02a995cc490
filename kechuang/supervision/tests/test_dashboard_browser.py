"""Browser: the office dashboard shows the targets grid, and a light turns once a value is approved."""

import datetime as dt

import pytest

from .helpers import indicator_value, set_indicator


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_office_dashboard_shows_the_grid_and_a_light_changes_after_approval(live_server, login_page, plan,
                                                                             personas):
    from kechuang.reporting import services as reporting

    ind = set_indicator(plan, "HNTE_NEW", source="reported", metric="")
    indicator_value(plan, ind, ind.owner_unit, 5, 1)
    june = indicator_value(plan, ind, ind.owner_unit, 6, 6, status="submitted", submitted_on=dt.date(2022, 7, 4))
    page = login_page("office")
    url = f"{live_server.url}/supervision/?as_of=2022-07-10"
    page.goto(url)
    grid = page.get_by_test_id("targets-grid")
    assert grid.is_visible()
    assert grid.locator("tbody tr").count() == plan.indicators.count()
    row = page.locator(f'tr[data-indicator="{ind.code}"]')
    assert row.get_attribute("data-light") == "red"  # 1 of 10 approved at 序时进度 50%
    assert row.get_by_test_id("actual").inner_text() == "1"
    assert page.get_by_test_id("time-progress").inner_text() == "50%"
    page.wait_for_selector("#trend-chart canvas")  # the ECharts trend rendered from the vendored file

    reporting.approve(june, user=personas["office"])
    page.goto(url)
    row = page.locator(f'tr[data-indicator="{ind.code}"]')
    assert row.get_attribute("data-light") == "green"  # 6 of 10 at 50%
    assert row.get_by_test_id("actual").inner_text() == "6"
    row.get_by_test_id("actual").click()
    page.wait_for_load_state()
    assert "/metrics/indicators/" in page.url
    assert page.get_by_test_id("resolved-value").inner_text().startswith("6")


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_dashboard_is_readable_on_a_phone(live_server, login_page, plan, personas):
    page = login_page("leader")
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(f"{live_server.url}/supervision/?as_of=2022-07-10")
    grid = page.get_by_test_id("targets-grid")
    box = grid.bounding_box()
    assert box["width"] <= 390
    assert page.locator('tr[data-indicator] .light').first.is_visible()
