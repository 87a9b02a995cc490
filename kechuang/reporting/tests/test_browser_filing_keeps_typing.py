"""Browser: a town filer never loses what it typed — evidence uploads (accepted or refused) and deletions happen in
place, drafts are autosaved, typing keeps the session alive, and after an expired session the text comes back
after login. Each journey on a desktop and on a 390 px phone."""

import pytest
from django.contrib.sessions.models import Session
from playwright.sync_api import expect

from kechuang.core.testing import PASSWORD
from kechuang.reporting.choices import SubmissionStatus as S
from kechuang.reporting.models import Evidence, TaskReport

from .files import exe_bytes, pdf_bytes

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

VIEWPORTS = {"desktop": {"width": 1366, "height": 768}, "phone": {"width": 390, "height": 844}}
TASK = "（六）"
AUTOSAVE_DELAY_MS = 3000  # filing.js: a change is saved 3 s after the last keystroke


@pytest.fixture(params=list(VIEWPORTS))
def viewport(request, page):
    page.set_viewport_size(VIEWPORTS[request.param])
    return request.param


@pytest.fixture(autouse=True)
def private_dir(settings, tmp_path):
    settings.PRIVATE_FILES_DIR = tmp_path / "private"


def _open(page, live_server, plan):
    page.goto(f"{live_server.url}/reporting/{plan.code}/fill/{plan.year}/5/")
    return page.get_by_test_id(f"task-{TASK}")


def _report(plan, personas):
    return TaskReport.objects.filter(unit=personas["town"].unit, task__plan=plan, task__number=TASK,
                                     period__month=5).first()


def _no_horizontal_scroll(page):
    assert page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth") <= 0


def test_uploads_and_deletions_keep_the_typed_text(login_page, live_server, plan, personas, viewport, tmp_path):
    good, bad = tmp_path / "推进会照片.pdf", tmp_path / "名单.pdf"
    good.write_bytes(pdf_bytes())
    bad.write_bytes(exe_bytes())
    page = login_page("town")
    card = _open(page, live_server, plan)
    narrative = card.locator("textarea[name$='-narrative']")
    narrative.fill("本月走访企业 6 家，尚未保存")
    card.locator("input[name$='-percent_complete']").fill("45")
    url = page.url

    card.locator("input[type=file]").set_input_files(str(bad))
    card.get_by_test_id("evidence-upload").click()
    expect(card.get_by_test_id("evidence-error")).to_contain_text("未上传（名单.pdf）：文件类型不允许")
    card.locator("input[type=file]").set_input_files(str(good))
    card.get_by_test_id("evidence-upload").click()
    expect(card.get_by_test_id("evidence-message")).to_have_text("已上传：推进会照片.pdf")
    expect(card.get_by_test_id("evidence-file")).to_have_count(1)
    assert page.url == url and narrative.input_value() == "本月走访企业 6 家，尚未保存"
    _no_horizontal_scroll(page)

    card.get_by_role("button", name="删除 推进会照片.pdf").click()
    expect(card.get_by_test_id("evidence-message")).to_have_text("已删除：推进会照片.pdf")
    expect(card.get_by_test_id("evidence-file")).to_have_count(0)
    assert narrative.input_value() == "本月走访企业 6 家，尚未保存"
    assert not Evidence.objects.exists()

    # The upload created the report: the form learnt its version, so 保存草稿 is not a conflict.
    page.get_by_test_id("save").click()
    expect(page.get_by_role("alert").first).to_have_text("草稿已保存")
    row = _report(plan, personas)
    assert row.narrative == "本月走访企业 6 家，尚未保存" and str(row.percent_complete) in ("45", "45.00")


