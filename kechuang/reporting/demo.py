"""Demo data (演示): 2022 periods and January–September reports as of 8 October 2022.

Most units submit on time, a few are late, two units miss some months; lead units approve their
responsible units' reports (the office approves the lead units' own), some reports are returned once
and resubmitted; September is partly still under review. Task progress is plausible against 序时进度
with a few units lagging, so some task lights are yellow or red; a few milestones are overdue.

September (due 5 October) is the month in hand on the demo date, as in a real month: most units have
filed and wait for review, some reports were returned with a reason and wait for the unit's fix (the
demo town's among them), and a few units have not filed yet (late, so 催办 has someone to remind).

The towns, streets and the development zone also answer for a unit-typed indicator: their shares of the
plan's 70 科技型中小企业 (``UNIT_INDICATOR``, reported, not computed), so the filing page shows a figure to
type; the demo town has not typed September's yet. Indicator values are generated only where the system
has no figure of its own (reported indicators, or computations not available on this installation).
Deterministic (the ``rng`` passed in) and idempotent (nothing is generated twice).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from kechuang.accounts.models import Role, User
from kechuang.core.models import SystemFlag
from kechuang.notices.demo import dated
from kechuang.org.models import Unit
from kechuang.plans.choices import ProgressMode, TaskUnitRole, ValueSource
from kechuang.plans.models import Indicator, IndicatorShare, Task, TaskUnit

from . import services
from .choices import PrefillSource, ReportAction, SubmissionStatus
from .models import IndicatorValue, Milestone, ReportEvent, TaskReport

DEMO_NOTE = "（演示数据）"
LAST_MONTH = 9

NARRATIVES = [
    "按计划推进{title}相关工作，本月召开专题推进会 {n} 次，对接企业 {m} 家。",
    "围绕{title}，本月完成调研走访 {m} 家企业，梳理问题清单并明确责任人。",
    "{title}：本月落实政策宣讲 {n} 场，建立工作台账，按月更新进度。",
]
PROBLEMS = ["", "", "部分企业申报材料准备不足。", "专业人员力量不足，需市级部门加强指导。", "项目资金到位较慢。"]
NEXT_STEPS = ["继续按序时推进，加强督促。", "下月重点做好企业辅导和材料审核。", "对照任务清单查漏补缺，确保按期完成。"]
# The demo's unit-typed indicator: the plan's target split into shares for the towns, streets and the zone.
UNIT_INDICATOR = {
    "code": "TOWN_TECH_SME_CULTIVATED", "name": "镇办（园区）培育入库科技型中小企业", "measure": "家",
    "kind": "count", "comparator": ">=", "target": Decimal(70), "progress_mode": ProgressMode.CUMULATIVE,
    "source": ValueSource.REPORTED, "owner": "市科技经信局", "task": "（三）",
    "description": "【演示】方案“科技型中小企业入库备案达70家”按辖区分解到各镇办、开发区，"
                   "由各单位每月填报本辖区累计培育入库家数，市科技经信局审核。",
    "sentence": "科技型中小企业入库备案达70家。",
    "zone_share": Decimal(10),  # the development zone's share; the rest is split evenly among towns and streets
}
UNFILED_LAST_MONTH = 3  # units that have not filed September on the demo date (late)
RETURNED_LAST_MONTH = 0.08  # of September's reports, returned with a reason and waiting for the fix
RETURN_REASONS = ["进展情况过于笼统，请补充具体数据。", "请补充佐证材料说明。", "完成进度与进展描述不一致，请核实。"]


def _aware(day: dt.date, hour: int) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour, 0)))


def _users_by_unit(role):
    out = {}
    for u in User.objects.filter(role_assignments__role=role, is_active=True).order_by("-is_demo", "pk"):
        out.setdefault(u.unit_id, u)
    return out


def generate(plan, rng):
    periods = services.ensure_periods(plan)
    as_of = dt.date(plan.year, 10, 8)
    if not SystemFlag.get("demo_as_of"):
        SystemFlag.set("demo_as_of", as_of.isoformat())
    with transaction.atomic():
        _unit_indicator(plan)
        if not TaskReport.objects.filter(plan=plan).exists():
            _reports(plan, periods, rng, as_of)
        if not Milestone.objects.filter(task__plan=plan).exists():
            _milestones(plan, rng, as_of)
        _values(plan, periods, rng)


def _unit_indicator(plan):
    """The unit-typed indicator with its shares (created once; a plan without the owner or task gets none)."""
    spec = UNIT_INDICATOR
    if Indicator.objects.filter(plan=plan, code=spec["code"]).exists():
        return
    owner = Unit.objects.filter(name=spec["owner"]).first()
    task = Task.objects.filter(plan=plan, number=spec["task"]).first()
    units = list(Unit.objects.filter(kind__in=["town", "street", "zone"], is_active=True).order_by("path"))
    if owner is None or task is None or not units:
        return
    last = plan.indicators.order_by("-seq").values_list("seq", flat=True).first() or 0
    ind = Indicator.objects.create(
        plan=plan, code=spec["code"], seq=last + 1, name=spec["name"], description=spec["description"],
        measure=spec["measure"], kind=spec["kind"], comparator=spec["comparator"], target=spec["target"],
        progress_mode=spec["progress_mode"], source=spec["source"], owner_unit=owner, sentence=spec["sentence"],
        min_value=Decimal(0),
    )
    ind.tasks.add(task)
    zones = [u for u in units if u.kind == "zone"]
    towns = [u for u in units if u.kind != "zone"]
    rest = spec["target"] - (spec["zone_share"] * len(zones) if towns else 0)
    shares = {u.pk: spec["zone_share"] for u in zones} if towns else {}
    if towns:  # whole enterprises: the first towns take one more so that the shares add up to the target
        base, extra = divmod(int(rest), len(towns))
        shares |= {u.pk: Decimal(base + (1 if i < extra else 0)) for i, u in enumerate(towns)}
    else:
        shares = {u.pk: spec["target"] / len(units) for u in units}
    IndicatorShare.objects.bulk_create(IndicatorShare(indicator=ind, unit_id=k, target=v) for k, v in shares.items())


def _demo_town_id():
    """The town the demo's town account (a reporter, is_demo) belongs to, or None."""
    user = (User.objects.filter(is_demo=True, role_assignments__role=Role.REPORTER, unit__kind="town")
            .order_by("pk").first())
    return user.unit_id if user else None


