"""Generated permission tests: every URL and API route × every role, as declared in each app's access.py."""

from __future__ import annotations

from types import SimpleNamespace

import pytest
from django.test import Client
from django.urls import get_resolver, reverse
from django.urls.resolvers import URLPattern, URLResolver

from kechuang.core.access import ALL_PERSONAS
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
                  "bulletins", "assessment", "policy", "matching", "org", "quality"}


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


@pytest.mark.django_db
def test_every_route_behaves_as_declared_for_every_role(plan, personas):
    ctx = SimpleNamespace(plan=plan, users=personas)
    failures = []
    for route in _declared():
        kwargs = route.kwargs(ctx) if route.kwargs else {}
        url = reverse(route.name, kwargs=kwargs) + (f"?{route.query}" if route.query else "")
        data = route.data(ctx) if callable(route.data) else (route.data or {})
        is_api = route.name.startswith("api:")
        for persona in sorted(ALL_PERSONAS | {"anonymous"}):
            client = Client()
            if persona != "anonymous":
                client.force_login(personas[persona])
            response = client.post(url, data) if route.method == "POST" else client.get(url)
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
    assert not failures, "\n".join(failures)
