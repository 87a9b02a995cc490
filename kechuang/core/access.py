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

import io
import re
from collections.abc import Callable
from dataclasses import dataclass, field

import openpyxl
from django.apps import apps

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
    # How to read the ids a response shows (default: a JSON list of objects with "id"); see the readers below.
    seen: Callable | None = None
    # A POST that a permitted persona sends must change some table (else the declared request proves nothing).
    # False only with a reason in ``note`` (e.g. the action writes only the audit log or the session).
    changes: bool = True


# Readers of what a response shows, for ``Route(rows=…, seen=…)``: each returns the set of primary keys.
def json_ids(response) -> set[int]:
    return {item["id"] for item in response.json()}


def html_links(pattern: str) -> Callable:
    """Ids from the links of an HTML page, e.g. ``html_links(r"/registry/enterprises/(\\d+)/")``."""
    compiled = re.compile(pattern)

    def seen(response) -> set[int]:
        return {int(pk) for pk in compiled.findall(response.content.decode())}

    return seen


def xlsx_column(model: str, header: str, field_name: str) -> Callable:
    """Ids from one column of a workbook's first sheet (header in row 1), matched on ``field_name`` of ``model``."""

    def seen(response) -> set[int]:
        body = b"".join(response.streaming_content) if response.streaming else response.content
        ws = openpyxl.load_workbook(io.BytesIO(body), read_only=True).worksheets[0]
        rows = ws.iter_rows(values_only=True)
        col = list(next(rows)).index(header)
        values = {row[col] for row in rows if row[col] not in (None, "")}
        return set(apps.get_model(model).objects.filter(**{f"{field_name}__in": values}).values_list("pk", flat=True))

    return seen


# The load balancer's health check is public (no login) and reveals no data; 503 when a dependency is down.
ROUTES = [Route("web:healthz", allow=ALL_PERSONAS | {"anonymous"}, ok=(200, 503))]
