"""In the browser: a town user opens a demand's matches, sees the matched terms and records a 对接."""

import pytest

from kechuang.policy.tests.factories import enterprise
from kechuang.registry.models import Achievement, Demand


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_a_town_user_records_a_docking_from_the_match_list(live_server, login_page, plan, personas):
    ent = enterprise(personas["town"].unit, "浏览器测试企业")
    demand = Demand.objects.create(enterprise=ent, title="离心风机叶轮降噪", keywords="风机 降噪",
                                   description="现有离心风机运行噪声大")
    Achievement.objects.create(title="通风机叶轮气动噪声控制技术", institution="某大学", keywords="通风机 噪声控制")
    page = login_page("town")
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(f"{live_server.url}/matching/demands/{demand.pk}/")
    hits = page.locator("[data-testid=hits-achievement]")
    assert "通风机叶轮气动噪声控制技术" in hits.inner_text()
    assert hits.locator("mark").count() >= 2
    hits.get_by_role("button", name="登记对接").first.click()
    page.wait_for_load_state()
    assert page.locator("[data-testid=status]").inner_text() == "拟对接"
