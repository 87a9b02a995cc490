"""Generated permission tests: every URL and API route × every role, as declared in each app's access.py."""

from __future__ import annotations

import json
from types import SimpleNamespace

import pytest
from django.apps import apps
from django.db import connection
from django.test import Client
from django.urls import get_resolver, reverse
from django.urls.resolvers import URLPattern, URLResolver

from kechuang.core.access import ALL_PERSONAS, json_ids
from kechuang.core.discovery import app_modules

# Routes outside the matrix, each with its reason.
EXEMPT = {
    "login": "public sign-in page",
    "logout": "ends the caller's own session",
    "api:openapi-json": "API description, no data",
    "api:openapi-view": "offline API docs page, no data",
    "api:api-root": "API index, no data",
}
OUR_NAMESPACES = {"web", "plans", "accounts", "audit", "api", "reporting", "supervision", "registry", "metrics",
                  "bulletins", "assessment", "policy", "matching", "org", "quality", "notices"}


# Tables a request may write to whoever sends it: the audit log records denied attempts, sessions and lockout
# records follow sign-ins.
# A registry key conflict is, like an audit event, the record of an attempt that was refused (it is the office's
# work item, see registry/conflicts.py).
UNWATCHED_TABLES = {"audit_auditevent", "django_session", "axes_accessattempt", "axes_accesslog",
                    "axes_accessfailurelog", "registry_keyconflict"}


def _fingerprint() -> dict[str, int]:
    """Row counts of every watched table in one query. Every data model keeps history (django-simple-history),
    so an update shows as a new history row, not only inserts and deletes. PostgreSQL takes ~10 ms to plan the
    query (~130 tables) and ~2 ms to run it, and POST routes count twice per persona (~1,700 times a run): there
    it is prepared once per database session."""
    tables = sorted({m._meta.db_table for m in apps.get_models(include_auto_created=True)} - UNWATCHED_TABLES)
    sql = " UNION ALL ".join(f"SELECT '{t}', COUNT(*) FROM {connection.ops.quote_name(t)}" for t in tables)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SELECT statement FROM pg_prepared_statements WHERE name = %s", [_PREPARED])
            prepared = cursor.fetchone()
            if prepared is None or prepared[0] != f"PREPARE {_PREPARED} AS {sql}":
                if prepared is not None:
                    cursor.execute(f"DEALLOCATE {_PREPARED}")
                cursor.execute(f"PREPARE {_PREPARED} AS {sql}")
            cursor.execute(f"EXECUTE {_PREPARED}")
        else:
            cursor.execute(sql)
        return dict(cursor.fetchall())


_PREPARED = "kc_access_matrix_fingerprint"


def _successes(user) -> int:
    """Successful audit events of ``user``: an action that changes a row without history (a token revoked, a
    conflict settled) or only reads personal data (an unmask) shows here."""
    if user is None:
        return 0
    return apps.get_model("audit", "AuditEvent").objects.filter(user=user, result="success").count()


def _changed(before: dict[str, int], after: dict[str, int]) -> list[str]:
    return [f"{t} {before[t]}→{after[t]}" for t in before if before[t] != after[t]]


def _named_routes(resolver=None, namespace=""):
    resolver = resolver or get_resolver()
    names = set()
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            ns = entry.namespace or ""
            if ns == "admin":
                continue
            full = f"{namespace}:{ns}" if namespace and ns else (ns or namespace)
            names |= _named_routes(entry, full)
        elif isinstance(entry, URLPattern) and entry.name:
            names.add(f"{namespace}:{entry.name}" if namespace else entry.name)
    return names


def _declared():
    routes = []
    for module in app_modules("access"):
        routes.extend(getattr(module, "ROUTES", []))
    return routes


def test_every_route_has_a_declared_expected_access():
    ours = {n for n in _named_routes() if n.split(":")[0] in OUR_NAMESPACES or n in EXEMPT}
    declared = {r.name for r in _declared()}
    missing = sorted(ours - declared - set(EXEMPT))
    assert not missing, f"routes without an access declaration: {missing}"
    unknown = sorted(declared - ours)
    assert not unknown, f"declarations for routes that do not exist: {unknown}"


def _route_id(route) -> str:
    return f"{route.method} {route.name}" + (f" ({route.note})" if route.note else "")


# One test per declared route (every persona inside it): failures name the route, and xdist spreads the routes
# over the workers instead of running ~2,200 requests in one test function. Routes that render documents
# (bulletin .docx and PDF through LibreOffice) take 5–11 s: thirteen personas each get the real file.
@pytest.mark.django_db
@pytest.mark.parametrize("route", _declared(), ids=_route_id)
def test_every_route_behaves_as_declared_for_every_role(route, plan, personas):
    ctx = SimpleNamespace(plan=plan, users=personas)
    failures = []
    kwargs = route.kwargs(ctx) if route.kwargs else {}
    url = reverse(route.name, kwargs=kwargs) + (f"?{route.query}" if route.query else "")
    is_api = route.name.startswith("api:")
    actors = shown = 0
    for persona in sorted(ALL_PERSONAS | {"anonymous"}):
        client = Client()
        if persona != "anonymous":
            client.force_login(personas[persona])
        # Built for each persona: an uploaded file is read by the request that sends it.
        data = route.data(ctx) if callable(route.data) else (route.data or {})
        before = _fingerprint() if route.method == "POST" else None
        audited = _successes(personas.get(persona)) if route.method == "POST" else 0
        if route.method != "POST":
            response = client.get(url)
        elif is_api and data and not any(hasattr(v, "read") for v in data.values()):
            response = client.post(url, json.dumps(data), content_type="application/json")
        else:
            response = client.post(url, data)
        if route.rows is not None and persona in route.allow and response.status_code == 200:
            seen = (route.seen or json_ids)(response)
            expected = route.rows(ctx, persona)
            shown += len(expected)
            if seen != expected:
                failures.append(f"{url} as {persona}: rows {sorted(seen)}, expected {sorted(expected)}")
        if before is not None:
            changed = _changed(before, _fingerprint())
            if persona not in route.allow and changed:
                failures.append(f"POST {url} [{route.name}] as {persona} was refused but changed: {changed}")
            if persona in route.allow:
                succeeded = response.status_code < 400
                acted = changed or _successes(personas.get(persona)) > audited
                # The first permitted persona may use up the state (a docking recorded, a report approved):
                # at least one of them must act, and none may change anything when refused.
                actors += bool(succeeded and acted)
                if not succeeded and changed:
                    failures.append(f"POST {url} [{route.name}] as {persona} was rejected but changed: {changed}")
        if persona in route.allow:
            expected = route.ok
        elif persona == "anonymous":
            expected = (401,) if is_api else (302,)
        else:
            expected = (*route.denied, 401) if is_api else route.denied
        if response.status_code not in expected:
            failures.append(f"{route.method} {url} [{route.name}] as {persona}: {response.status_code}, "
                            f"expected {expected}")
        if persona == "anonymous" and not is_api and response.status_code == 302:
            if "/login/" not in response["Location"]:
                failures.append(f"{url} as anonymous redirected to {response['Location']}")
    if route.rows is not None and not shown:
        failures.append(f"{url}: no persona was expected to see any row (the check would prove nothing)")
    if route.method == "POST" and route.changes and route.allow and not actors:
        failures.append(f"POST {url} [{route.name}]: no permitted persona changed anything "
                        f"(declare a request that acts, or changes=False with the reason in note)")
    assert not failures, "\n".join(failures)
