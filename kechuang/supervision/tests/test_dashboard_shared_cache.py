"""With KECHUANG_REDIS_URL the dashboard figures live in Redis, shared by every web node, keyed by the data
fingerprint: a node that did not compute them reads them, and a data change means new figures."""

import datetime as dt

import pytest
from django.core.cache import caches
from django.db import connection
from django.test import override_settings
from django.test.utils import CaptureQueriesContext

from kechuang.registry.models import Enterprise
from kechuang.reporting.benchdata import build_dataset
from kechuang.reporting.services import ensure_periods
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


def _figures_read(plan, as_of) -> bool:
    """Whether serving the dashboard's figures read the reports (recomputed) rather than the cache."""
    with CaptureQueriesContext(connection) as ctx:
        dashboard.dashboard_data(plan, as_of)
    return any("reporting_indicatorvalue" in q["sql"] for q in ctx.captured_queries)


def test_an_enterprise_import_recomputes_only_dashboards_computed_from_the_registries(plan):
    """A county whose indicators are all reported keeps its cached figures when another county imports
    enterprises; the bundled plan (indicators computed from the registries) gets new figures."""


    reported, _user = build_dataset("rr", n_units=3, months=3, n_indicators=2, n_tasks=1)
    as_of = dt.date(2022, 4, 10)
    for p in (reported, plan):
        ensure_periods(p)  # the first computation would create the year's periods: a change of the plan's data
        assert _figures_read(p, as_of)
        assert not _figures_read(p, as_of)
    Enterprise.objects.create(uscc="91420981MA4F000X1Q", name="新导入企业")
    assert not _figures_read(reported, as_of)
    assert _figures_read(plan, as_of)
