"""The declared access matrix: every route × every persona.

Each app lists its routes in ``access.py`` as ``ROUTES = [Route(...), ...]``. The generated test
(kechuang/web/tests/test_access_matrix.py) fails when a route has no declaration, and requests
every declared route as every persona (and anonymously), expecting ``ok`` for the personas in
``allow`` and ``denied`` (404 by default) for the rest. Declare a route several times to cover
own-unit and other-unit objects (out-of-scope objects must give 404). For a POST route, a persona outside
``allow`` must leave every table's row count unchanged (history tables included, so updates count too).

``kwargs(ctx)`` builds the URL arguments; ``ctx`` has ``plan`` and ``users`` (personas by name,
see kechuang.core.testing) and may create the objects the route needs.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

ALL_PERSONAS = frozenset(
    {
        "office",
        "leader",
        "auditor",
        "sysadmin",
        "secadmin",
        "lead",
        "dept",
        "talent",
        "town",
        "town_b",
        "zone",
        "nobody",
    }
)
# Who works on the plan: the office, leaders and the units' reporters and reviewers.
PLAN_READERS = frozenset({"office", "leader", "lead", "dept", "talent", "town", "town_b", "zone"})
UNIT_USERS = frozenset({"lead", "dept", "talent", "town", "town_b", "zone"})
TOWN_USERS = frozenset({"town", "town_b", "zone"})


@dataclass
class Route:
    name: str  # URL name, e.g. "plans:plan_detail" or "api:list_plans"
    allow: frozenset[str] | set[str]
    kwargs: Callable | None = None
    method: str = "GET"
    ok: tuple[int, ...] = (200,)
    denied: tuple[int, ...] = (404, 403)
    data: Callable | dict | None = None  # POST body (dict or ctx → dict)
    query: str = ""
    note: str = ""
    extra: dict = field(default_factory=dict)
    # For a list route answering JSON: rows(ctx, persona) → the ids that persona must see, no more, no fewer
    # (written from the scope rule in plain terms, not through restrict()).
    rows: Callable | None = None


# The load balancer's health check is public (no login) and reveals no data; 503 when a dependency is down.
ROUTES = [Route("web:healthz", allow=ALL_PERSONAS | {"anonymous"}, ok=(200, 503))]
