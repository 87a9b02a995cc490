"""With KECHUANG_REDIS_URL the dashboard figures live in Redis, shared by every web node, keyed by the data
fingerprint: a node that did not compute them reads them, and a data change means new figures."""

import pytest
from django.core.cache import caches
from django.test import override_settings

from kechuang.reporting.benchdata import build_dataset
from kechuang.supervision import dashboard

pytestmark = pytest.mark.django_db
REDIS = "redis://127.0.0.1:6379/15"


def _redis_up() -> bool:
    try:
        import redis

        return redis.Redis.from_url(REDIS, socket_connect_timeout=1).ping()
    except Exception:  # noqa: BLE001 - no Redis on this machine: skip
        return False


@pytest.mark.skipif(not _redis_up(), reason="Redis not running on 127.0.0.1:6379")
def test_dashboard_figures_are_shared_through_redis_and_follow_the_data_fingerprint(monkeypatch):
    import datetime as dt

    plan, _user = build_dataset("rc", n_units=3, months=3, n_indicators=2, n_tasks=1)
    as_of = dt.date(2022, 4, 10)
    config = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS,
                          "KEY_PREFIX": f"kechuang-test-{plan.pk}"}}
    with override_settings(CACHES=config):
        caches["default"].clear()
        first = dashboard.dashboard_data(plan, as_of)
        import redis

        # Stored in Redis itself (what another node reads), not in this process's memory.
        assert redis.Redis.from_url(REDIS).keys(f"kechuang-test-{plan.pk}:*:supervision:dashboard:*:{plan.pk}:*")
        # Another node: it has never computed the figures and must not (the shared cache answers).
        monkeypatch.setattr(dashboard, "compute", lambda *a: pytest.fail("figures recomputed despite the cache"))
        assert dashboard.dashboard_data(plan, as_of) == first
        monkeypatch.undo()
        plan.save()  # any change of the source data changes the fingerprint
        calls = []
        real = dashboard.compute
        monkeypatch.setattr(dashboard, "compute", lambda *a: calls.append(a) or real(*a))
        dashboard.dashboard_data(plan, as_of)
        assert len(calls) == 1
        caches["default"].clear()
