"""The API: ETag / If-Match (412, 428), conflicts and locks (409), drafts out of scope (404), transitions."""

import json

import pytest

from kechuang.reporting import services
from kechuang.reporting.choices import SubmissionStatus as S

from .helpers import filled, submitted_town_report, town_report

pytestmark = pytest.mark.django_db


def _put(client, url, body, etag=None):
    headers = {"HTTP_IF_MATCH": etag} if etag is not None else {}
    return client.put(url, json.dumps(body), content_type="application/json", **headers)


def test_get_returns_an_etag_and_put_needs_the_matching_if_match(plan, personas, client_for):
    row = town_report(plan, personas)
    c = client_for("town")
    url = f"/api/reporting/task-reports/{row.pk}"
    got = c.get(url)
    assert got.status_code == 200 and got["ETag"] == f'"{row.version}"'
    assert _put(c, url, {"narrative": "接口填报"}).status_code == 428
    ok = _put(c, url, {"narrative": "接口填报", "percent_complete": "55"}, got["ETag"])
    assert ok.status_code == 200 and ok.json()["narrative"] == "接口填报" and ok["ETag"] == f'"{row.version + 1}"'
    stale = _put(c, url, {"narrative": "旧版本覆盖"}, got["ETag"])
    assert stale.status_code == 412
    row.refresh_from_db()
    assert row.narrative == "接口填报"


def test_an_approved_report_is_locked_on_the_api(plan, personas, client_for):
    row = submitted_town_report(plan, personas)
    services.approve(row, user=personas["lead"])
    c = client_for("town")
    resp = _put(c, f"/api/reporting/task-reports/{row.pk}", {"narrative": "改"}, f'"{row.version}"')
    assert resp.status_code == 409 and "锁定" in resp.json()["detail"]
    assert c.post(f"/api/reporting/task-reports/{row.pk}/submit").status_code == 409


def test_drafts_are_not_found_for_other_units_on_the_api(plan, personas, client_for):
    row = filled(town_report(plan, personas), personas["town"])
    for name in ("lead", "office", "leader", "town_b"):
        c = client_for(name)
        assert c.get(f"/api/reporting/task-reports/{row.pk}").status_code == 404
        listed = c.get(f"/api/reporting/{plan.code}/task-reports").json()
        assert row.pk not in [r["id"] for r in listed]


def test_the_whole_cycle_over_the_api(plan, personas, client_for):
    town, lead = client_for("town"), client_for("lead")
    row = filled(town_report(plan, personas), personas["town"])
    base = f"/api/reporting/task-reports/{row.pk}"
    assert town.post(f"{base}/submit").json()["status"] == S.SUBMITTED
    assert town.post(f"{base}/approve").status_code == 403
    r = lead.post(f"{base}/return", json.dumps({"reason": ""}), content_type="application/json")
    assert r.status_code == 422
    r = lead.post(f"{base}/return", json.dumps({"reason": "补充数据"}), content_type="application/json")
    assert r.json()["status"] == S.RETURNED and r.json()["return_reason"] == "补充数据"
    assert town.post(f"{base}/submit").json()["status"] == S.SUBMITTED
    assert lead.post(f"{base}/approve").json()["status"] == S.APPROVED
    assert lead.post(f"{base}/reopen").status_code == 403
    assert client_for("office").post(f"{base}/reopen").json()["status"] == S.RETURNED


def test_a_stale_version_in_an_action_body_is_a_conflict(plan, personas, client_for):
    row = submitted_town_report(plan, personas)
    resp = client_for("lead").post(f"/api/reporting/task-reports/{row.pk}/approve",
                                   json.dumps({"version": row.version - 1}), content_type="application/json")
    assert resp.status_code == 409
    row.refresh_from_db()
    assert row.status == S.SUBMITTED


def test_a_unit_opens_its_report_for_a_month_over_the_api(plan, personas, client_for):
    from .helpers import task

    t = task(plan)
    resp = client_for("town").post(f"/api/reporting/{plan.code}/periods/202205/tasks/{t.pk}/report")
    assert resp.status_code == 200 and resp.json()["status"] == S.DRAFT and resp["ETag"] == '"1"'
    again = client_for("town").post(f"/api/reporting/{plan.code}/periods/202205/tasks/{t.pk}/report")
    assert again.json()["id"] == resp.json()["id"]
