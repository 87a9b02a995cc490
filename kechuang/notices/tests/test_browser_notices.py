"""Browser, 390 px phone: a returned report reaches the town's filer as a bell badge; one tap opens the notice
centre, another opens the filing page and marks the notice read."""

import pytest

from kechuang.notices import services
from kechuang.notices.models import NoticeKind


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_a_filer_sees_the_unread_badge_and_opens_the_notice_on_a_phone(login_page, live_server, plan, personas):
    services.notify(NoticeKind.RETURNED, unit=personas["town"].unit, plan=plan, title="任务进展报告被退回：2022年5月",
                    body="退回原因：请补充佐证材料", link="/reporting/")
    page = login_page("town")
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(live_server.url + "/")
    assert page.get_by_test_id("unread-count").inner_text() == "1"
    page.get_by_test_id("notice-bell").click()
    notice = page.get_by_test_id("notice").first
    assert "退回原因：请补充佐证材料" in notice.inner_text() and "未读" in notice.inner_text()
    notice.get_by_role("button", name="查看详情").click()
    page.wait_for_load_state()
    assert "/reporting/" in page.url
    assert page.get_by_test_id("unread-count").count() == 0
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
