"""Assessment services: load the scheme (data), gather the inputs from the supervision engine and
the reporting data, compute, publish (frozen), bonuses and vetoes. Changes are office-only,
atomic and audited."""

from __future__ import annotations

import datetime as dt
import logging
from collections import defaultdict
from decimal import Decimal
from pathlib import Path

import yaml
from django.db import transaction
from django.utils import timezone

from kechuang.audit.services import record_event
from kechuang.bulletins.compose import approved_reports
from kechuang.core.jobs import INTERRUPTED, enqueue, fail_dead, runner_id
from kechuang.plans.models import Indicator, IndicatorShare, Plan, TaskUnit
from kechuang.reporting.models import IndicatorValue, TaskReport
from kechuang.supervision import engine as supervision
from kechuang.supervision.models import OrderStatus, SupervisionOrder

from . import engine as scoring
from .models import AssessmentBonus, AssessmentResult, AssessmentScheme, AssessmentVeto, ResultStatus

logger = logging.getLogger(__name__)
DATA_DIR = Path(__file__).resolve().parent / "data"
SCHEME_FORMAT = "kechuang-assessment/1"


class AssessmentError(Exception):
    status_code = 409

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


def _require_office(user, perm: str = "assessment.change_assessmentscheme") -> None:
    """The office's actions (declared in assessment/rules.py); no user is the command line."""
    if user is not None and not user.has_perm(perm):
        raise AssessmentError("只有领导小组办公室可以维护考核")


# ------------------------------------------------------------------------------------------ scheme


def default_scheme_path(plan) -> Path:
    return DATA_DIR / f"{plan.code}-assessment.yaml"


def validate_config(config: dict, plan) -> list[str]:
    errors = []
    if config.get("format") != SCHEME_FORMAT:
        errors.append(f"文件格式应为 {SCHEME_FORMAT}")
    if not config.get("groups"):
        errors.append("缺少单位分组（groups）")
    if config.get("rank_by", "total") not in ("total", "rate"):
        errors.append("rank_by 应为 total（按得分排名）或 rate（按得分率排名）")
    codes = set(Indicator.objects.filter(plan=plan).values_list("code", flat=True))
    for i, row in enumerate(config.get("indicators", []) or [], 1):
        if row.get("code") not in codes:
            errors.append(f"indicators 第{i}项：方案中没有指标 {row.get('code')}")
        if row.get("method", "ratio_capped") != "ratio_capped":
            errors.append(f"indicators 第{i}项：未知的计分方法 {row.get('method')}")
        try:
            if Decimal(str(row.get("weight"))) < 0:
                raise ValueError
        except Exception:
            errors.append(f"indicators 第{i}项：权重无效")
    return errors


def load_scheme(path, *, user=None) -> AssessmentScheme:
    """Create or update the scheme of the file's plan and year (idempotent)."""
    _require_office(user)
    path = Path(path)
    try:
        config = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise AssessmentError(f"无法读取考核方案文件：{exc}") from exc
    plan = Plan.objects.filter(code=config.get("plan")).first()
    if plan is None:
        raise AssessmentError(f"考核方案文件中的方案不存在：{config.get('plan')}")
    errors = validate_config(config, plan)
    if errors:
        raise AssessmentError("；".join(errors))
    with transaction.atomic():
        scheme, created = AssessmentScheme.objects.update_or_create(
            plan=plan, year=int(config["year"]),
            defaults={"name": config["name"], "config": config, "source_file": path.name},
        )
        record_event("assessment.scheme_load", user=user, obj=scheme, detail={"file": path.name, "created": created})
    return scheme


def ensure_scheme(plan, *, user=None) -> AssessmentScheme | None:
    scheme = AssessmentScheme.objects.filter(plan=plan, year=plan.year).first()
    if scheme is None and default_scheme_path(plan).exists():
        scheme = load_scheme(default_scheme_path(plan), user=user)
    return scheme


# ------------------------------------------------------------------------------------------ inputs


def group_of(config: dict, unit) -> dict | None:
    for group in config.get("groups", []):
        if unit.kind in group.get("kinds", []):
            return group
    return None


def default_as_of(scheme) -> dt.date:
    return dt.date(scheme.year, 12, 31)