def test_a_draft_is_autosaved_a_few_seconds_after_typing(login_page, live_server, plan, personas, viewport):
    page = login_page("town")
    page.clock.install()  # the page's timers on a clock the test moves on (time otherwise flows as usual)
    card = _open(page, live_server, plan)
    card.locator("textarea[name$='-problems']").fill("企业用地指标紧张")
    page.clock.run_for(AUTOSAVE_DELAY_MS - 500)
    expect(page.get_by_test_id("autosave-status")).not_to_contain_text("已自动保存")  # not yet
    page.clock.run_for(500)
    expect(page.get_by_test_id("autosave-status")).to_contain_text("已自动保存", timeout=10_000)
    assert page.get_by_test_id("autosave-status").inner_text().split()[-1].count(":") == 1  # hh:mm
    row = _report(plan, personas)
    assert row.status == S.DRAFT and row.problems == "企业用地指标紧张"
    # A second change saves again on the version the first one returned (no conflict).
    with page.expect_response(lambda r: "/autosave/" in r.url, timeout=10_000) as info:
        card.locator("textarea[name$='-problems']").fill("企业用地指标紧张，已协调自然资源局")
        page.clock.run_for(AUTOSAVE_DELAY_MS)
    assert info.value.json()["ok"]
    expect(page.get_by_test_id("autosave-status")).to_contain_text("已自动保存")
    row.refresh_from_db()
    assert row.problems == "企业用地指标紧张，已协调自然资源局"
    # Typing leaves a copy in the browser until the server has it; signing out on purpose removes it.
    card.locator("textarea[name$='-problems']").fill("尚未自动保存的内容")
    assert page.evaluate("Object.keys(localStorage).filter(k => k.startsWith('kc-draft:')).length") == 1
    page.get_by_role("button", name="退出").click()
    page.wait_for_load_state()
    assert page.evaluate("Object.keys(localStorage).filter(k => k.startsWith('kc-draft:')).length") == 0


def test_typing_keeps_the_session_alive_past_the_idle_limit(login_page, live_server, plan, personas, viewport,
                                                            settings):
    page = login_page("town")
    settings.SESSION_COOKIE_AGE = 6  # the idle limit, shortened (the page pings every 2 s of typing)
    card = _open(page, live_server, plan)
    pings = []
    page.on("request", lambda r: pings.append(r.url) if "/keepalive/" in r.url else None)
    text = "下月召开校企对接会，邀请高校专家到企业"
    card.locator("textarea[name$='-next_steps']").press_sequentially(text, delay=450)
    assert len(pings) >= 3  # ~9 s of typing, more than the 6 s idle limit
    page.get_by_test_id("save").click()
    expect(page.get_by_role("alert").first).to_have_text("草稿已保存")
    assert _report(plan, personas).next_steps == text


def test_after_an_expired_session_the_text_comes_back_after_login(login_page, live_server, plan, personas, viewport):
    page = login_page("town")
    card = _open(page, live_server, plan)
    narrative = card.locator("textarea[name$='-narrative']")
    Session.objects.all().delete()  # the session expired on the server while the page was open
    typed = "召开推进会 1 次，走访企业 8 家（会话已过期时填写）"
    narrative.fill(typed)
    # The first keystroke's keep-alive finds the session gone: the page says so and keeps the text.
    expect(page.get_by_test_id("autosave-status")).to_contain_text("登录已过期，填写内容已保留在本机")
    page.get_by_test_id("save").click()
    page.wait_for_url("**/login/**")
    expect(page.get_by_test_id("login-kept")).to_contain_text("已为您保留填写内容")
    page.fill("#id_username", "town")
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url("**/fill/**")
    expect(page.get_by_test_id("restored")).to_have_text("登录已过期，已为您保留填写内容")
    card = page.get_by_test_id(f"task-{TASK}")
    assert card.locator("textarea[name$='-narrative']").input_value() == typed
    _no_horizontal_scroll(page)
    page.get_by_test_id("save").click()
    expect(page.get_by_role("alert").first).to_have_text("草稿已保存")
    row = _report(plan, personas)
    assert row.status == S.DRAFT and row.narrative.endswith("（会话已过期时填写）")
    # The copy in the browser is gone once the server has the text.
    assert page.evaluate("Object.keys(localStorage).filter(k => k.startsWith('kc-draft:')).length") == 0


