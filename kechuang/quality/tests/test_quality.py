"""The data-quality check: every rule over stored rows and approved monthly values, listed by
registry, unit and rule with links; towns see their own; Excel export; re-run after imports."""

from __future__ import annotations

import datetime as dt
import io
import random
from decimal import Decimal

import openpyxl
import pytest
from django.urls import reverse
from django.utils import timezone
from django_q.models import Schedule
from django_q.scheduler import scheduler

from kechuang.org.models import Unit
from kechuang.quality import services
from kechuang.quality.jobs import run_quality_check
from kechuang.quality.models import QualityRun, RunStatus, Violation
from kechuang.registry.importing import run_import
from kechuang.registry.models import EnterpriseYear
from kechuang.registry.tests import factories as f
from kechuang.registry.tests import xlsx

pytestmark = pytest.mark.django_db


@pytest.fixture
def stored_faults(plan):
    """Rows that got in before the rules existed (written directly, as legacy data would be)."""
    own, other = Unit.objects.get(name="武胜关镇"), Unit.objects.get(name="杨寨镇")
    a = f.enterprise(name="甲质量企业", town=own, registered_on=dt.date(2012, 1, 1))
    b = f.enterprise(name="乙质量企业", town=other, registered_on=dt.date(2012, 1, 1))
    bad_a = EnterpriseYear.objects.create(
        enterprise=a, year=2022, revenue=Decimal(1_000_000), employees=10, tech_staff=15
    )
    bad_b = EnterpriseYear.objects.create(
        enterprise=b, year=2022, revenue=Decimal(1_000_000), hightech_revenue=Decimal(2_000_000), employees=10
    )
    warn_b = EnterpriseYear.objects.create(enterprise=b, year=2021, revenue=Decimal(100_000), employees=10)
    return {"own": own, "other": other, "bad_a": bad_a, "bad_b": bad_b, "warn_b": warn_b}


def test_every_stored_violation_is_listed_with_its_rule_unit_and_record(stored_faults, client_for):
    run = services.run_check()
    assert run.status == "done" and run.rows_checked >= 5
    found = {(v.object_id, v.rule, v.severity) for v in Violation.objects.filter(run=run, source="enterprise-years")}
    assert (stored_faults["bad_a"].pk, "part_of_whole", "error") in found
    assert (stored_faults["bad_b"].pk, "part_of_whole", "error") in found
    assert (stored_faults["bad_b"].pk, "year_on_year", "warning") in found  # ×10 against 2021
    page = client_for("office").get(reverse("quality:index")).content.decode()
    assert stored_faults["bad_a"].get_absolute_url() in page and stored_faults["bad_b"].get_absolute_url() in page
    assert "科技人员数不能大于职工人数（15 &gt; 10）" in page and "杨寨镇" in page
    by_unit = client_for("office").get(reverse("quality:index"), {"unit": stored_faults["own"].pk}).content.decode()
    assert stored_faults["bad_a"].get_absolute_url() in by_unit
    assert stored_faults["bad_b"].get_absolute_url() not in by_unit


def test_a_town_sees_only_its_own_violations(stored_faults, client_for, personas):
    services.run_check()
    assert personas["town"].unit_id == stored_faults["own"].pk
    page = client_for("town").get(reverse("quality:index")).content.decode()
    assert stored_faults["bad_a"].get_absolute_url() in page
    assert stored_faults["bad_b"].get_absolute_url() not in page and "乙质量企业" not in page
    assert services.counts_for(personas["town"]) == {"error": 1, "warning": 0}
    data = client_for("town").get(reverse("quality:export")).content
    rows = list(openpyxl.load_workbook(io.BytesIO(data)).active.iter_rows(values_only=True))
    assert len(rows) == 2 and rows[1][1].startswith("甲质量企业") and rows[1][2] == "武胜关镇"


def test_the_office_export_lists_every_violation(stored_faults, client_for):
    run = services.run_check()
    data = client_for("office").get(reverse("quality:export")).content
    rows = list(openpyxl.load_workbook(io.BytesIO(data)).active.iter_rows(values_only=True))
    assert rows[0][:4] == ("数据类别", "记录", "所属单位", "级别")
    assert len(rows) - 1 == Violation.objects.filter(run=run).count()


