"""Browser: the office generates, edits, issues and downloads the Q2 bulletin."""

import io

import pytest
from docx import Document

from kechuang.bulletins.models import Bulletin
from kechuang.documents.gbt9704 import document_text


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_the_office_generates_edits_issues_and_downloads_the_q2_bulletin(login_page, live_server, plan, personas):
    page = login_page("office")
    page.goto(live_server.url + "/bulletins/")
    page.select_option("#id_quarter", "2022Q2")
    page.get_by_role("button", name="生成通报草稿").click()
    page.wait_for_load_state()
    assert "关于2022年第二季度科技创新工作推进情况的通报" in page.content()
    assert "草稿" in page.get_by_test_id("status").inner_text()

    page.fill("#id_summary", "上半年全市科技创新工作总体平稳（浏览器修改）。")
    page.fill("#id_next_steps", "三季度重点抓高企申报。")
    page.get_by_role("button", name="保存修改").click()
    page.wait_for_load_state()
    assert page.locator("#id_summary").input_value() == "上半年全市科技创新工作总体平稳（浏览器修改）。"

    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_test_id("issue").click()
    page.wait_for_load_state()
    assert "2022年第1期" in page.get_by_test_id("status").inner_text()
    assert "上半年全市科技创新工作总体平稳（浏览器修改）。" in page.get_by_test_id("summary").inner_text()

    with page.expect_download() as info:
        page.get_by_test_id("download-docx").click()
    path = info.value.path()
    data = open(path, "rb").read()
    text = document_text(data)
    assert "上半年全市科技创新工作总体平稳（浏览器修改）。" in text and "三季度重点抓高企申报。" in text
    assert "2022年第1期" in text
    assert Document(io.BytesIO(data)).sections[0].top_margin is not None
    bulletin = Bulletin.objects.get(plan=plan, year=2022, quarter=2)
    assert bulletin.is_issued and bulletin.issue_no == 1


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_the_office_picks_reorders_and_rewords_highlights_edits_next_steps_and_issues(
        login_page, live_server, plan, personas):
    import datetime as dt

    from kechuang.bulletins.tests.factories import quarter_data
    from kechuang.supervision.tests.helpers import stat_indicator, stat_value

    quarter_data(plan, personas)
    ahead = stat_indicator(plan, target=100)  # 80 at half year: 30 points ahead of 序时进度
    stat_value(ahead, dt.date(2022, 6, 30), 80)
    page = login_page("office")
    page.goto(live_server.url + "/bulletins/")
    page.select_option("#id_quarter", "2022Q2")
    page.get_by_role("button", name="生成通报草稿").click()
    page.wait_for_load_state()
    choices = page.get_by_test_id("highlight-choices")
    rows = choices.locator("[data-key]")
    keys = [rows.nth(i).get_attribute("data-key") for i in range(rows.count())]
    assert f"ind-ahead-{ahead.pk}" in keys and len(keys) >= 2
    other = next(k for k in keys if k != f"ind-ahead-{ahead.pk}")
    for box in choices.locator("input[type=checkbox]").all():
        box.uncheck()
    choices.locator(f"#hl-ind-ahead-{ahead.pk}").check()
    choices.locator(f"[name='highlight_order_ind-ahead-{ahead.pk}']").fill("2")
    choices.locator(f"#hl-{other}").check()
    choices.locator(f"[name='highlight_order_{other}']").fill("1")
    choices.locator(f"[name='highlight_text_{other}']").fill("办公室改写：上半年各镇进展总体平稳。")
    page.fill("#id_next_steps", "1.三季度重点抓高企申报。\n2.十月底前完成平台备案。")
    page.get_by_role("button", name="保存修改").click()
    page.wait_for_load_state()
    items = page.get_by_test_id("highlights").locator("li").all_inner_texts()
    assert items[0] == "办公室改写：上半年各镇进展总体平稳。"
    assert items[1].startswith(f"“{ahead.name}”") and len(items) == 2

    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_test_id("issue").click()
    page.wait_for_load_state()
    assert "2022年第1期" in page.get_by_test_id("status").inner_text()
    with page.expect_download() as info:
        page.get_by_test_id("download-docx").click()
    texts = [p.text for p in Document(info.value.path()).paragraphs]
    start = texts.index("二、工作亮点")
    assert texts[start + 1] == "1.办公室改写：上半年各镇进展总体平稳。"
    assert texts[start + 2].startswith(f"2.“{ahead.name}”") and texts[start + 3] == "三、存在问题"
    assert "1.三季度重点抓高企申报。" in texts and "2.十月底前完成平台备案。" in texts


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_a_leader_reads_the_issued_bulletin_on_a_390_px_phone_without_horizontal_scroll(
        login_page, live_server, plan, personas):
    from kechuang.bulletins import services
    from kechuang.bulletins.tests.factories import quarter_data

    quarter_data(plan, personas)
    office = personas["office"]
    bulletin = services.issue_bulletin(services.draft_bulletin(plan, 2022, 2, user=office), user=office)
    page = login_page("leader")
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(f"{live_server.url}/bulletins/{bulletin.pk}/")
    assert page.get_by_test_id("att-indicators").is_visible()
    overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
    assert overflow <= 0, f"{overflow}px of horizontal scroll at 390 px"
    # Each figure leads to its drill-down.
    link = page.get_by_test_id("att-indicators").locator("tbody a").first
    assert "/metrics/indicators/" in link.get_attribute("href") and "date=2022-06-30" in link.get_attribute("href")
    assert page.get_by_test_id("att-tasks").locator("a[href*='/tasks/']").count() == len(bulletin.snapshot["tasks"])
