"""Browser: the town fills and submits its month (web and Excel), the lead unit returns it with a reason,
the town fixes and resubmits, the lead unit approves."""

import io

import pytest
from openpyxl import load_workbook

from kechuang.reporting.choices import SubmissionStatus as S
from kechuang.reporting.models import TaskReport

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _fill_url(live_server, plan, month=5):
    return f"{live_server.url}/reporting/{plan.code}/fill/{plan.year}/{month}/"


def _logout(page):
    page.click("text=退出")
    page.wait_for_load_state()


def test_town_submits_lead_returns_town_fixes_lead_approves(login_page, live_server, plan, personas):
    page = login_page("town")
    page.goto(_fill_url(live_server, plan))
    assert "本月填报 · 武胜关镇" in page.content()
    assert page.get_by_test_id("burden-to-fill").inner_text() == "8"
    cards = page.locator("[data-testid^='task-']")
    assert cards.count() == 8
    for i in range(cards.count()):
        card = cards.nth(i)
        card.locator("input[name$='-percent_complete']").fill("35")
        card.locator("textarea[name$='-narrative']").fill("本月走访企业 6 家，召开推进会 1 次")
    page.get_by_test_id("submit").click()
    page.wait_for_load_state()
    assert "已报送，等待牵头单位审核" in page.content()
    six = TaskReport.objects.get(unit=personas["town"].unit, task__number="（六）")
    assert six.status == S.SUBMITTED
    _logout(page)

    page = login_page("lead")
    page.goto(f"{live_server.url}/reporting/{plan.code}/review/")
    card = page.get_by_test_id("review-武胜关镇-（六）")
    card.locator("input[name=reason]").fill("请写明走访的企业名称")
    card.get_by_test_id("return").click()
    # The queue swaps just this card (htmx): wait for it, not for a page load.
    page.locator("[data-testid=review-done]").first.wait_for()
    assert "已退回修改" in page.content()
    _logout(page)

    page = login_page("town")
    page.goto(_fill_url(live_server, plan))
    assert "请写明走访的企业名称" in page.get_by_test_id("return-reason").inner_text()
    card = page.get_by_test_id("task-（六）")
    card.locator("textarea[name$='-narrative']").fill("走访甲科技、乙机械等 6 家企业，召开推进会 1 次")
    page.get_by_test_id("submit").click()
    page.wait_for_load_state()
    assert "已报送" in page.content()
    _logout(page)

    page = login_page("lead")
    page.goto(f"{live_server.url}/reporting/{plan.code}/review/")
    page.get_by_test_id("review-武胜关镇-（六）").get_by_test_id("approve").click()
    page.locator("[data-testid=review-done]").first.wait_for()
    assert "已审核通过" in page.content()
    six.refresh_from_db()
    assert six.status == S.APPROVED and six.narrative.startswith("走访甲科技")
    assert list(six.events.values_list("action", flat=True)) == [
        "created", "saved", "submitted", "returned", "saved", "submitted", "approved"]


def test_town_fills_the_month_offline_in_excel_and_uploads_it(login_page, live_server, plan, personas, tmp_path):
    page = login_page("town")
    page.goto(_fill_url(live_server, plan, month=6))
    with page.expect_download() as info:
        page.click("text=下载 Excel 填报表")
    path = tmp_path / "form.xlsx"
    info.value.save_as(path)
    wb = load_workbook(path)
    sheet = wb["任务进展"]
    for r in range(2, sheet.max_row + 1):
        sheet.cell(row=r, column=5).value = 50
        sheet.cell(row=r, column=6).value = "线下填报：完成月度计划"
        sheet.cell(row=r, column=9).value = "报送"
    buf = io.BytesIO()
    wb.save(buf)
    path.write_bytes(buf.getvalue())
    page.get_by_test_id("excel-file").set_input_files(str(path))
    page.get_by_test_id("excel-upload").click()
    page.wait_for_load_state()
    assert "已导入" in page.content()
    rows = TaskReport.objects.filter(unit=personas["town"].unit, period__month=6)
    assert rows.count() == 8 and {r.status for r in rows} == {S.SUBMITTED}
