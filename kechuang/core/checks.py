"""Deployment checks of the runtime (`manage.py check --deploy`, `make check-deploy`): task queue, shared state.

Several web nodes (KECHUANG_WEB_NODES > 1) need what every node sees alike: PostgreSQL, not a SQLite file; a Redis
cache, not each process's memory. The queue must not run jobs in the web process nor redeliver a running job.
"""

from __future__ import annotations

from django.conf import settings
from django.core.cache import cache
from django.core.checks import Error, Tags, Warning, register
from django.db import DatabaseError

from . import fingerprint


@register(Tags.caches, Tags.database, deploy=True)
def runtime_settings(app_configs, **kwargs):
    problems = []
    q = settings.Q_CLUSTER
    if q.get("sync"):
        problems.append(Error("后台任务配置为在 Web 进程内同步执行（Q_CLUSTER sync=True）",
                              hint="生产环境须由 django-q2 任务进程（manage.py qcluster）执行", id="kechuang.E101"))
    if q.get("retry", 0) <= q.get("timeout", 0):
        problems.append(Error("任务重投时间（retry）不大于任务超时（timeout），运行中的任务会被重复执行",
                              hint="KECHUANG_TASK_TIMEOUT 决定两者，请勿单独修改 retry", id="kechuang.E102"))
    nodes = settings.KECHUANG_WEB_NODES
    engine = settings.DATABASES["default"]["ENGINE"]
    cache_backend = settings.CACHES["default"]["BACKEND"]
    if nodes > 1 and "sqlite" in engine:
        problems.append(Error(f"配置了 {nodes} 个 Web 节点，但数据库是 SQLite 文件（只适用于单机）",
                              hint="设置 DATABASE_URL=postgres://…", id="kechuang.E103"))
    if nodes > 1 and "locmem" in cache_backend.lower():
        problems.append(Warning(f"配置了 {nodes} 个 Web 节点，但缓存在各进程内存中，各节点互不共享",
                                hint="设置 KECHUANG_REDIS_URL=redis://主机:6379/0（缓存与任务队列共用）",
                                id="kechuang.W101"))
    if getattr(settings, "REDIS_URL", ""):
        try:
            cache.set("kechuang:deploy-check", "1", 10)
            reachable = cache.get("kechuang:deploy-check") == "1"
        except Exception:  # noqa: BLE001 - unreachable Redis is the finding, not a crash of the check
            reachable = False
        if not reachable:
            problems.append(Error("KECHUANG_REDIS_URL 已设置，但 Redis 无法连接", hint="检查 Redis 服务与地址",
                                  id="kechuang.E104"))
    return problems


@register(Tags.database, deploy=True)
def fingerprint_triggers(app_configs, **kwargs):
    """Cached figures follow the data through the fingerprint's triggers; a database restored from elsewhere or
    edited by hand may lack them, and then the figures would not follow a change for up to ten minutes."""
    try:
        if not fingerprint.migrated():  # no tables yet: migrate makes them, and the triggers with them
            return []
        missing = fingerprint.expected_triggers() - fingerprint.trigger_names()
    except DatabaseError:  # no database to read: the database checks report that
        return []
    if not missing:
        return []
    return [Error(f"数据指纹触发器缺失 {len(missing)} 个（如 {sorted(missing)[0]}），"
                  "看板等缓存数据不会随数据变化及时更新",
                  hint="运行 manage.py migrate（迁移后自动重建触发器）", id="kechuang.E105")]
