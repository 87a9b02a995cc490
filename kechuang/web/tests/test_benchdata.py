"""`kechuang benchdata`: the province-scale benchmark dataset, built fast and idempotently."""

import json
from io import StringIO

import pytest
from django.core.management import call_command
from django.test import Client

from kechuang.accounts.models import User
from kechuang.core.models import SystemFlag
from kechuang.core.predicates import is_office
from kechuang.plans.models import Plan
from kechuang.registry.models import Demand, Enterprise
from kechuang.reporting.choices import SubmissionStatus
from kechuang.reporting.models import IndicatorValue, TaskReport
from kechuang.web.benchdata import BENCH_PASSWORD, REPORTERS_PER_PLAN

pytestmark = pytest.mark.django_db


def _counts():
    return {
        "plans": Plan.objects.filter(code__startswith="scale-").count(),
        "values": IndicatorValue.objects.filter(plan__code__startswith="scale-").count(),
        "reports": TaskReport.objects.filter(plan__code__startswith="scale-").count(),
        "enterprises": Enterprise.objects.count(),
    }


def test_benchdata_builds_each_county_as_its_own_plan_with_a_year_of_reports_and_known_accounts():
    out = StringIO()
    call_command("benchdata", "--plans", "2", "--enterprises", "500", stdout=out)

    assert "基准测试数据：2 个方案、500 家企业" in out.getvalue()
    counts = _counts()
    assert counts["plans"] == 2 and counts["enterprises"] == 500
    # 60 units × 12 months × 17 indicators (and 9 tasks) per plan, less the ~5 % of unit-months left unreported
    assert 0.9 * 2 * 60 * 12 * 17 < counts["values"] <= 2 * 60 * 12 * 17
    assert 0.9 * 2 * 60 * 12 * 9 < counts["reports"] <= 2 * 60 * 12 * 9
    second = Plan.objects.get(code="scale-002")
    assert second.owner_unit.name == "基准测试县002" and second.title.startswith("基准测试县002")
    assert set(Enterprise.objects.values_list("town__path", flat=True)) <= {
        *second.owner_unit.descendants().values_list("path", flat=True),
        *Plan.objects.get(code="scale-001").owner_unit.descendants().values_list("path", flat=True)}
    office = User.objects.get(username="scale-002-office")
    reporter = User.objects.get(username=f"scale-002-r{REPORTERS_PER_PLAN - 1:02d}")
    assert office.check_password(BENCH_PASSWORD) and reporter.check_password(BENCH_PASSWORD)
    assert is_office(office) and office.unit == second.office_unit
    assert reporter.unit.code == f"scale-002-u{REPORTERS_PER_PLAN - 1:03d}"
    december = IndicatorValue.objects.filter(plan=second, unit=reporter.unit, period__month=12)
    assert december.exists() and set(december.values_list("status", flat=True)) == {SubmissionStatus.DRAFT}
    assert Demand.objects.filter(title__startswith="基准测试对接需求").count() == 1
    assert SystemFlag.get("bench_data") == "1"


def test_benchdata_run_again_reuses_what_exists_and_only_tops_up_the_registry():
    call_command("benchdata", "--plans", "1", "--enterprises", "300", stdout=StringIO())
    before = _counts()

    out = StringIO()
    call_command("benchdata", "--plans", "1", "--enterprises", "400", stdout=out)

    after = _counts()
    assert "本次新建方案 0 个、企业 100 家、账号 0 个" in out.getvalue()
    assert {**after, "enterprises": 300} == before and after["enterprises"] == 400
    assert Enterprise.objects.values("uscc").distinct().count() == 400


def test_benchdata_sessions_open_pages_as_their_account_without_a_login(tmp_path):
    path = tmp_path / "sessions.json"
    call_command("benchdata", "--plans", "1", "--enterprises", "50", "--sessions", str(path), stdout=StringIO())
    keys = json.loads(path.read_text(encoding="utf-8"))
    assert len(keys) == 1 + REPORTERS_PER_PLAN
    client = Client()
    client.cookies["sessionid"] = keys["scale-001-r00"]
    page = client.get("/reporting/scale-001/fill/2022/12/")
    assert page.status_code == 200 and "保存草稿" in page.content.decode()
    assert page.wsgi_request.user.username == "scale-001-r00"
