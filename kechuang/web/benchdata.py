"""A province-scale benchmark dataset (基准测试数据) for the multi-node run (``kechuang benchdata``).

N counties, each its own jurisdiction (a city unit with its office and 60 towns) and its own plan
(``scale-NNN``: 9 tasks, 17 indicators, 60 units × 12 months of reports, built by
``reporting.benchdata.build_dataset``), a registry of E enterprises spread over all their towns, one demand
for the matching check, and known benchmark accounts per county (password ``BENCH_PASSWORD``):

- ``scale-NNN-office``: the county's office (领导小组办公室 role);
- ``scale-NNN-rJJ``: the reporter of the county's unit JJ (``REPORTERS_PER_PLAN`` of them), whose December is
  left in draft for the load test to save.

Idempotent: a county whose plan exists is kept as it is, enterprises are topped up to E, accounts and their
passwords are reset to the known ones. Rows are written with ``bulk_create`` (one statement per batch), so
they carry no history entry of their own creation, like the demo data. The platform shows the data as
benchmark data (SystemFlag ``bench_data``).
"""

from __future__ import annotations

import json
import time
from pathlib import Path

from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.contrib.auth.hashers import make_password
from django.contrib.sessions.backends.db import SessionStore
from django.db import transaction

from kechuang.accounts.models import Role, User, UserRole
from kechuang.core.bulk import analyze, insert_rows
from kechuang.core.models import SystemFlag
from kechuang.org.models import Unit
from kechuang.plans.models import Plan
from kechuang.registry.models import Demand, Enterprise, pinyin_initials
from kechuang.registry.validators import synthetic_uscc
from kechuang.reporting.benchdata import build_dataset
from kechuang.reporting.choices import SubmissionStatus
from kechuang.reporting.models import IndicatorValue, TaskReport

BENCH_PASSWORD = "Bench@2022"
PREFIX = "scale"
UNITS_PER_PLAN = 60
REPORTERS_PER_PLAN = 10
ENTERPRISE_NAME = "基准企业"
USCC_REGION = "429999"  # not a real county: never collides with the demo registries (421381)
DEMAND_TITLE = "基准测试对接需求：量子点光刻胶"
DEMAND_KEYWORDS = "量子点光刻胶"


def plan_code(i: int) -> str:
    return f"{PREFIX}-{i:03d}"


def office_username(i: int) -> str:
    return f"{plan_code(i)}-office"


def reporter_username(i: int, j: int) -> str:
    return f"{plan_code(i)}-r{j:02d}"


def build(plans: int, enterprises: int = 100_000, log=print) -> dict:
    """Create what is missing of the dataset for ``plans`` counties and ``enterprises`` enterprises; returns
    counts of what was created."""
    created = {"plans": 0, "enterprises": 0, "users": 0}
    start = time.perf_counter()
    for i in range(1, plans + 1):
        code = plan_code(i)
        if Plan.objects.filter(code=code).exists():
            continue
        with transaction.atomic():
            plan, _ = build_dataset(code, n_units=UNITS_PER_PLAN, seed=i)
            Plan.objects.filter(pk=plan.pk).update(title=f"基准测试县{i:03d}科技创新工作方案")
            Unit.objects.filter(code=f"{code}-city").update(name=f"基准测试县{i:03d}")
            _open_december(plan)
        created["plans"] += 1
        if created["plans"] % 10 == 0:
            log(f"  方案 {created['plans']} 个（{time.perf_counter() - start:.0f} s）")
    created["users"] = _accounts(plans)
    created["enterprises"] = _enterprises(plans, enterprises)
    _demand()
    SystemFlag.set("bench_data", "1")
    analyze()  # planner statistics after the bulk load (autovacuum may be off or not have caught up yet)
    return created


def _open_december(plan) -> None:
    """The reporters' units have December still in draft: the month the load test files (saves) again."""
    units = [f"{plan.code}-u{j:03d}" for j in range(REPORTERS_PER_PLAN)]
    for model in (IndicatorValue, TaskReport):
        model.objects.filter(plan=plan, period__month=12, unit__code__in=units).update(
            status=SubmissionStatus.DRAFT, submitted_at=None, first_submitted_at=None)


