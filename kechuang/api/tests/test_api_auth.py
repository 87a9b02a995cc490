"""API authentication: bearer tokens and sessions, scoped like the web."""

import pytest
from django.test import Client

from kechuang.accounts.models import APIToken


@pytest.mark.django_db
def test_a_bearer_token_sees_what_its_user_sees(personas):
    _, key = APIToken.issue(personas["town"], "integration")
    client = Client()
    tasks = client.get("/api/plans/guangshui-2022/tasks", HTTP_AUTHORIZATION=f"Bearer {key}").json()
    numbers = {t["number"] for t in tasks}
    assert "（六）" in numbers and "（四）" not in numbers
    assert client.get("/api/plans/", HTTP_AUTHORIZATION="Bearer wrong").status_code == 401
    assert APIToken.objects.get(prefix=key[:8]).key_hash != key  # only the hash is stored


@pytest.mark.django_db
def test_the_openapi_document_and_offline_docs_load(client_for):
    client = client_for("office")
    spec = client.get("/api/openapi.json").json()
    assert spec["openapi"].startswith("3.") and "/api/plans/" in spec["paths"]
    docs = client.get("/api/docs").content.decode()
    assert "cdn" not in docs.lower()
