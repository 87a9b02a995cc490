"""The data fingerprint: one cheap read that changes whenever a row the figures read changes.

Derived figures (the dashboard, the completeness matrix, badges) are cached under keys that end in
``data_version()``. Database triggers on every table of the source apps (installed after each ``migrate``,
``install_triggers``) record each change, whatever wrote it: the ORM, ``bulk_create``, a queryset ``update``,
COPY or raw SQL. Rows that belong to a plan (reports, values, tasks, periods…) are recorded under that plan,
other rows (registries, units, the plans themselves) under scope 0; a plan's fingerprint reads its own scope and
scope 0, so another county's reports leave its cached figures alone. The registries (enterprises, talents,
patents…) have a scope of their own (``REGISTRY_SCOPE``): only figures computed from them read it
(``registry=True``, the default), so an enterprise import in one county does not flush the cached dashboards of
every county whose indicators are all reported. Bookkeeping rows (``UNTRACKED``: import and extraction jobs, key
conflicts) feed no figure and record no change: an import's progress updates would otherwise do the same.
- SQLite (one writer at a time): a row trigger adds one to the scope's counter in ``kechuang_datastamp``.
- PostgreSQL (many writers): a statement trigger appends one row per changed scope to ``kechuang_datachange``;
  appending takes no lock another writer waits on (a shared counter row would serialise writers and could
  deadlock two transactions writing two tables in opposite orders). The fingerprint is the sum of the scopes'
  row weights and their newest id, so a commit in any order changes it (a late commit of an older id still
  adds its weight). ``compact()`` (every few minutes in the task worker, and the daily tick) folds each scope's
  rows into its newest one, weights summed: the log stays short, so reading a fingerprint stays cheap on a busy
  day, and the fingerprints do not change (no cached figure is recomputed for it).
The change is recorded in the writing transaction: a reader sees the new fingerprint exactly when it sees the
new rows, and it reads the fingerprint before the figures, so no figures are ever cached under a newer key.

Within one GET/HEAD request (``RequestMemoMiddleware``) the fingerprint is read once and reused (several cached
parts of a page share it); a write (``post_save``/``post_delete``) drops that memo, the end of the request closes
it, and outside a request nothing is memoised.
"""

from __future__ import annotations

import functools
import hashlib
from contextlib import contextmanager
from contextvars import ContextVar

from django.apps import apps
from django.core.cache import cache
from django.db import connections, transaction

# Apps whose rows feed the figures (plan and targets, reports, statistics, registries, supervision).
SOURCE_APPS = ("plans", "org", "reporting", "metrics", "registry", "supervision")
# Jobs and their by-products: written while a job runs (progress, state), read by no figure.
UNTRACKED = ("registry.importjob", "registry.keyconflict", "plans.extractionjob")
REGISTRY_SCOPE = -1  # rows of the registry app: shared by every plan, read only by computed indicators
CACHE_SECONDS = 600
STAMP_TABLE = "kechuang_datastamp"  # SQLite: (scope, n)
CHANGE_TABLE = "kechuang_datachange"  # PostgreSQL: (id, scope), appended
TRIGGER_PREFIX = "kc_dv_"
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
            if model._meta.model_name.startswith("historical") or model._meta.proxy \
                    or model._meta.label_lower in UNTRACKED:
                continue
            found.append((model, _plan_path(model)))
    return found


def tracked(model) -> bool:
    """Whether a change of ``model``'s rows changes the shared fingerprint (``data_version(plan=0)``): a
    registry or another source model without a plan."""
    return model._meta.label_lower in _shared_labels()


@functools.cache
def _shared_labels() -> frozenset[str]:
    return frozenset(m._meta.label_lower for m, path in _source_models() if path is None or path == "registry")


def _untracked_tables() -> list[str]:
    tables = []
    for label in UNTRACKED:
        try:
            tables.append(apps.get_model(label)._meta.db_table)
        except LookupError:
            continue
    return tables


def _plan_path(model) -> tuple | None:
    """How a row reaches its plan: ``(plan column,)`` for a row with a plan, ``(fk column, parent table, parent
    key column, parent's plan column)`` through a required foreign key, ``"registry"`` for a registry row, or
    None for other rows of no plan (units, the plans themselves)."""
    if model._meta.app_label == "registry":
        return "registry"
    fields = {f.name: f for f in model._meta.concrete_fields}
    plan = fields.get("plan")
    if plan is not None and plan.is_relation and plan.related_model._meta.label == "plans.Plan":
        return (plan.column,)
    for f in fields.values():
        if not f.is_relation or f.null or f.related_model is None:
            continue
        target = {g.name: g for g in f.related_model._meta.concrete_fields}.get("plan")
        if target is not None and not target.null and target.related_model._meta.label == "plans.Plan":
            parent = f.related_model._meta
            return (f.column, parent.db_table, f.target_field.column, target.column)
    return None