def gather(scheme, as_of: dt.date) -> list[scoring.UnitInput]:
    """The inputs of every assessed unit: statuses from the supervision engine (values resolved
    there), approved task reports, report timeliness, overdue 督办单, bonuses and vetoes."""
    plan, config = scheme.plan, scheme.config
    units = [(u, group_of(config, u)) for u in supervision.plan_units(plan)]
    units = [(u, g) for u, g in units if g is not None]
    by_unit = _indicator_inputs(plan, config, as_of, [u for u, _g in units])
    task_units = _task_inputs(plan, as_of)
    late, missing = _report_lapses(plan, as_of)
    overdue = _overdue_orders(scheme, as_of)
    bonuses = defaultdict(list)
    for b in AssessmentBonus.objects.filter(scheme=scheme).order_by("pk"):
        bonuses[b.unit_id].append({"bonus_id": b.pk, "points": str(b.points), "reason": b.reason})
    vetoes = {v.unit_id: {"veto_id": v.pk, "reason": v.reason} for v in AssessmentVeto.objects.filter(scheme=scheme)}

    return [
        scoring.UnitInput(
            unit_id=u.pk, unit=u.name, group=g["name"], indicators=by_unit.get(u.pk, []),
            tasks=task_units.get(u.pk, []), late_reports=late.get(u.pk, []), missing_reports=missing.get(u.pk, []),
            overdue_orders=overdue.get(u.pk, []), bonuses=bonuses.get(u.pk, []), veto=vetoes.get(u.pk),
        )
        for u, g in units
    ]


def _indicator_inputs(plan, config: dict, as_of: dt.date, units: list) -> dict[int, list]:
    """{unit id: the scheme's indicators it answers for}: those it owns, then its shares of the others."""
    entries = {row["code"]: row for row in config.get("indicators", [])}

    def indicator_input(st, target=None) -> scoring.IndicatorInput:
        row = entries[st.indicator.code]
        tgt = target if target is not None else (st.target if st.target is not None else st.indicator.target)
        return scoring.IndicatorInput(
            code=st.indicator.code, name=st.indicator.name, weight=Decimal(str(row["weight"])), actual=st.actual,
            target=tgt, comparator=st.indicator.comparator, method=row.get("method", "ratio_capped"),
            cap=Decimal(str(row.get("cap", 1))), bands=row.get("bands") or [], light=st.light,
            indicator_id=st.indicator.pk,
        )

    by_unit: dict[int, list] = defaultdict(list)
    for st in supervision.indicator_statuses(plan, as_of):
        if st.indicator.code in entries and st.indicator.owner_unit_id:
            by_unit[st.indicator.owner_unit_id].append(indicator_input(st))
    share_units = set(IndicatorShare.objects.filter(indicator__plan=plan, indicator__code__in=list(entries))
                      .values_list("unit_id", flat=True))
    for unit in units:
        if unit.pk in share_units:
            owned = {i.code for i in by_unit[unit.pk]}
            for st in supervision.indicator_statuses(plan, as_of, unit=unit):
                if st.indicator.code in entries and st.indicator.code not in owned:
                    by_unit[unit.pk].append(indicator_input(st))
    return by_unit


def _task_inputs(plan, as_of: dt.date) -> dict[int, list]:
    """{unit id: its tasks, each with the percent of its latest approved report}."""
    approved = approved_reports(plan, as_of)
    task_units = defaultdict(list)
    for tu in TaskUnit.objects.filter(task__plan=plan).select_related("task").order_by("task__seq"):
        if all(t.task_id != tu.task_id for t in task_units[tu.unit_id]):
            report = approved.get(tu.task_id, {}).get(tu.unit_id)
            task_units[tu.unit_id].append(scoring.TaskInput(
                tu.task_id, f"{tu.task.number}{tu.task.title}",
                report.percent_complete if report is not None else None, report.pk if report is not None else None,
            ))
    return task_units


def _report_lapses(plan, as_of: dt.date) -> tuple[dict[int, list], dict[int, list]]:
    """({unit id: months reported late}, {unit id: months not reported}), each month with its report ids."""
    cells = supervision.completeness(plan, as_of)
    report_ids = defaultdict(list)
    for model in (TaskReport, IndicatorValue):
        for unit_id, month, pk in model.objects.filter(plan=plan, period__year=plan.year).values_list(
                "unit_id", "period__month", "pk"):
            report_ids[(unit_id, month)].append(pk)
    late, missing = defaultdict(list), defaultdict(list)
    for (unit_id, month), state in sorted(cells.items(), key=lambda kv: kv[0][1]):
        row = {"month": month, "report_ids": sorted(report_ids.get((unit_id, month), []))}
        if state == supervision.LATE:
            late[unit_id].append(row)
        elif state == supervision.MISSING:
            missing[unit_id].append(row)
    return late, missing