def _unit_profiles(plan, units, rng):
    """Each unit's habits: punctual, sometimes late, or missing some months (two units)."""
    ids = sorted(units)
    profiles = {uid: {"late": set(), "missing": set(), "pace": rng.uniform(0.95, 1.15)} for uid in ids}
    demo_town = _demo_town_id()  # the demo town files every month: its story is a returned report
    towns = [uid for uid in ids if units[uid].is_town and uid != demo_town]
    pool = towns if len(towns) >= 6 else [uid for uid in ids if uid != demo_town]
    picks = rng.sample(pool, min(6, len(pool)))
    if len(picks) >= 2:
        profiles[picks[0]]["missing"] = {3, 7}
        profiles[picks[0]]["pace"] = 0.55
        profiles[picks[1]]["missing"] = {8, 9}
        profiles[picks[1]]["pace"] = 0.7
    for uid in picks[2:]:
        profiles[uid]["late"] = set(rng.sample(range(1, LAST_MONTH + 1), 3))
        profiles[uid]["pace"] = rng.uniform(0.65, 0.9)
    # Late this month: not filed on the demo date (urged by 催办), among the units that filed August.
    others = [uid for uid in ids if uid not in picks[:2] and uid != demo_town]
    for uid in rng.sample(others, min(UNFILED_LAST_MONTH, len(others))):
        profiles[uid]["missing"] = profiles[uid]["missing"] | {LAST_MONTH}
    return profiles


