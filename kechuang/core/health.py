"""Health of one node for a load balancer (/healthz): database, task queue, storage and cache.

Each check answers {"ok": bool, "ms": float, ...}; the node is healthy when all pass. The queue check fails when
the oldest task still waiting is older than KECHUANG_HEALTH_QUEUE_MAX_AGE seconds (no worker is taking tasks).
Nothing here names a user, a row or a secret: the answer is public.
"""

from __future__ import annotations

import time
import uuid

from django.conf import settings
from django.core.cache import cache
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import connection
from django.db.models import Count, Min
from django.utils import timezone
from django_q.brokers import get_broker
from django_q.models import OrmQ
from django_q.signing import SignedPackage


def _timed(check) -> dict:
    start = time.perf_counter()
    try:
        result = check()
    except Exception as exc:  # noqa: BLE001 - any failure is an unhealthy answer, never a traceback
        result = {"ok": False, "error": f"{type(exc).__name__}"}
    result["ms"] = round((time.perf_counter() - start) * 1000, 1)
    return result


def check_database() -> dict:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()
    return {"ok": True, "vendor": connection.vendor}


def oldest_queued_age() -> tuple[float | None, int]:
    """(seconds the oldest waiting task has waited, number waiting); None when the queue is empty."""
    broker = get_broker()
    now = timezone.now()
    if settings.Q_CLUSTER.get("orm"):
        # Waiting = not locked by a worker (lock is the enqueue time until a worker takes it).
        agg = OrmQ.objects.using(settings.Q_CLUSTER["orm"]).filter(key=broker.list_key, lock__lte=now).aggregate(
            n=Count("id"), oldest=Min("lock"))
        return ((now - agg["oldest"]).total_seconds() if agg["oldest"] else None), agg["n"]

    waiting = broker.queue_size()
    head = broker.connection.lindex(broker.list_key, 0)  # the Redis broker pushes right, pops left
    if head is None:
        return None, waiting
    return (now - SignedPackage.loads(head)["started"]).total_seconds(), waiting


def check_queue() -> dict:
    age, waiting = oldest_queued_age()
    limit = settings.KECHUANG_HEALTH_QUEUE_MAX_AGE
    return {"ok": age is None or age <= limit, "waiting": waiting,
            "oldest_seconds": None if age is None else round(age, 1), "limit_seconds": limit}


def check_storage() -> dict:
    name = default_storage.save(f"healthz/{uuid.uuid4().hex}.txt", ContentFile(b"ok"))
    try:
        with default_storage.open(name, "rb") as handle:
            ok = handle.read() == b"ok"
    finally:
        default_storage.delete(name)
    return {"ok": ok}


def check_cache() -> dict:
    key, value = f"healthz:{uuid.uuid4().hex}", uuid.uuid4().hex
    cache.set(key, value, 30)
    ok = cache.get(key) == value
    cache.delete(key)
    backend = settings.CACHES["default"]["BACKEND"].rsplit(".", 1)[-1]
    return {"ok": ok, "backend": backend}


CHECKS = {"database": check_database, "queue": check_queue, "storage": check_storage, "cache": check_cache}


def health() -> dict:
    checks = {name: _timed(check) for name, check in CHECKS.items()}
    if not checks["database"]["ok"]:  # the queue (ORM broker) lives in the database too
        checks["queue"] = {**checks["queue"], "ok": False}
    return {"status": "ok" if all(c["ok"] for c in checks.values()) else "fail", "checks": checks}
