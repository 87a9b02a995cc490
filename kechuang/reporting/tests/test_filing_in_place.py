"""The filing page's in-place requests: autosave (same service and checks as 保存草稿), keep-alive, and evidence
uploads/deletions answered with the evidence block only (htmx)."""

import re

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse

from kechuang.reporting.choices import SubmissionStatus as S
from kechuang.reporting.models import Evidence, ReportEvent, TaskReport

from .files import exe_bytes, pdf_bytes, upload
from .helpers import period, task, town_report

pytestmark = pytest.mark.django_db
HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture(autouse=True)
def private_dir(settings, tmp_path):
    settings.PRIVATE_FILES_DIR = tmp_path / "private"


def _autosave_url(plan, month=5):
    return reverse("reporting:autosave", args=[plan.code, plan.year, month])


def test_autosave_saves_the_changed_row_as_a_draft_and_answers_the_new_version(plan, personas, client_for):
    key = f"t{task(plan).pk}"
    response = client_for("town").post(_autosave_url(plan), {
        f"{key}-version": "0", f"{key}-percent_complete": "30", f"{key}-narrative": "已走访企业 4 家"})
    assert response.status_code == 200
    data = response.json()
    assert data["ok"] and re.fullmatch(r"\d\d:\d\d", data["saved_at"])
    row = TaskReport.objects.get(task=task(plan), unit=personas["town"].unit, period=period(plan))
    assert row.status == S.DRAFT and row.narrative == "已走访企业 4 家" and data["versions"][key] == row.version
    # Only the posted row was touched: the unit's other tasks have no report yet.
    assert TaskReport.objects.filter(unit=personas["town"].unit, period=period(plan)).count() == 1


def test_autosave_refuses_bad_input_in_chinese_and_writes_nothing(plan, personas, client_for):
    row = town_report(plan, personas)
    key = f"t{row.task_id}"
    response = client_for("town").post(_autosave_url(plan), {
        f"{key}-version": str(row.version), f"{key}-percent_complete": "120", f"{key}-narrative": "超过"})
    assert response.status_code == 422
    data = response.json()
    assert not data["ok"] and "完成进度" in data["message"] and key in data["errors"]
    row.refresh_from_db()
    assert row.narrative != "超过"


def test_autosave_with_a_stale_version_is_a_conflict_not_an_overwrite(plan, personas, client_for):
    row = town_report(plan, personas)
    key = f"t{row.task_id}"
    response = client_for("town").post(_autosave_url(plan), {
        f"{key}-version": str(row.version - 1), f"{key}-narrative": "旧页面上的内容"})
    assert response.status_code == 409 and response.json()["conflict"]
    row.refresh_from_db()
    assert row.narrative != "旧页面上的内容"


def test_autosave_and_keepalive_without_a_session_go_to_the_login_page_and_save_nothing(plan, personas):
    anonymous = Client()
    key = f"t{task(plan).pk}"
    responses = (anonymous.post(_autosave_url(plan), {f"{key}-version": "0", f"{key}-narrative": "过期后输入"}),
                 anonymous.get(reverse("reporting:keepalive")))
    for response in responses:  # the page's script reads this redirect as "the session expired"
        assert response.status_code == 302 and response["Location"].startswith("/login/")
    assert not TaskReport.objects.filter(narrative="过期后输入").exists()


def test_a_lead_unit_cannot_autosave_into_a_town_row(plan, personas, client_for):
    row = town_report(plan, personas)
    key = f"t{row.task_id}"
    client_for("office").post(_autosave_url(plan), {f"{key}-version": str(row.version), f"{key}-narrative": "x"})
    row.refresh_from_db()
    assert row.narrative != "x"


def test_keepalive_renews_the_idle_session(plan, personas, client_for):
    c = client_for("town")
    response = c.get(reverse("reporting:keepalive"))
    assert response.status_code == 204
    assert c.cookies[settings.SESSION_COOKIE_NAME]["max-age"] in ("", settings.SESSION_COOKIE_AGE)
    assert c.session.get_expiry_age() == settings.SESSION_COOKIE_AGE


def test_an_htmx_upload_answers_the_evidence_block_with_the_new_version_out_of_band(plan, personas, client_for):
    t = task(plan)
    url = reverse("reporting:evidence_upload", args=[plan.code, plan.year, 5, t.pk])
    response = client_for("town").post(url, {"file": upload("会议纪要.pdf", pdf_bytes())}, **HTMX)
    assert response.status_code == 200
    html = response.content.decode()
    row = TaskReport.objects.get(task=t, unit=personas["town"].unit, period=period(plan))
    assert f'id="evb-{t.pk}"' in html and "已上传：会议纪要.pdf" in html and "会议纪要.pdf" in html
    assert f'id="t{t.pk}-version" name="t{t.pk}-version" value="{row.version}" hx-swap-oob="true"' in html
    assert "<html" not in html  # a fragment, not a page


def test_a_refused_htmx_upload_says_why_in_place_and_stores_nothing(plan, personas, client_for):
    t = task(plan)
    url = reverse("reporting:evidence_upload", args=[plan.code, plan.year, 5, t.pk])
    response = client_for("town").post(url, {"file": upload("名单.pdf", exe_bytes())}, **HTMX)
    assert response.status_code == 200
    html = response.content.decode()
    assert 'data-testid="evidence-error"' in html and "未上传（名单.pdf）：文件类型不允许" in html
    assert not Evidence.objects.filter(task_report__task=t).exists()


def test_an_htmx_delete_answers_the_block_without_the_file(plan, personas, client_for):
    from kechuang.reporting.evidence import add_evidence

    row = town_report(plan, personas)
    e = add_evidence(row, user=personas["town"], uploaded=upload("旧照片.pdf", pdf_bytes()))
    response = client_for("town").post(reverse("reporting:evidence_delete", args=[e.pk]), **HTMX)
    html = response.content.decode()
    assert response.status_code == 200 and "已删除：旧照片.pdf" in html
    assert "evidence_download" not in html and not Evidence.objects.filter(pk=e.pk).exists()
    assert ReportEvent.objects.filter(task_report=row, action="evidence_removed").exists()


def test_another_town_cannot_delete_the_file(plan, personas, client_for):
    from kechuang.reporting.evidence import add_evidence

    row = town_report(plan, personas)
    e = add_evidence(row, user=personas["town"], uploaded=upload("a.pdf", pdf_bytes()))
    response = client_for("town_b").post(reverse("reporting:evidence_delete", args=[e.pk]), **HTMX)
    assert response.status_code == 404 and Evidence.objects.filter(pk=e.pk).exists()
