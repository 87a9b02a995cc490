"""API tokens: no CSRF for bearer requests, expiry, listing and revocation by their owner, each audited; the API
description behind sign-in."""

import datetime as dt
import json

import pytest
from django.test import Client
from django.utils import timezone

from kechuang.accounts.models import APIToken
from kechuang.accounts.services import issue_token
from kechuang.audit.models import AuditEvent
from kechuang.reporting.tests.helpers import filled, town_report

pytestmark = pytest.mark.django_db


def test_a_bearer_token_writes_without_a_csrf_token(plan, personas):
    row = filled(town_report(plan, personas), personas["town"])
    _, key = issue_token(personas["town"], "对接")
    client = Client(enforce_csrf_checks=True)
    resp = client.post(f"/api/reporting/task-reports/{row.pk}/submit", HTTP_AUTHORIZATION=f"Bearer {key}")
    assert resp.status_code == 200, resp.content
    assert resp.json()["status"] == "submitted"


def test_a_session_write_still_needs_the_csrf_token(plan, personas):
    row = filled(town_report(plan, personas), personas["town"])
    client = Client(enforce_csrf_checks=True)
    client.force_login(personas["town"])
    assert client.post(f"/api/reporting/task-reports/{row.pk}/submit").status_code == 403


def test_expired_and_revoked_tokens_are_refused(plan, personas):
    token, key = issue_token(personas["town"], "对接", days=30)
    c = Client()
    assert c.get("/api/plans/", HTTP_AUTHORIZATION=f"Bearer {key}").status_code == 200
    APIToken.objects.filter(pk=token.pk).update(expires_at=timezone.now() - dt.timedelta(seconds=1))
    assert c.get("/api/plans/", HTTP_AUTHORIZATION=f"Bearer {key}").status_code == 401
    token2, key2 = issue_token(personas["town"], "对接2")
    assert token2.expires_at.date() == (timezone.now() + dt.timedelta(days=90)).date()
    owner = Client()
    owner.force_login(personas["town"])
    assert owner.post(f"/accounts/tokens/{token2.pk}/revoke/").status_code == 302
    assert c.get("/api/plans/", HTTP_AUTHORIZATION=f"Bearer {key2}").status_code == 401
    assert list(AuditEvent.objects.filter(action__startswith="token.").order_by("pk").values_list("action", flat=True)
                ) == ["token.issue", "token.issue", "token.revoke"]


def test_the_token_page_shows_a_new_key_once_and_lists_only_ones_own_tokens(personas, client_for):
    issue_token(personas["town_b"], "别人的令牌")
    c = client_for("town")
    page = c.post("/accounts/tokens/", {"name": "OA对接", "days": "30"}).content.decode()
    assert "只显示这一次" in page and "OA对接" in page and "别人的令牌" not in page
    key = page.split('data-testid="new-token">')[1].split("<code>")[1].split("</code>")[0]
    assert Client().get("/api/plans/", HTTP_AUTHORIZATION=f"Bearer {key}").status_code == 200
    assert "只显示这一次" not in c.get("/accounts/tokens/").content.decode()
    other = APIToken.objects.get(name="别人的令牌")
    assert c.post(f"/accounts/tokens/{other.pk}/revoke/").status_code == 404
    assert APIToken.objects.get(pk=other.pk).is_active


def test_the_api_description_needs_a_signed_in_user(personas, client_for):
    assert Client().get("/api/openapi.json").status_code == 302
    assert Client().get("/api/docs").status_code == 302
    spec = client_for("town").get("/api/openapi.json")
    assert spec.status_code == 200 and json.loads(spec.content)["openapi"].startswith("3.")


def test_signed_in_pages_and_downloads_are_never_cached(personas, client_for):
    c = client_for("office")
    for url in ("/", "/api/plans/", "/registry/talents/"):
        resp = c.get(url)
        assert "no-store" in resp.get("Cache-Control", ""), url