def _scope_sql(path, row: str, qn) -> str:
    """SQL for the scope of ``row`` (a trigger's NEW/OLD or a transition table alias)."""
    if path is None:
        return "0"
    if path == "registry":
        return str(REGISTRY_SCOPE)
    if len(path) == 1:
        return f"COALESCE({row}.{qn(path[0])}, 0)"
    column, table, key, plan = path
    return f"COALESCE((SELECT p.{qn(plan)} FROM {qn(table)} p WHERE p.{qn(key)} = {row}.{qn(column)}), 0)"


def trigger_names(using: str = "default") -> set[str]:
    """The fingerprint triggers present in the database (a deployment check compares them with the tables)."""
    connection = connections[using]
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SELECT tgname FROM pg_trigger WHERE tgname LIKE %s", [TRIGGER_PREFIX + "%"])
        else:
            cursor.execute("SELECT name FROM sqlite_master WHERE type = 'trigger' AND name LIKE %s",
                           [TRIGGER_PREFIX + "%"])
        return {row[0] for row in cursor.fetchall()}


def migrated(using: str = "default") -> bool:
    """Whether the source tables exist (a database not migrated yet has no triggers to miss)."""
    tables = set(connections[using].introspection.table_names())
    return any(model._meta.db_table in tables for model, _path in _source_models())


def expected_triggers(using: str = "default") -> set[str]:
    events = ("ins", "upd", "del", "trunc") if connections[using].vendor == "postgresql" else ("ins", "upd", "del")
    return {f"{TRIGGER_PREFIX}{model._meta.db_table}_{e}"[:63] for model, _path in _source_models() for e in events}


def install_triggers(using: str = "default", **kwargs) -> None:
    """(Re)create the change table and a trigger set on every source table: run after each ``migrate``
    (``post_migrate``), so a new model is covered by its own migration run."""
    connection = connections[using]
    statements = _pg_triggers(connection) if connection.vendor == "postgresql" else _sqlite_triggers(connection)
    with connection.cursor() as cursor:
        for sql in statements:
            cursor.execute(sql)


def _sqlite_triggers(connection) -> list[str]:
    qn = connection.ops.quote_name
    out = [f"CREATE TABLE IF NOT EXISTS {STAMP_TABLE} (scope integer NOT NULL PRIMARY KEY, n integer NOT NULL)"]
    bump = f"INSERT INTO {STAMP_TABLE} (scope, n) SELECT s, 1 FROM ({{}}) WHERE true " \
           "ON CONFLICT (scope) DO UPDATE SET n = n + 1;"
    for table in _untracked_tables():  # installed by an earlier version
        out += [f"DROP TRIGGER IF EXISTS {qn(f'{TRIGGER_PREFIX}{table}_{e}'[:63])}" for e in ("ins", "upd", "del")]
    for model, path in _source_models():
        table = model._meta.db_table
        new, old = _scope_sql(path, "NEW", qn), _scope_sql(path, "OLD", qn)
        for event, rows in (("ins", f"SELECT {new} AS s"), ("del", f"SELECT {old} AS s"),
                            ("upd", f"SELECT {new} AS s UNION SELECT {old}")):
            name = f"{TRIGGER_PREFIX}{table}_{event}"[:63]
            verb = {"ins": "INSERT", "del": "DELETE", "upd": "UPDATE"}[event]
            out.append(f"DROP TRIGGER IF EXISTS {qn(name)}")
            out.append(f"CREATE TRIGGER {qn(name)} AFTER {verb} ON {qn(table)} FOR EACH ROW BEGIN "
                       + bump.format(rows) + " END")
    return out


def _pg_triggers(connection) -> list[str]:
    qn = connection.ops.quote_name
    out = [f"CREATE TABLE IF NOT EXISTS {CHANGE_TABLE} (id bigserial PRIMARY KEY, scope integer NOT NULL)",
           # How many changes a row stands for (compact() folds a scope's rows into its newest).
           f"ALTER TABLE {CHANGE_TABLE} ADD COLUMN IF NOT EXISTS weight bigint NOT NULL DEFAULT 1",
           f"CREATE INDEX IF NOT EXISTS {CHANGE_TABLE}_scope ON {CHANGE_TABLE} (scope, id)"]
    log = f"INSERT INTO {CHANGE_TABLE} (scope) SELECT DISTINCT s FROM ({{}}) x(s);"
    existing = set(connection.introspection.table_names())
    for table in _untracked_tables():  # installed by an earlier version
        if table in existing:
            out += [f"DROP TRIGGER IF EXISTS {qn(f'{TRIGGER_PREFIX}{table}_{e}'[:63])} ON {qn(table)}"
                    for e in ("ins", "upd", "del", "trunc")]
    for model, path in _source_models():
        table = model._meta.db_table
        function = qn(f"{TRIGGER_PREFIX}{table}"[:63])
        new, old = _scope_sql(path, "n", qn), _scope_sql(path, "o", qn)
        out.append(
            f"CREATE OR REPLACE FUNCTION {function}() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
            f"IF TG_OP = 'INSERT' THEN {log.format(f'SELECT {new} FROM kc_new n')} "
            f"ELSIF TG_OP = 'DELETE' THEN {log.format(f'SELECT {old} FROM kc_old o')} "
            f"ELSIF TG_OP = 'UPDATE' THEN "
            f"{log.format(f'SELECT {new} FROM kc_new n UNION ALL SELECT {old} FROM kc_old o')} "
            f"ELSE INSERT INTO {CHANGE_TABLE} (scope) VALUES (0); END IF; RETURN NULL; END $$")
        for event, clause in (("ins", "INSERT ON {t} REFERENCING NEW TABLE AS kc_new"),
                              ("upd", "UPDATE ON {t} REFERENCING OLD TABLE AS kc_old NEW TABLE AS kc_new"),
                              ("del", "DELETE ON {t} REFERENCING OLD TABLE AS kc_old"),
                              ("trunc", "TRUNCATE ON {t}")):
            name = qn(f"{TRIGGER_PREFIX}{table}_{event}"[:63])
            out.append(f"CREATE OR REPLACE TRIGGER {name} AFTER {clause.format(t=qn(table))} "
                       f"FOR EACH STATEMENT EXECUTE FUNCTION {function}()")
    return out