def _accounts(plans: int) -> int:
    """The benchmark personas; one password hash for all (hashing is slow by design)."""
    password = make_password(BENCH_PASSWORD)
    units = {u.code: u for u in Unit.objects.filter(code__startswith=f"{PREFIX}-")}
    wanted = {}
    for i in range(1, plans + 1):
        wanted[office_username(i)] = (units[f"{plan_code(i)}-office"], Role.OFFICE)
        for j in range(REPORTERS_PER_PLAN):
            wanted[reporter_username(i, j)] = (units[f"{plan_code(i)}-u{j:03d}"], Role.REPORTER)
    existing = set(User.objects.filter(username__in=wanted).values_list("username", flat=True))
    new = [User(username=name, password=password, unit=unit, display_name=f"基准测试账号 {name}")
           for name, (unit, _) in wanted.items() if name not in existing]
    with transaction.atomic():
        User.objects.bulk_create(new, batch_size=1000)
        User.objects.filter(username__in=wanted).update(password=password, is_active=True)
        users = dict(User.objects.filter(username__in=wanted).values_list("username", "pk"))
        have = set(UserRole.objects.filter(user_id__in=users.values()).values_list("user_id", "role"))
        UserRole.objects.bulk_create(
            [UserRole(user_id=users[name], role=role) for name, (_, role) in wanted.items()
             if (users[name], role) not in have], batch_size=1000)
    return len(new)


def _enterprises(plans: int, total: int) -> int:
    """Top the benchmark registry up to ``total`` enterprises, spread over the counties' towns."""
    have = Enterprise.objects.filter(uscc__startswith=f"91{USCC_REGION}").count()
    if have >= total:
        return 0
    towns = list(Unit.objects.filter(code__startswith=f"{PREFIX}-", kind="town").order_by("pk")
                 .values_list("pk", flat=True))
    initials = pinyin_initials(ENTERPRISE_NAME)
    rows = (dict(uscc=synthetic_uscc(n, region=USCC_REGION), name=f"{ENTERPRISE_NAME}{n:06d}有限公司",
                 town_id=towns[n % len(towns)], industry_code="C34", industry_name="通用设备制造业",
                 is_above_scale=n % 6 == 0, is_industrial=True, initials=f"{initials}{n:06d}yxgs")
            for n in range(have + 1, total + 1))
    with transaction.atomic():
        return insert_rows(Enterprise, rows)


def _demand() -> None:
    if Demand.objects.filter(title=DEMAND_TITLE).exists():
        return
    enterprise = Enterprise.objects.filter(uscc__startswith=f"91{USCC_REGION}").order_by("pk").first()
    Demand.objects.create(enterprise=enterprise, title=DEMAND_TITLE, keywords=DEMAND_KEYWORDS, field="新材料",
                          description="基准测试：检索索引重建后应能检索到新增的专家")


def signed_in_sessions(path: Path, plans: int) -> int:
    """A signed-in session for every benchmark account, written to ``path`` as {username: session key}: the load
    test's users start as people at work do, already signed in (a login costs ~0.7 s of PBKDF2 on one CPU; the
    load test still signs a share of its users in through the login form). Sessions last the idle timeout."""
    names = [office_username(i) for i in range(1, plans + 1)]
    names += [reporter_username(i, j) for i in range(1, plans + 1) for j in range(REPORTERS_PER_PLAN)]
    keys = {}
    for user in User.objects.filter(username__in=names):
        session = SessionStore()
        session[SESSION_KEY] = str(user.pk)
        session[BACKEND_SESSION_KEY] = "kechuang.accounts.backends.PasswordBackend"
        session[HASH_SESSION_KEY] = user.get_session_auth_hash()
        session.create()
        keys[user.username] = session.session_key
    path.write_text(json.dumps(keys), encoding="utf-8")
    return len(keys)