def test_the_office_dashboard_shows_the_counts(stored_faults, client_for):
    services.run_check()
    page = client_for("office").get("/supervision/?as_of=2022-07-10").content.decode()
    counts = page[page.index('data-testid="quality-counts"') :][:600]
    assert '错误 <strong class="text-danger">2</strong>' in counts


def test_a_committed_import_schedules_a_new_check(plan, personas, django_capture_on_commit_callbacks):
    data = xlsx.workbook_bytes([xlsx.enterprise_row(f.uscc(), "导入后检查企业")])
    before = QualityRun.objects.filter(trigger="import").count()
    with django_capture_on_commit_callbacks(execute=True):
        assert run_import("enterprises", data, personas["office"], commit=True).committed
    # The check went through the task queue (inline under the test settings) and finished.
    assert QualityRun.objects.filter(trigger="import", status="done").count() == before + 1
    with django_capture_on_commit_callbacks(execute=False) as dry:
        run_import("enterprises", data, personas["office"])
    assert not dry  # a preview schedules nothing


def test_demo_data_passes_every_error_rule_and_shows_a_handful_of_warnings(plan):
    from kechuang.registry import demo

    demo.generate(plan, random.Random(2022))
    run = services.run_check(today=dt.date(2026, 1, 1))
    errors = list(Violation.objects.filter(run=run, severity="error").values_list("message", flat=True)[:5])
    assert errors == []
    warnings = Violation.objects.filter(run=run, severity="warning").count()
    assert 1 <= warnings <= 30, warnings


def test_a_reported_figure_far_from_the_registry_warns_the_reviewer(plan, personas, client_for):
    from kechuang.plans.models import Indicator
    from kechuang.reporting.choices import SubmissionStatus
    from kechuang.supervision.tests.helpers import indicator_value

    town = Unit.objects.get(name="武胜关镇")
    for i in range(3):
        ent = f.enterprise(town=town, registered_on=dt.date(2010, 1, 1))
        f.certificate(ent, dt.date(2022, 3, 1 + i))
    ind = Indicator.objects.get(plan=plan, code="HNTE_NEW")
    value = indicator_value(plan, ind, town, 5, 12, status=SubmissionStatus.SUBMITTED)
    page = client_for("office").get(reverse("reporting:value_detail", args=[value.pk])).content.decode()
    assert "武胜关镇填报新认定高新技术企业12家，资源库中本辖区记录为3家，请核实" in page
    value.status = SubmissionStatus.APPROVED
    value.save()
    run = services.run_check()
    assert Violation.objects.filter(run=run, source="monthly-values", rule="registry_cross_check", unit=town).exists()


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_the_office_works_the_data_quality_page_in_a_browser(stored_faults, personas, live_server, login_page):
    services.run_check()
    page = login_page("office")
    page.goto(live_server.url + "/quality/")
    assert page.get_by_test_id("quality-errors").inner_text() == "2"
    page.get_by_test_id("by-unit").get_by_role("link", name="武胜关镇").click()
    page.wait_for_load_state()
    table = page.get_by_test_id("violations")
    assert "甲质量企业" in table.inner_text() and "乙质量企业" not in table.inner_text()
    table.get_by_role("link", name="甲质量企业 2022年").click()
    page.wait_for_load_state()
    assert "科技人员数不能大于职工人数" in page.get_by_test_id("row-violation").first.inner_text()