def _overdue_orders(scheme, as_of: dt.date) -> dict[int, list]:
    """{unit id: its 督办单 unanswered past their due date by ``as_of``, or answered late}."""
    overdue = defaultdict(list)
    orders = SupervisionOrder.objects.filter(plan=scheme.plan, year=scheme.year, reply_due__isnull=False).exclude(
        status__in=(OrderStatus.PROPOSED, OrderStatus.DISMISSED))
    for order in orders.order_by("number", "pk"):
        replied_late = bool(order.replied_at and timezone.localdate(order.replied_at) > order.reply_due)
        unanswered = order.reply_due < as_of and (
            order.replied_at is None or timezone.localdate(order.replied_at) > as_of)
        if unanswered or replied_late:
            overdue[order.unit_id].append({"order_id": order.pk, "number": order.display_number,
                                           "reply_due": order.reply_due.isoformat(), "replied_late": replied_late})
    return overdue


def compute(scheme, as_of: dt.date | None = None) -> dict:
    """Scores of every assessed unit, ranked per group, as a JSON-ready dict."""
    as_of = as_of or default_as_of(scheme)
    scores = scoring.score_all(gather(scheme, as_of), scoring.Rules.from_config(scheme.config))
    groups = []
    for group in scheme.config.get("groups", []):
        members = [scoring.as_json(s) for s in scores if s.group == group["name"]]
        groups.append({"code": group["code"], "name": group["name"], "units": members})
    return {"scheme": scheme.name, "year": scheme.year, "as_of": as_of.isoformat(), "groups": groups}


# --------------------------------------------------------------------------------------- workflow


def refresh_draft(scheme, *, user=None, as_of: dt.date | None = None, now=None) -> AssessmentResult:
    """Compute from the current data and store it as the draft result."""
    _require_office(user)
    _check_open(scheme)
    as_of = as_of or default_as_of(scheme)
    data = compute(scheme, as_of)
    with transaction.atomic():
        result, _ = AssessmentResult.objects.update_or_create(
            scheme=scheme, status=ResultStatus.DRAFT,
            defaults={"as_of": as_of, "data": data, "computed_at": now or timezone.now()},
        )
        record_event("assessment.compute", user=user, obj=result, detail={"as_of": as_of.isoformat()})
    return result


def publish_assessment(scheme, *, user, as_of: dt.date | None = None, now=None) -> AssessmentResult:
    """Compute and freeze the result; a published result never changes again."""
    _require_office(user, "assessment.publish_assessment")
    now = now or timezone.now()
    with transaction.atomic():
        AssessmentScheme.objects.select_for_update().get(pk=scheme.pk)
        if AssessmentResult.objects.filter(scheme=scheme, status=ResultStatus.PUBLISHED).exists():
            raise AssessmentError("考核结果已公布，不能再次公布")
        as_of = as_of or default_as_of(scheme)
        result = AssessmentResult.objects.create(
            scheme=scheme, status=ResultStatus.PUBLISHED, as_of=as_of, data=compute(scheme, as_of),
            computed_at=now, published_at=now, published_by=user,
        )
        record_event("assessment.publish", user=user, obj=result, detail={"as_of": as_of.isoformat()})
    return result


# ------------------------------------------------------------------------------------ queued runs

RUN_QUEUED, RUN_RUNNING, RUN_FAILED = "queued", "running", "failed"
RUN_COMPUTE, RUN_PUBLISH = "compute", "publish"


