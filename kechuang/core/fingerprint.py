"""The data fingerprint: one query that changes whenever a row the figures read changes.

Derived figures (the dashboard, the completeness matrix, badges) are cached under keys that end in
``data_version()``: the (row count, last change) of every table of the source apps, hashed. Any approval,
new value, registry edit or plan change gives a new fingerprint, so the next request recomputes.

Within one GET/HEAD request (``RequestMemoMiddleware``) the fingerprint is read once and reused (several cached
parts of a page share it); a write (``post_save``/``post_delete``) drops that memo, the end of the request closes
it, and outside a request nothing is memoised.
"""

from __future__ import annotations

import hashlib
import time
from contextvars import ContextVar

from django.apps import apps
from django.core.cache import cache
from django.db import connections
from django.db.models import CharField, Count, IntegerField, Max, Value
from django.db.models.functions import Cast

# Apps whose rows feed the figures (plan and targets, reports, statistics, registries, supervision).
SOURCE_APPS = ("plans", "org", "reporting", "metrics", "registry", "supervision")
CACHE_SECONDS = 600

# The SQL of the fingerprint query per (database alias, plan-scoped or not), built once per process (the models do
# not change); a scoped query has this marker where the plan's id goes.
_VERSION_SQL: dict[tuple, tuple] = {}
_PLAN_MARKER = -7_310_001
# What the GET request being served has read (fingerprints, flags); None outside a request.
_REQUEST_MEMO: ContextVar[dict | None] = ContextVar("kechuang_fingerprint_memo", default=None)


def _source_models():
    found = []
    for label in SOURCE_APPS:
        try:
            config = apps.get_app_config(label)
        except LookupError:
            continue
        for model in config.get_models():
            if model._meta.model_name.startswith("historical") or model._meta.proxy:
                continue
            names = {f.name for f in model._meta.concrete_fields}
            stamp = next((n for n in ("last_updated", "entered_at", "time", "updated") if n in names), None)
            found.append((model, stamp, _plan_path(model)))
    return found


def _plan_path(model) -> str | None:
    """The lookup from a row to its plan ("plan_id", "task__plan_id"…) through a required foreign key, or None
    for rows that belong to no plan (registries, units, the plans themselves)."""
    fields = {f.name: f for f in model._meta.concrete_fields}
    plan = fields.get("plan")
    if plan is not None and plan.is_relation and plan.related_model._meta.label == "plans.Plan":
        return "plan_id"
    for name, f in fields.items():
        if not f.is_relation or f.null or f.related_model is None:
            continue
        target = {g.name: g for g in f.related_model._meta.concrete_fields}.get("plan")
        if target is not None and not target.null and target.related_model._meta.label == "plans.Plan":
            return f"{name}__plan_id"
    return None


def _version_query(plan_id: int | None = None):
    """The fingerprint query; with ``plan_id``, rows that belong to a plan count only for that plan (the
    plan's own figures do not change when another county's reports do)."""
    parts = []
    for i, (model, stamp, path) in enumerate(_source_models()):
        qs = model._default_manager.order_by()
        if plan_id is not None and path is not None:
            qs = qs.filter(**{path: plan_id})
        qs = qs.annotate(k=Value(i, output_field=IntegerField())).values("k")
        last = Cast(Max(stamp), CharField()) if stamp else Value("", output_field=CharField())
        qs = qs.annotate(n=Count("pk"), m=last).values_list("k", "n", "m")
        parts.append(qs)
    return parts[0].union(*parts[1:], all=True) if len(parts) > 1 else parts[0]


def request_memo(key, compute):
    """``compute()`` once per GET/HEAD request (a write during it drops the memo); every call outside a request."""
    memo = _REQUEST_MEMO.get()
    if memo is None:
        return compute()
    if key not in memo:
        memo[key] = compute()
    return memo[key]


def data_version(using: str = "default", plan=None) -> str:
    """One query: (count, last change) of every source table, hashed; read once per GET request. With
    ``plan``, the tables of plan-owned rows (reports, values, tasks, periods…) are read for that plan only:
    the fingerprint of figures that are the plan's alone (its dashboard, its completeness matrix)."""
    plan_id = getattr(plan, "pk", plan)
    return request_memo(("data_version", using, plan_id), lambda: _read_version(using, plan_id))


def _read_version(using: str, plan_id: int | None) -> str:
    connection = connections[using]
    scoped = plan_id is not None
    built = _VERSION_SQL.get((using, scoped))
    if built is None:
        # Built once: the plan's id is a parameter (a marker value replaced on each call).
        built = _VERSION_SQL[(using, scoped)] = _version_query(_PLAN_MARKER if scoped else None).query.sql_with_params()
    sql, params = built
    if scoped:
        built = sql, tuple(plan_id if p == _PLAN_MARKER else p for p in params)
    if connection.vendor == "postgresql":
        rows = _fetch_prepared(connection, *built)
    else:
        with connection.cursor() as cursor:
            cursor.execute(*built)
            rows = cursor.fetchall()
    return hashlib.sha1(repr(sorted(tuple(str(v) for v in row) for row in rows)).encode()).hexdigest()


def _fetch_prepared(connection, sql: str, params) -> list:
    """Run the fingerprint query as a prepared statement of this PostgreSQL connection: planning its
    union of every source table costs more than running it (tens of ms), so it is planned once per
    connection (connections live ``CONN_MAX_AGE``), not once per request. Logged like any query."""
    import psycopg  # PostgreSQL only: SQLite installations do not need the driver

    text = connection.ops.compose_sql(sql, params)  # constant values inlined: nothing to bind
    start = time.monotonic()
    connection.ensure_connection()
    with connection.wrap_database_errors, psycopg.Cursor(connection.connection) as cursor:
        cursor.execute(text, prepare=True)
        rows = cursor.fetchall()
    if connection.queries_logged:
        connection.queries_log.append({"sql": text, "time": f"{time.monotonic() - start:.3f}"})
    return rows


def cached(key: str, compute, seconds: int = CACHE_SECONDS, plan=None):
    """``compute()`` cached under ``key`` + the data fingerprint (of ``plan``'s rows and every shared table when
    given — see ``data_version``): recomputed after any change of the data it may read."""
    full = f"{key}:{data_version(plan=plan)}"
    value = cache.get(full)
    if value is None:
        value = compute()
        cache.set(full, value, seconds)
    return value


class RequestMemoMiddleware:
    """Opens the memo for a GET/HEAD request and closes it when the view has answered, whatever happens."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        token = _REQUEST_MEMO.set({} if request.method in ("GET", "HEAD") else None)
        try:
            return self.get_response(request)
        finally:
            _REQUEST_MEMO.reset(token)


def forget(**kwargs) -> None:
    """A row written (``post_save``/``post_delete``, connected in CoreConfig.ready): the rest of the request reads
    the database again."""
    if _REQUEST_MEMO.get():
        _REQUEST_MEMO.set(None)