def test_the_demo_town_fixes_its_returned_month_and_types_its_share_of_an_indicator(login_page, live_server, plan,
                                                                                     personas, viewport):
    import random

    from kechuang.plans.models import Indicator
    from kechuang.reporting import demo
    from kechuang.reporting.models import IndicatorValue

    town = personas["town"]
    town.is_demo = True  # the demo's town account
    town.save(update_fields=["is_demo"])
    demo.generate(plan, random.Random(2022))
    ind = Indicator.objects.get(plan=plan, code=demo.UNIT_INDICATOR["code"])
    share = ind.shares.get(unit=town.unit).target

    page = login_page("town")
    page.goto(f"{live_server.url}/reporting/")  # the month in hand on the demo date: September
    assert page.url.endswith(f"/fill/{plan.year}/9/")
    expect(page.get_by_test_id("return-reason").first).to_contain_text("退回原因")
    row = page.get_by_test_id(f"indicator-{ind.code}")
    expect(row.get_by_test_id("share")).to_have_text(f"本单位 {share.normalize():f}家")
    page.clock.install()
    with page.expect_response(lambda r: "/autosave/" in r.url, timeout=10_000) as info:
        row.locator("input[name$='-value']").fill("3")
        page.clock.run_for(AUTOSAVE_DELAY_MS)
    assert info.value.json()["ok"]
    assert IndicatorValue.objects.get(indicator=ind, unit=town.unit, period__month=9).value == 3
    _no_horizontal_scroll(page)
    page.get_by_test_id("submit").click()
    expect(page.get_by_role("alert").first).to_have_text("已报送，等待牵头单位审核")
    assert not TaskReport.objects.filter(unit=town.unit, period__month=9, status=S.RETURNED).exists()
    assert IndicatorValue.objects.get(indicator=ind, unit=town.unit, period__month=9).status == S.SUBMITTED


def test_an_upload_that_fails_on_the_server_or_after_expiry_says_so_in_the_card(login_page, live_server, plan,
                                                                                 personas, viewport, settings,
                                                                                 tmp_path):
    big = tmp_path / "扫描件.pdf"
    big.write_bytes(pdf_bytes() + b"0" * 4096)
    page = login_page("town")
    card = _open(page, live_server, plan)
    narrative = card.locator("textarea[name$='-narrative']")
    narrative.fill("上传失败也不能丢的内容")

    settings.KECHUANG_MAX_REQUEST_BYTES = 2048  # the proxy-level body limit, shortened: the server answers 413
    card.locator("input[type=file]").set_input_files(str(big))
    card.get_by_test_id("evidence-upload").click()
    expect(card.get_by_test_id("evidence-error")).to_contain_text("操作未完成：文件过大（413）")
    settings.KECHUANG_MAX_REQUEST_BYTES = 32 * 1024 * 1024

    Session.objects.all().delete()
    card.locator("input[type=file]").set_input_files(str(big))
    card.get_by_test_id("evidence-upload").click()
    expect(card.get_by_test_id("evidence-error")).to_contain_text("登录已过期，文件未上传")
    assert card.locator("#id_password").count() == 0  # the login page was not swapped into the card
    assert narrative.input_value() == "上传失败也不能丢的内容"
    assert not Evidence.objects.exists()


def test_saving_while_an_autosave_is_on_its_way_waits_for_it_instead_of_a_conflict(login_page, live_server, plan,
                                                                                    personas, viewport):
    page = login_page("town")
    card = _open(page, live_server, plan)
    held = []
    page.route("**/autosave/", lambda route: held.append(route))  # hold the autosave request in the network
    page.clock.install()
    card.locator("textarea[name$='-narrative']").fill("第一段")
    page.clock.run_for(AUTOSAVE_DELAY_MS)
    for _ in range(50):
        if held:
            break
        page.wait_for_timeout(200)
    assert held, "no autosave was sent"
    card.locator("textarea[name$='-narrative']").fill("第一段，第二段（自动保存途中输入）")
    page.get_by_test_id("save").click()
    expect(page.get_by_test_id("autosave-status")).to_have_text("正在保存…")
    held[0].continue_()
    page.unroute("**/autosave/")
    expect(page.get_by_role("alert").first).to_have_text("草稿已保存")
    assert _report(plan, personas).narrative == "第一段，第二段（自动保存途中输入）"
