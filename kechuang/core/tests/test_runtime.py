"""The production runtime: no web-process threads, /healthz for a load balancer, deployment checks of the queue
and shared state."""

import datetime as dt
import re
from pathlib import Path

import pytest
from django.core.checks import run_checks
from django.test import override_settings
from django.utils import timezone

PACKAGE = Path(__file__).resolve().parents[2]


def test_no_module_outside_the_tests_imports_threading():
    offenders = []
    for path in PACKAGE.rglob("*.py"):
        rel = path.relative_to(PACKAGE)
        if "tests" in rel.parts:
            continue
        text = path.read_text(encoding="utf-8")
        if re.search(r"^\s*(import threading|from threading import)|\bthreading\.", text, re.MULTILINE):
            offenders.append(str(rel))
    assert offenders == [], f"long work goes through kechuang.core.jobs.enqueue, not threads: {offenders}"


@pytest.mark.django_db
def test_healthz_answers_json_without_a_login(client):
    response = client.get("/healthz")
    assert response.status_code == 200 and response["Content-Type"] == "application/json"
    body = response.json()
    assert body["status"] == "ok"
    assert {name for name, check in body["checks"].items() if check["ok"]} == {"database", "queue", "storage", "cache"}
    assert body["checks"]["queue"]["waiting"] == 0


@pytest.mark.django_db
def test_healthz_is_503_when_the_oldest_queued_task_has_waited_too_long(client):
    from django_q.brokers import get_broker
    from django_q.models import OrmQ

    key = get_broker().list_key
    OrmQ.objects.create(key=key, payload="fresh", lock=timezone.now())
    assert client.get("/healthz").status_code == 200
    OrmQ.objects.create(key=key, payload="old", lock=timezone.now() - dt.timedelta(hours=1))
    response = client.get("/healthz")
    queue = response.json()["checks"]["queue"]
    assert response.status_code == 503 and queue["ok"] is False and queue["waiting"] == 2
    assert queue["oldest_seconds"] >= 3600
    # A task a worker has taken (locked into the future) is not waiting.
    OrmQ.objects.filter(payload="old").update(lock=timezone.now() + dt.timedelta(minutes=30))
    assert client.get("/healthz").status_code == 200


@pytest.mark.django_db
def test_healthz_is_503_when_storage_cannot_be_written(client, tmp_path):
    blocked = tmp_path / "file"
    blocked.write_text("a file where a directory should be")
    storages = {"default": {"BACKEND": "django.core.files.storage.FileSystemStorage",
                            "OPTIONS": {"location": str(blocked)}},
                "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}
    with override_settings(STORAGES=storages):
        response = client.get("/healthz")
    body = response.json()
    assert response.status_code == 503 and body["checks"]["storage"]["ok"] is False
    assert body["checks"]["database"]["ok"] is True


def _ids(**overrides):
    with override_settings(**overrides):
        return {m.id for m in run_checks(include_deployment_checks=True, tags=["caches"])}


@pytest.mark.django_db
def test_deploy_checks_want_postgresql_and_redis_for_several_web_nodes(settings):
    assert not {"kechuang.W101", "kechuang.E103"} & _ids(KECHUANG_WEB_NODES=1)
    found = _ids(KECHUANG_WEB_NODES=3)
    assert "kechuang.W101" in found  # the cache is each process's memory
    sqlite = "sqlite" in settings.DATABASES["default"]["ENGINE"]
    assert ("kechuang.E103" in found) == sqlite


def test_deploy_checks_refuse_inline_jobs_and_a_retry_shorter_than_the_timeout(settings):
    assert "kechuang.E101" in _ids(Q_CLUSTER={**settings.Q_CLUSTER, "sync": True})
    assert "kechuang.E102" in _ids(Q_CLUSTER={**settings.Q_CLUSTER, "sync": False, "retry": 60, "timeout": 1800})
