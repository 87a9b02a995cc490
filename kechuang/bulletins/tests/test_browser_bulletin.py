"""Browser: the office generates, edits, issues and downloads the Q2 bulletin."""

import io

import pytest
from docx import Document

from kechuang.bulletins.gbt9704 import document_text
from kechuang.bulletins.models import Bulletin


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