def request_run(scheme, *, user, publish: bool = False) -> AssessmentScheme:
    """Queue a draft computation (or the publication) of ``scheme`` for the task worker. One run at a time per
    scheme: asking again while one is queued or running (a double click) is refused and changes nothing."""
    _require_office(user)
    with transaction.atomic():
        current = AssessmentScheme.objects.select_for_update().get(pk=scheme.pk)
        _check_open(current)
        if current.run_state in (RUN_QUEUED, RUN_RUNNING):
            raise AssessmentError("考核结果正在计算，请等待完成后再操作")
        kind = RUN_PUBLISH if publish else RUN_COMPUTE
        AssessmentScheme.objects.filter(pk=current.pk).update(run_state=RUN_QUEUED, run_kind=kind, run_error="",
                                                              run_by=user, run_runner="", run_started=None)
        enqueue("kechuang.assessment.jobs.run_assessment", current.pk, name=f"assessment-{kind}-{current.pk}",
                group="assessment")
        record_event(f"assessment.{kind}_queued", user=user, obj=current)
    current.refresh_from_db()
    return current


def run_assessment(pk: int) -> None:
    """The worker's side of request_run. Idempotent: only a queued run is claimed; the result is written in one
    transaction by refresh_draft / publish_assessment, so a failure leaves the previous result as it was."""
    claimed = AssessmentScheme.objects.filter(pk=pk, run_state=RUN_QUEUED).update(
        run_state=RUN_RUNNING, run_runner=runner_id(), run_started=timezone.now())
    if not claimed:
        return
    scheme = AssessmentScheme.objects.select_related("plan", "run_by").get(pk=pk)
    try:
        if scheme.run_kind == RUN_PUBLISH:
            publish_assessment(scheme, user=scheme.run_by)
        else:
            refresh_draft(scheme, user=scheme.run_by)
    except AssessmentError as exc:
        error = exc.message
    except Exception as exc:  # noqa: BLE001 - the office sees a message, the log keeps the traceback
        logger.exception("assessment run of scheme %s failed", pk)
        error = f"考核计算失败（{type(exc).__name__}），请稍后重试或联系管理员"
    else:
        AssessmentScheme.objects.filter(pk=pk, run_state=RUN_RUNNING).update(run_state="", run_error="")
        return
    AssessmentScheme.objects.filter(pk=pk, run_state=RUN_RUNNING).update(run_state=RUN_FAILED,
                                                                         run_error=error[:300])


def recover_interrupted_jobs(is_dead) -> int:
    """Fail runs whose worker died (nothing was written: results are stored in one transaction)."""
    return fail_dead(AssessmentScheme.objects.filter(run_state=RUN_RUNNING), is_dead, runner="run_runner",
                     clock="run_started", failed={"run_state": RUN_FAILED, "run_error": INTERRUPTED})


def _check_open(scheme) -> None:
    if AssessmentResult.objects.filter(scheme=scheme, status=ResultStatus.PUBLISHED).exists():
        raise AssessmentError("考核结果已公布，不能再重新计算或修改加分、否决")


def add_bonus(scheme, *, user, unit, points, reason: str) -> AssessmentBonus:
    _require_office(user)
    try:
        points = Decimal(str(points))
    except Exception as exc:
        raise AssessmentError("加分应为数字") from exc
    if points <= 0 or not reason.strip():
        raise AssessmentError("加分应大于0，并填写加分事由")
    with transaction.atomic():
        _check_open(scheme)
        bonus = AssessmentBonus.objects.create(scheme=scheme, unit=unit, points=points, reason=reason.strip()[:300],
                                               entered_by=user)
        record_event("assessment.bonus_add", user=user, obj=bonus, detail={"unit": unit.name, "points": str(points)})
    return bonus


def remove_bonus(bonus, *, user) -> None:
    _require_office(user)
    with transaction.atomic():
        _check_open(bonus.scheme)
        record_event("assessment.bonus_remove", user=user, obj=bonus)
        bonus.delete()


def add_veto(scheme, *, user, unit, reason: str) -> AssessmentVeto:
    _require_office(user)
    if not reason.strip():
        raise AssessmentError("请填写否决事由")
    with transaction.atomic():
        _check_open(scheme)
        veto, _ = AssessmentVeto.objects.update_or_create(scheme=scheme, unit=unit,
                                                          defaults={"reason": reason.strip()[:300],
                                                                    "entered_by": user})
        record_event("assessment.veto_add", user=user, obj=veto, detail={"unit": unit.name})
    return veto


def remove_veto(veto, *, user) -> None:
    _require_office(user)
    with transaction.atomic():
        _check_open(veto.scheme)
        record_event("assessment.veto_remove", user=user, obj=veto)
        veto.delete()
