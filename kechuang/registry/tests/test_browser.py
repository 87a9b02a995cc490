import pytest

from kechuang.plans.models import Indicator
from kechuang.registry.models import Enterprise, HighTechCertificate
from kechuang.registry.tests import xlsx
from kechuang.registry.validators import synthetic_uscc

CERT_HEADERS = ["企业（统一社会信用代码）", "证书编号", "发证日期", "首次认定"]


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_a_town_imports_fixes_commits_and_sees_the_indicator_drill_down_change(
    live_server, login_page, plan, personas, tmp_path
):
    good, bad = synthetic_uscc(700001), "91421381MA70000"
    broken = tmp_path / "企业.xlsx"
    broken.write_bytes(
        xlsx.workbook_bytes(
            [
                xlsx.enterprise_row(good, "演示浏览器测试科技有限公司", town=""),
                xlsx.enterprise_row(bad, "演示代码有误有限公司", town=""),
            ]
        )
    )
    page = login_page("town")
    page.goto(live_server.url + "/registry/enterprises/import/")
    page.set_input_files("input[type=file]", str(broken))
    page.click("text=上传并校验")
    errors = page.locator("[data-testid=import-errors]")
    errors.wait_for()
    text = errors.inner_text()
    assert "企业" in text and "3" in text and "A" in text and "18位" in text
    assert Enterprise.objects.count() == 0

    fixed = tmp_path / "企业-修改后.xlsx"
    fixed.write_bytes(
        xlsx.workbook_bytes(
            [
                xlsx.enterprise_row(good, "演示浏览器测试科技有限公司", town=""),
                xlsx.enterprise_row(synthetic_uscc(700002), "演示代码有误有限公司", town=""),
            ]
        )
    )
    page.goto(live_server.url + "/registry/enterprises/import/")
    page.set_input_files("input[type=file]", str(fixed))
    page.click("text=上传并校验")
    page.locator("[data-testid=import-preview]").wait_for()
    page.click("text=确认导入")
    page.locator("[data-testid=import-done]").wait_for()
    assert Enterprise.objects.filter(town=personas["town"].unit).count() == 2

    indicator = Indicator.objects.get(plan=plan, code="HNTE_NEW")
    drill = f"{live_server.url}/metrics/indicators/{indicator.pk}/?date=2022-09-30"
    page.goto(drill)
    before = page.locator("[data-testid=resolved-value]").inner_text()
    assert before.startswith("0")

    certs = tmp_path / "证书.xlsx"
    certs.write_bytes(
        xlsx.workbook_bytes(
            [[good, "GR202242000777", "2022年3月15日", "是"]], headers=CERT_HEADERS, sheet="高新技术企业证书"
        )
    )
    page.goto(live_server.url + "/registry/certificates/import/")
    page.set_input_files("input[type=file]", str(certs))
    page.click("text=上传并校验")
    page.locator("[data-testid=import-preview]").wait_for()
    page.click("text=确认导入")
    page.locator("[data-testid=import-done]").wait_for()
    assert HighTechCertificate.objects.count() == 1

    page.goto(drill)
    assert page.locator("[data-testid=resolved-value]").inner_text().startswith("1")
    assert "GR202242000777" in page.locator("[data-testid=records]").inner_text()