COMPACT_LOCK = 0x6B635F6470  # pg advisory lock key: one compaction at a time


def compact(using: str = "default") -> int:
    """Fold each scope's change rows into its newest row, their weights summed (PostgreSQL; the task worker's
    schedule and the daily tick): the log stays short and every fingerprint stays the same. One statement, one
    snapshot: a row still being written (not committed) is not seen, so it stays and counts when it commits.
    Returns the rows removed."""
    connection = connections[using]
    if connection.vendor != "postgresql":
        return 0
    t = CHANGE_TABLE
    with transaction.atomic(using=using), connection.cursor() as cursor:
        cursor.execute("SELECT pg_try_advisory_xact_lock(%s)", [COMPACT_LOCK])
        if not cursor.fetchone()[0]:
            return 0  # another compaction is running
        cursor.execute(
            f"WITH kept AS (SELECT scope, max(id) AS id FROM {t} GROUP BY scope), "
            f"gone AS (DELETE FROM {t} c USING kept WHERE c.scope = kept.scope AND c.id < kept.id "
            f"RETURNING c.scope, c.weight), "
            f"folded AS (SELECT scope, sum(weight) AS weight FROM gone GROUP BY scope) "
            f"UPDATE {t} c SET weight = c.weight + folded.weight FROM folded, kept "
            f"WHERE folded.scope = kept.scope AND c.id = kept.id "
            f"RETURNING folded.weight")
        return int(sum(row[0] for row in cursor.fetchall()))


def request_memo(key, compute):
    """``compute()`` once per GET/HEAD request (a write during it drops the memo); every call outside a request."""
    memo = _REQUEST_MEMO.get()
    if memo is None:
        return compute()
    if key not in memo:
        memo[key] = compute()
    return memo[key]


@contextmanager
def read_scope():
    """A memo for a read-only computation outside a GET request (a POST's figures computed before its write, a
    job, a command): what it reads once per request on a page it reads once here. A write inside drops it
    (``forget``), as in a request; an enclosing memo is used as it is."""
    if _REQUEST_MEMO.get() is not None:
        yield
        return
    token = _REQUEST_MEMO.set({})
    try:
        yield
    finally:
        _REQUEST_MEMO.reset(token)


def memoised(key):
    """What ``request_memo`` holds under ``key`` in this request (None when nothing, or outside a request)."""
    memo = _REQUEST_MEMO.get()
    return None if memo is None else memo.get(key)


def data_version(using: str = "default", plan=None, registry: bool = True) -> str:
    """The fingerprint of every source table, read once per GET request. With ``plan``, the plan-owned rows
    (reports, values, tasks, periods…) count for that plan only, with the shared tables: the fingerprint of
    figures that are the plan's alone (its dashboard, its completeness matrix); ``registry=False`` leaves the
    registries out, for figures that read none (a plan whose indicators are all reported, completeness).
    ``plan=0``: the shared tables (and registries) alone, for what reads no plan's rows (a registry list)."""
    plan_id = getattr(plan, "pk", plan)
    registry = registry or plan_id is None
    return request_memo(("data_version", using, plan_id, registry), lambda: _read_version(using, plan_id, registry))


def _read_version(using: str, plan_id: int | None, registry: bool = True) -> str:
    connection = connections[using]
    if plan_id is None:
        where, params = "", []
    else:
        scopes = [0, int(plan_id)] + ([REGISTRY_SCOPE] if registry else [])
        where, params = f"WHERE scope IN ({', '.join(['%s'] * len(scopes))})", scopes
    if connection.vendor == "postgresql":
        sql = f"SELECT sum(weight), max(id) FROM {CHANGE_TABLE} {where}"
    else:
        sql = f"SELECT scope, n FROM {STAMP_TABLE} {where} ORDER BY scope"
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    return hashlib.sha1(repr(rows).encode()).hexdigest()


def cached(key: str, compute, seconds: int = CACHE_SECONDS, plan=None, registry: bool = True):
    """``compute()`` cached under ``key`` + the data fingerprint (of ``plan``'s rows and the shared tables when
    given, the registries unless ``registry=False`` — see ``data_version``): recomputed after any change of the
    data it may read."""
    full = f"{key}:{data_version(plan=plan, registry=registry)}"
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