def _reports(plan, periods, rng, as_of):
    roles = list(
        TaskUnit.objects.filter(task__plan=plan).select_related("task", "unit").order_by("task__seq", "unit__path")
    )
    units = {tu.unit_id: tu.unit for tu in roles}
    leads: dict[int, set[int]] = {}
    for tu in roles:
        if tu.role == TaskUnitRole.LEAD:
            leads.setdefault(tu.task_id, set()).add(tu.unit_id)
    pairs = {}
    for tu in roles:
        pairs.setdefault((tu.task_id, tu.unit_id), tu)
    reporters = _users_by_unit(Role.REPORTER)
    reviewers = _users_by_unit(Role.REVIEWER)
    office = User.objects.filter(role_assignments__role=Role.OFFICE, is_active=True).order_by("-is_demo", "pk").first()
    profiles = _unit_profiles(plan, units, rng)
    task_pace = {(t, u): rng.uniform(0.92, 1.2) for (t, u) in pairs}
    demo_town, demo_returned = _demo_town_id(), False
    rows, events, to_return = [], [], []
    for period in periods[:LAST_MONTH]:
        m = period.month
        for (task_id, unit_id), tu in pairs.items():
            prof = profiles[unit_id]
            if m in prof["missing"]:
                continue
            late = m in prof["late"]
            if late:
                submitted_day = period.due_on + dt.timedelta(days=rng.randint(1, 6))
            else:
                submitted_day = period.due_on - dt.timedelta(days=rng.randint(0, 4))
            if submitted_day > as_of:
                continue
            pct = Decimal(min(100.0, 100.0 * m / 12 * prof["pace"] * task_pace[(task_id, unit_id)]
                              + rng.uniform(-3, 3)))
            pct = max(Decimal(0), pct).quantize(Decimal("0.1"))
            submitted_at = _aware(submitted_day, rng.randint(9, 17))
            reporter = reporters.get(unit_id)
            own_lead = unit_id in leads.get(task_id, set())
            lead_ids = leads.get(task_id, set())
            reviewer = office if own_lead else next((reviewers[u] for u in sorted(lead_ids) if u in reviewers), office)
            returned = rng.random() < 0.08
            review_lag = rng.randint(1, 4)
            status = SubmissionStatus.APPROVED
            if m == LAST_MONTH and rng.random() < 0.55:
                status = SubmissionStatus.SUBMITTED
            if m == LAST_MONTH and reviewer is not None and (
                    rng.random() < RETURNED_LAST_MONTH or (unit_id == demo_town and not demo_returned)):
                status = SubmissionStatus.RETURNED
                demo_returned = demo_returned or unit_id == demo_town
            title = tu.task.title
            row = TaskReport(
                plan=plan, task_id=task_id, unit_id=unit_id, period=period, status=status,
                percent_complete=pct,
                narrative=rng.choice(NARRATIVES).format(title=title, n=rng.randint(1, 3), m=rng.randint(2, 12)),
                problems=rng.choice(PROBLEMS), next_steps=rng.choice(NEXT_STEPS),
                submitted_at=submitted_at, first_submitted_at=submitted_at, submitted_by=reporter,
                version=2,
            )
            timeline = [(ReportAction.SUBMITTED, submitted_at, reporter, "")]
            if returned and status == SubmissionStatus.APPROVED:
                back = submitted_at + dt.timedelta(days=1, hours=2)
                again = back + dt.timedelta(days=rng.randint(1, 2))
                timeline += [(ReportAction.RETURNED, back, reviewer, rng.choice(RETURN_REASONS)),
                             (ReportAction.SUBMITTED, again, reporter, "")]
                row.submitted_at = again
                row.version += 2
            if status == SubmissionStatus.RETURNED:
                # Stored as submitted, then returned through the workflow so the unit is notified as in real use.
                back = max(min(submitted_at + dt.timedelta(days=review_lag), _aware(as_of, 9)),
                           submitted_at + dt.timedelta(hours=1))
                row.status = SubmissionStatus.SUBMITTED
                to_return.append(((task_id, unit_id, period.pk), reviewer, rng.choice(RETURN_REASONS), back))
            if status == SubmissionStatus.APPROVED:
                approved_at = row.submitted_at + dt.timedelta(days=review_lag)
                if approved_at.date() > as_of:
                    row.status = SubmissionStatus.SUBMITTED
                else:
                    row.reviewed_at, row.reviewed_by = approved_at, reviewer
                    timeline.append((ReportAction.APPROVED, approved_at, reviewer, ""))
                    row.version += 1
            rows.append(row)
            events.append(timeline)
    TaskReport.objects.bulk_create(rows, batch_size=500)
    saved = {(r.task_id, r.unit_id, r.period_id): r for r in TaskReport.objects.filter(plan=plan)}
    objs = []
    for row, timeline in zip(rows, events, strict=True):
        stored = saved[(row.task_id, row.unit_id, row.period_id)]
        for action, when, user, reason in timeline:
            objs.append(ReportEvent(task_report=stored, action=action, time=when, user=user, reason=reason,
                                    detail={"demo": True}))
    ReportEvent.objects.bulk_create(objs, batch_size=1000)
    for key, reviewer, reason, back in to_return:
        with dated(back):
            services.return_for_revision(saved[key], user=reviewer, reason=reason, now=back)
        ReportEvent.objects.filter(task_report=saved[key], action=ReportAction.RETURNED).update(time=back)


