"""The data fingerprint: read once per GET request, again after a write, and never memoised outside a request;
plan-scoped fingerprints change with their own plan's rows only."""

import pytest
from django.db import connection
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext

from kechuang.core.fingerprint import RequestMemoMiddleware, data_version
from kechuang.core.models import SystemFlag
from kechuang.org.models import Unit, UnitKind
from kechuang.plans.models import Plan

pytestmark = pytest.mark.django_db


def _fingerprint_queries(ctx):
    return [q for q in ctx.captured_queries if "UNION ALL" in q["sql"]]


def _serve(method, view):
    request = getattr(RequestFactory(), method.lower())("/")
    return RequestMemoMiddleware(view)(request)


def test_a_get_request_reads_the_fingerprint_once_unless_it_writes():
    seen = []

    def view(request):
        seen.append((data_version(), data_version()))
        Unit.objects.create(code="fp-u", name="指纹单位", kind=UnitKind.TOWN)
        seen.append(data_version())
        return None

    with CaptureQueriesContext(connection) as ctx:
        _serve("GET", view)
    assert seen[0][0] == seen[0][1] != seen[1]
    assert len(_fingerprint_queries(ctx)) == 2


def test_a_post_request_and_code_outside_requests_read_the_fingerprint_every_time():
    with CaptureQueriesContext(connection) as ctx:
        _serve("POST", lambda request: (data_version(), data_version()))
        data_version()
        data_version()
    assert len(_fingerprint_queries(ctx)) == 4


def test_a_flag_is_read_once_per_get_request_and_the_memo_ends_with_the_request():
    SystemFlag.set("fp-flag", "1")

    def view(request):
        with CaptureQueriesContext(connection) as ctx:
            assert SystemFlag.get("fp-flag") == SystemFlag.get("fp-flag") == "1"
        assert len(ctx.captured_queries) == 1
        return None

    _serve("GET", view)
    SystemFlag.objects.filter(key="fp-flag").update(value="2")  # no signal: only the request's end forgets
    assert SystemFlag.get("fp-flag") == "2"


def test_a_plans_fingerprint_follows_its_own_rows_and_shared_tables_not_another_plans():
    city = Unit.objects.create(code="fp-city", name="指纹市", kind=UnitKind.CITY)
    mine = Plan.objects.create(code="fp-mine", title="甲", year=2022, owner_unit=city)
    other = Plan.objects.create(code="fp-other", title="乙", year=2022, owner_unit=city)
    before = data_version(plan=mine)
    other.tasks.create(number="（1）", seq=1, title="乙的任务")
    assert data_version(plan=mine) == before
    mine.tasks.create(number="（1）", seq=1, title="甲的任务")
    after = data_version(plan=mine)
    assert after != before
    Unit.objects.create(code="fp-town", name="指纹镇", kind=UnitKind.TOWN, parent=city)  # a shared table
    assert data_version(plan=mine) != after
