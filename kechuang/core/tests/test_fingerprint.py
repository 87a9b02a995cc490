"""The data fingerprint: read once per GET request, again after a write, and never memoised outside a request;
plan-scoped fingerprints change with their own plan's rows only."""

import psycopg
import pytest
from django.db import connection
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext

from kechuang.accounts.models import User
from kechuang.core.checks import fingerprint_triggers
from kechuang.core.fingerprint import (
    CHANGE_TABLE,
    RequestMemoMiddleware,
    compact,
    data_version,
    expected_triggers,
    read_scope,
    trigger_names,
)
from kechuang.core.models import SystemFlag
from kechuang.org.models import Unit, UnitKind
from kechuang.plans.models import Plan, Task
from kechuang.registry.models import Enterprise, ImportJob

pytestmark = pytest.mark.django_db


def _fingerprint_queries(ctx):
    return [q for q in ctx.captured_queries if "kechuang_data" in q["sql"]]


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


def test_a_read_scope_memoises_outside_requests_until_a_write():
    """A POST's figures or a job: read once inside the scope, again after a write, every time after it."""
    with CaptureQueriesContext(connection) as ctx:
        with read_scope():
            first = data_version()
            assert data_version() == first
            Unit.objects.create(code="fp-scope", name="范围单位", kind=UnitKind.TOWN)
            assert data_version() != first
        data_version()
    assert len(_fingerprint_queries(ctx)) == 3


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


def test_registry_rows_change_only_fingerprints_that_read_the_registries():
    """An enterprise import changes the figures of plans computed from the registries and the global
    fingerprint, not those of a plan whose indicators are all reported (registry=False)."""
    city = Unit.objects.create(code="fp-reg", name="资源库市", kind=UnitKind.CITY)
    plan = Plan.objects.create(code="fp-reg", title="资源库", year=2022, owner_unit=city)
    before = {"reported": data_version(plan=plan, registry=False), "computed": data_version(plan=plan),
              "global": data_version()}
    Enterprise.objects.create(uscc="91420981MA4F000X1Q", name="资源库企业")
    assert data_version(plan=plan, registry=False) == before["reported"]
    assert data_version(plan=plan) != before["computed"]
    assert data_version() != before["global"]
    Unit.objects.create(code="fp-reg-town", name="资源库镇", kind=UnitKind.TOWN, parent=city)  # still shared
    assert data_version(plan=plan, registry=False) != before["reported"]


def test_an_import_jobs_progress_changes_no_fingerprint():
    """A job's state and progress are written many times while it runs and feed no figure."""
    user = User.objects.create(username="fp-importer")
    before = data_version()
    job = ImportJob.objects.create(registry="enterprise", user=user, filename="企业.xlsx", content=b"")
    ImportJob.objects.filter(pk=job.pk).update(progress=50)
    job.delete()
    assert data_version() == before


def test_writes_that_send_no_signal_still_change_the_fingerprint():
    """bulk_create, a queryset update, raw SQL and a bulk delete: the triggers see what signals do not."""
    city = Unit.objects.create(code="fp-bulk", name="批量市", kind=UnitKind.CITY)
    plan = Plan.objects.create(code="fp-bulk", title="批量", year=2022, owner_unit=city)
    seen = [data_version(plan=plan)]
    Task.objects.bulk_create([Task(plan=plan, number="（1）", seq=1, title="批量任务")])
    seen.append(data_version(plan=plan))
    Task.objects.filter(plan=plan).update(title="改过的任务")
    seen.append(data_version(plan=plan))
    Enterprise.objects.bulk_create([Enterprise(uscc="91420981MA4F000X1Q", name="批量企业")])
    seen.append(data_version(plan=plan))
    with connection.cursor() as cursor:
        cursor.execute(f"UPDATE {Enterprise._meta.db_table} SET name = %s", ["原始语句改名"])
    seen.append(data_version(plan=plan))
    Task.objects.filter(plan=plan).delete()
    seen.append(data_version(plan=plan))
    assert len(set(seen)) == len(seen), seen


def test_every_source_table_has_its_triggers_and_the_deploy_check_notices_a_missing_one():
    assert expected_triggers() <= trigger_names()
    assert fingerprint_triggers(None) == []
    name = sorted(expected_triggers())[0]
    with connection.cursor() as cursor:
        cursor.execute(f'DROP TRIGGER "{name}"' + (f' ON "{name[6:].rsplit("_", 1)[0]}"'
                                                    if connection.vendor == "postgresql" else ""))
    found = fingerprint_triggers(None)
    assert [e.id for e in found] == ["kechuang.E105"] and name in found[0].msg


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the change log is PostgreSQL's")
def test_compacting_the_change_log_leaves_one_row_per_scope_and_every_fingerprint_unchanged():
    """Folding the log keeps each fingerprint (no cached figure is recomputed for it); the next change still
    changes it."""
    city = Unit.objects.create(code="fp-log", name="日志市", kind=UnitKind.CITY)
    plan = Plan.objects.create(code="fp-log", title="日志", year=2022, owner_unit=city)
    for seq in range(1, 4):
        plan.tasks.create(number=f"（{seq}）", seq=seq, title=f"任务{seq}")
    before = {"plan": data_version(plan=plan), "all": data_version()}
    assert compact() > 0
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT scope, count(*) FROM {CHANGE_TABLE} GROUP BY scope HAVING count(*) > 1")
        assert cursor.fetchall() == []
    assert {"plan": data_version(plan=plan), "all": data_version()} == before
    assert compact() == 0
    plan.tasks.create(number="（4）", seq=4, title="任务4")
    assert data_version(plan=plan) != before["plan"]


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the change log is PostgreSQL's")
@pytest.mark.django_db(transaction=True)
def test_a_change_committed_after_a_compaction_still_changes_the_fingerprint():
    """A writer's change row not committed while the log is folded is left alone, and counts when it commits
    (its id is older than rows committed before it)."""
    settings = connection.settings_dict
    writer = psycopg.connect(dbname=settings["NAME"], user=settings["USER"], host=settings["HOST"],
                             port=settings["PORT"] or 5432)
    try:
        writer.execute(f"INSERT INTO {CHANGE_TABLE} (scope) VALUES (0)")  # a trigger's row, not committed
        Unit.objects.create(code="fp-late", name="晚提交", kind=UnitKind.TOWN)  # a newer id, committed
        compact()
        before = data_version()
        writer.commit()
        assert data_version() != before
        compact()
        assert data_version() != before
    finally:
        writer.close()
