"""Browser: a town user and the office log in through the real form and see their own work."""

import pytest


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_a_town_user_sees_only_its_tasks_and_the_office_sees_the_whole_plan(login_page, live_server, plan, personas):
    page = login_page("town")
    page.goto(live_server.url + "/")
    assert "武胜关镇" in page.get_by_test_id("whoami").inner_text()
    page.goto(live_server.url + f"/plans/{plan.code}/")
    tasks = page.get_by_test_id("task-list").inner_text()
    assert "（六）加强校地校企合作" in tasks
    assert "推进科技创新平台建设" not in tasks  # (四) does not involve towns
    assert page.get_by_test_id("matrix").count() == 0
    page.goto(live_server.url + "/audit/")
    assert "审计日志" not in page.content() and "页面不存在" in page.content()
    page.click("text=退出")
    assert "/login/" in page.url

    page = login_page("office")
    page.goto(live_server.url + f"/plans/{plan.code}/")
    assert page.get_by_test_id("task-list").inner_text().count("牵头") == 9
    matrix = page.get_by_test_id("matrix").inner_text()
    assert "市委人才办" in matrix and "经济开发区" in matrix
    assert "新认定高新技术企业" in page.get_by_test_id("indicator-table").inner_text()