@pytest.mark.django_db
def test_a_check_already_waiting_in_the_queue_absorbs_further_requests_until_it_starts(
        django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks() as queued:
        services.schedule_check("import")
        services.schedule_check("import")
        services.schedule_check("manual")
    assert len(queued) == 1

    run_quality_check("import")  # the queued check starts: later changes ask for a new one
    with django_capture_on_commit_callbacks() as queued:
        services.schedule_check("import")
    assert len(queued) == 1


@pytest.mark.django_db
def test_a_change_during_a_running_check_is_checked_by_the_next_one_never_by_a_second_at_once(
        django_capture_on_commit_callbacks):
    running = QualityRun.objects.create(trigger="import", status=RunStatus.RUNNING)
    with django_capture_on_commit_callbacks() as queued:
        services.schedule_check("import")  # a check is running: nothing enqueued now, the request is kept
    assert queued == []
    running.status = RunStatus.DONE
    running.save()
    with django_capture_on_commit_callbacks() as queued:
        services.check_finished("import")  # the running check ends and enqueues the one asked for
    assert len(queued) == 1
    with django_capture_on_commit_callbacks() as queued:
        run_quality_check("import")  # that check: no change asked for while it ran, nothing more
    assert queued == []


@pytest.fixture
def spacing(settings):
    settings.KECHUANG_QUALITY_IMPORT_SPACING = 60
    return 60


def _finished_run(seconds_ago: int) -> QualityRun:
    return QualityRun.objects.create(trigger="import", status=RunStatus.DONE,
                                     finished=timezone.now() - dt.timedelta(seconds=seconds_ago))


@pytest.mark.django_db
def test_an_import_check_waits_until_the_spacing_after_the_last_check_and_then_runs_from_the_schedule(
        django_capture_on_commit_callbacks, spacing):
    last = _finished_run(10)
    with django_capture_on_commit_callbacks(execute=True):
        services.schedule_check("import")
        services.schedule_check("import")  # absorbed by the held-back one
    later = Schedule.objects.get(name=services.LATER)
    assert later.schedule_type == Schedule.ONCE and later.args == "('import',)"
    assert later.next_run == last.finished + dt.timedelta(seconds=spacing)
    assert QualityRun.objects.count() == 1  # nothing ran yet
    # The worker's scheduler, once the time has come, queues it (the test queue runs it inline) and drops it.
    Schedule.objects.filter(pk=later.pk).update(next_run=timezone.now() - dt.timedelta(seconds=1))
    scheduler()
    assert not Schedule.objects.filter(name=services.LATER).exists()
    run = QualityRun.objects.get()  # the new run replaced the old one
    assert run.pk != last.pk and run.status == RunStatus.DONE and run.trigger == "import"


@pytest.mark.django_db
def test_an_import_check_runs_at_once_when_the_last_check_ended_longer_ago_than_the_spacing(
        django_capture_on_commit_callbacks, spacing):
    _finished_run(spacing + 1)
    with django_capture_on_commit_callbacks(execute=True):
        services.schedule_check("import")
    assert not Schedule.objects.filter(name=services.LATER).exists()
    assert QualityRun.objects.get().finished > timezone.now() - dt.timedelta(seconds=30)


@pytest.mark.django_db
def test_a_manual_check_takes_the_place_of_a_held_back_import_check_and_runs_now(
        django_capture_on_commit_callbacks, spacing):
    _finished_run(5)
    with django_capture_on_commit_callbacks(execute=True):
        services.schedule_check("import")
    assert Schedule.objects.filter(name=services.LATER).exists()
    with django_capture_on_commit_callbacks(execute=True):
        services.schedule_check("manual")
    assert not Schedule.objects.filter(name=services.LATER).exists()
    assert QualityRun.objects.get().trigger == "manual"


def test_a_check_after_an_import_rechecks_the_registries_and_keeps_the_monthly_findings(plan, stored_faults):
    from kechuang.plans.models import Indicator
    from kechuang.reporting.choices import SubmissionStatus
    from kechuang.supervision.tests.helpers import indicator_value

    town = stored_faults["own"]
    ind = Indicator.objects.get(plan=plan, code="HNTE_NEW")
    indicator_value(plan, ind, town, 5, 12, status=SubmissionStatus.APPROVED)  # 12 reported, none in the registry
    full = services.run_check("manual")
    monthly = set(Violation.objects.filter(run=full, source="monthly-values").values_list("rule", "object_id"))
    assert "registry_cross_check" in {rule for rule, _pk in monthly}
    stored_faults["bad_a"].delete()  # a registry change the import brings
    after_import = services.run_check("import")
    assert not QualityRun.objects.filter(pk=full.pk).exists()  # replaced
    assert set(Violation.objects.filter(run=after_import, source="monthly-values").values_list(
        "rule", "object_id")) == monthly  # carried over, not re-computed
    registry = set(Violation.objects.filter(run=after_import, source="enterprise-years").values_list(
        "object_id", flat=True))
    assert stored_faults["bad_b"].pk in registry and stored_faults["bad_a"].pk not in registry
