"""Inputs that once gave server errors (schemathesis and a probe found them): each is now a 400/404/422 with a
Chinese message, on the API and on the web pages."""

import pytest
from django.test import Client

from kechuang.accounts.models import APIToken
from kechuang.org.models import Unit
from kechuang.registry.models import Enterprise
from kechuang.registry.validators import make_uscc

pytestmark = pytest.mark.django_db

HUGE = str(2**64)


@pytest.fixture
def office_api(personas):
    _, key = APIToken.issue(personas["office"], "bad-input")
    client = Client(HTTP_AUTHORIZATION=f"Bearer {key}")
    return client


def _refused(resp):
    assert 400 <= resp.status_code < 500, (resp.status_code, resp.content[:300])
    return resp


def test_a_year_outside_the_rule_versions_is_a_clear_refusal(office_api, plan):
    ent = Enterprise.objects.create(uscc=make_uscc("91421381MA4900001"), name="测试企业",
                                    town=Unit.objects.get(name="武胜关镇"))
    assert office_api.get(f"/api/policy/enterprises/{ent.pk}/evaluation?year=2021").status_code == 200
    for year in (1900, 2010, 9999):
        resp = _refused(office_api.get(f"/api/policy/enterprises/{ent.pk}/evaluation?year={year}"))
        assert "年" in resp.json()["detail"]


@pytest.mark.parametrize("url", [
    f"/api/registry/enterprises?offset={HUGE}",
    f"/api/registry/enterprises?town={HUGE}",
    f"/api/registry/enterprises/{HUGE}",
    f"/api/reporting/task-reports/{HUGE}",
    "/api/supervision/guangshui-2022/indicators?as_of=0001-01-01",
    "/api/supervision/guangshui-2022/tasks?as_of=0001-01-01",
    "/api/supervision/guangshui-2022/rankings?as_of=9999-12-31",
    "/api/supervision/guangshui-2022/indicators?as_of=2200-01-01",
    "/api/reporting/guangshui-2022/completeness/202205?as_of=0001-01-01",
])
def test_out_of_range_numbers_and_dates_are_refused_not_crashed(office_api, plan, url):
    resp = _refused(office_api.get(url))
    assert resp["Content-Type"].startswith("application/json")


def test_a_multipart_body_without_a_boundary_is_a_bad_request(office_api, plan):
    resp = _refused(office_api.put("/api/reporting/task-reports/1", b"x", content_type="multipart/form-data"))
    assert resp["Content-Type"].startswith("application/json")


@pytest.mark.parametrize("persona,url", [
    ("auditor", "/audit/?since=bad"),
    ("auditor", "/audit/?until=2022-13-45"),
    ("auditor", f"/audit/?since={HUGE}"),
    ("office", "/supervision/?as_of=0001-01-01"),
    ("office", "/supervision/?as_of=not-a-date"),
    ("office", "/reporting/guangshui-2022/status/?as_of=0001-01-01"),
])
def test_bad_dates_on_pages_are_a_400_page_naming_the_parameter(personas, plan, persona, url):
    c = Client()
    c.force_login(personas[persona])
    resp = c.get(url)
    assert resp.status_code == 400 and "请求有误" in resp.content.decode()


def test_nul_characters_are_refused_on_the_api_and_in_forms(plan, personas, client_for):
    import json

    from kechuang.reporting.tests.helpers import town_report

    row = town_report(plan, personas)
    c = client_for("town")
    got = c.get(f"/api/reporting/task-reports/{row.pk}")
    resp = c.put(f"/api/reporting/task-reports/{row.pk}", json.dumps({"narrative": "进展\u0000"}),
                 content_type="application/json", HTTP_IF_MATCH=got["ETag"])
    assert resp.status_code == 400 and "空字符" in resp.json()["detail"]
    row.refresh_from_db()
    assert "\x00" not in row.narrative
    assert c.get("/registry/enterprises/?q=a%00b").status_code == 400
    page = c.post(f"/reporting/{plan.code}/fill/{plan.year}/5/", {"narrative": "a\x00b"})
    assert page.status_code == 400


def test_a_body_larger_than_any_upload_is_refused_before_it_is_read(personas, client_for):
    from django.conf import settings

    c = client_for("town")
    resp = c.generic("POST", "/registry/enterprises/import/", b"x",
                     CONTENT_LENGTH=str(settings.KECHUANG_MAX_REQUEST_BYTES + 1), content_type="multipart/form-data")
    assert resp.status_code == 413


def test_a_form_post_without_a_multipart_boundary_is_a_bad_request(personas, client_for):
    resp = client_for("town").generic("POST", "/registry/enterprises/import/", b"--x\r\n",
                                      content_type="multipart/form-data")
    assert resp.status_code == 400 and "格式不正确" in resp.content.decode()


def test_validation_errors_name_the_parameter_in_chinese(office_api, plan):
    resp = office_api.get("/api/registry/enterprises?offset=abc&limit=0")
    assert resp.status_code == 422
    messages = [e["msg"] for e in resp.json()["detail"]]
    assert "查询参数“offset”应为整数" in messages and "查询参数“limit”不能小于 1" in messages
    assert not [m for m in messages if m.isascii()]
