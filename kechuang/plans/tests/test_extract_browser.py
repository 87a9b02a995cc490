"""Browser: the office uploads the .txt, sees the items highlighted in the source, clicks through, activates."""

import pytest

from kechuang.plans.models import Plan

from .extract_helpers import SEED


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_the_office_uploads_reviews_and_activates_a_plan(login_page, live_server, plan, personas, tmp_path):
    page = login_page("office")
    page.goto(live_server.url + "/plans/extract/new/")
    page.set_input_files("#id_file", str(SEED))
    page.fill("#id_code", "guangshui-2022-upload")
    page.click("button[type=submit] >> text=上传并提取")
    page.wait_for_load_state()
    assert page.url.endswith("/plans/extract/guangshui-2022-upload/")
    assert page.get_by_test_id("plan-status").inner_text() == "草稿"
    source = page.get_by_test_id("source-text")
    assert source.locator("mark.kc-task").count() == 9
    assert source.locator("mark.kc-target").count() == 17
    # Clicking a target in the draft scrolls its value in the source into view and flashes it.
    row = page.get_by_test_id("draft-targets").locator("tr.kc-item").filter(has_text="2.4亿元")
    row.click()
    mark_id = row.get_attribute("data-src")
    mark = page.locator(f"#{mark_id}")
    assert mark.inner_text() == "2.4亿元"
    page.wait_for_function(f"document.getElementById('{mark_id}').classList.contains('kc-flash')")
    # Scrolled into view inside the source panel (smooth scrolling: wait until it settles).
    page.wait_for_function(
        """(id) => { const m = document.getElementById(id).getBoundingClientRect();
                     const p = document.querySelector('[data-testid=source-text]').getBoundingClientRect();
                     return m.top >= p.top && m.bottom <= p.bottom && m.top >= 0 && m.bottom <= innerHeight; }""",
        arg=mark_id)
    # And the other way: clicking a highlighted unit in the source flashes its item in the draft.
    unit_mark = source.locator("mark.kc-unit").first
    unit_mark.click()
    page.wait_for_function(
        "(id) => document.getElementById('item-' + id).classList.contains('kc-flash')",
        arg=unit_mark.get_attribute("id"))
    page.screenshot(path=str(tmp_path / "review.png"), full_page=True)
    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_test_id("activate").click()
    page.wait_for_load_state()
    assert "已启用" in page.content()
    assert Plan.objects.get(code="guangshui-2022-upload").status == "active"