def _milestones(plan, rng, as_of):
    """工期倒排 for the lead units and some responsible units: three steps per task back from year end."""
    steps = [("制定工作方案并明确责任人", 3), ("完成年度目标过半", 7), ("全面完成年度任务并总结", 12)]
    people = ["张伟", "王芳", "李强", "刘洋", "陈静", "杨帆", "赵磊", "黄敏"]
    roles = TaskUnit.objects.filter(task__plan=plan).select_related("task", "unit").order_by("task__seq", "unit__path")
    objs = []
    for tu in roles:
        if tu.role != TaskUnitRole.LEAD and rng.random() > 0.25:
            continue
        for title, month in steps:
            deadline = dt.date(plan.year, month, 28 if month != 12 else 31)
            done = None
            if deadline < as_of and rng.random() < 0.96:
                done = deadline - dt.timedelta(days=rng.randint(0, 10))
            objs.append(Milestone(task=tu.task, unit=tu.unit, title=title, responsible_person=rng.choice(people),
                                  deadline=deadline, done_on=done, note=DEMO_NOTE))
    Milestone.objects.bulk_create(objs)


def _values(plan, periods, rng):
    """Monthly values for indicators the system cannot compute here (the unit must enter them); an
    indicator that already has values is left alone. September of the unit-typed indicator is like the
    tasks: most units filed (waiting for review), a few not yet, the demo town not yet."""
    unit_ids = set(TaskUnit.objects.filter(task__plan=plan).values_list("unit_id", flat=True))
    unit_ids |= set(plan.indicators.exclude(owner_unit__isnull=True).values_list("owner_unit_id", flat=True))
    unit_ids |= set(plan.indicators.values_list("shares__unit_id", flat=True).exclude(shares__unit_id=None))
    done = set(IndicatorValue.objects.filter(plan=plan).values_list("indicator_id", flat=True))
    office = User.objects.filter(role_assignments__role=Role.OFFICE, is_active=True).order_by("-is_demo", "pk").first()
    demo_town = _demo_town_id()
    filed = {}  # (unit, period) → when the unit filed its month: the unit-typed figure goes with it
    for unit_id, period_id, when in TaskReport.objects.filter(plan=plan).values_list(
            "unit_id", "period_id", "first_submitted_at"):
        if when is not None:
            filed[(unit_id, period_id)] = min(when, filed.get((unit_id, period_id), when))
    objs = []
    for unit in Unit.objects.filter(pk__in=unit_ids).order_by("path"):
        for ind in services.unit_indicators(plan, unit):
            if ind.pk in done:
                continue
            shared = ind.owner_unit_id != unit.pk
            if services.system_value(ind, periods[LAST_MONTH - 1].end, unit if shared else None) is not None:
                continue
            target = ind.shares.filter(unit=unit).values_list("target", flat=True).first() or ind.target
            pace = rng.uniform(0.45, 1.15)
            unit_typed = ind.code == UNIT_INDICATOR["code"]
            for period in periods[:LAST_MONTH]:
                m = period.month
                if unit_typed and ((unit.pk, period.pk) not in filed or m == LAST_MONTH and (
                        unit.pk == demo_town or rng.random() < 0.25)):
                    continue  # the unit did not file that month, or has not typed September's figure yet
                if ind.progress_mode == ProgressMode.CUMULATIVE:
                    value = target * Decimal(m) / 12 * Decimal(str(round(pace, 3)))
                else:
                    value = target * Decimal(str(round(min(pace, 1.05) * (0.9 + 0.1 * m / 12), 3)))
                if ind.measure.strip() in {"家", "个", "名", "所", "项"}:
                    value = value.quantize(Decimal("1"))
                value = value.quantize(Decimal("0.01"))
                when = filed[(unit.pk, period.pk)] if unit_typed else _aware(period.due_on - dt.timedelta(days=1), 15)
                objs.append(IndicatorValue(
                    plan=plan, indicator=ind, unit=unit, period=period, value=value, note=DEMO_NOTE,
                    status=SubmissionStatus.APPROVED if m < LAST_MONTH else SubmissionStatus.SUBMITTED,
                    submitted_at=when, first_submitted_at=when,
                    reviewed_at=when + dt.timedelta(days=2) if m < LAST_MONTH else None,
                    reviewed_by=office if m < LAST_MONTH else None,
                    prefilled_from=PrefillSource.LAST_MONTH if m > 1 else PrefillSource.NONE, version=3,
                ))
    IndicatorValue.objects.bulk_create(objs, batch_size=500)
