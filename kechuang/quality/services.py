"""The data-quality check (DHIS2's validation rule analysis): every registry rule (registry/plausibility.py)
over every stored row, and the monthly-value rules (reporting/plausibility.py, registry cross-checks
included) over every approved value. One run replaces the previous one. After a committed import a run is
queued for the task worker; it re-checks the registries and carries the previous run's monthly-value findings
over (the registries are what an import changes; the monthly values, over a million rows at province scale, are
re-checked by the daily tick's full run and by 重新检查, plan by plan in memory: see ``monthly_violations``).
"""

from __future__ import annotations

import datetime as dt
import logging
import time

from django.conf import settings
from django.db import models, transaction
from django.db.models import Count, F
from django.urls import reverse
from django.utils import timezone

from kechuang.core.jobs import cancel_later, enqueue, enqueue_later, fail_dead, runner_id
from kechuang.core.models import SystemFlag
from kechuang.core.scoping import restrict
from kechuang.core.xlsx import Sheet, workbook_bytes
from kechuang.registry.config import REGISTRIES
from kechuang.registry.plausibility import ERROR, WARNING, build_context, validate
from kechuang.reporting.choices import SubmissionStatus
from kechuang.reporting.models import IndicatorValue
from kechuang.reporting.plausibility import PlanValues, registry_cross_check

from .models import QualityRun, RunStatus, Severity, Violation

logger = logging.getLogger(__name__)
MONTHLY = "monthly-values"
MONTHLY_LABEL = "月度指标数据"
CHUNK = 5000


def latest_run() -> QualityRun | None:
    return QualityRun.objects.filter(status=RunStatus.DONE).order_by("-pk").first()


def registry_violations(today: dt.date | None = None):
    """(Violation without run, rows checked) for every registry, chunk by chunk."""
    checked = 0
    out: list[Violation] = []
    for cfg in REGISTRIES.values():
        if not cfg.rules:
            continue
        lookup = cfg.model.town_lookup
        qs = cfg.model.objects.all().order_by("pk")
        if cfg.model.__name__ == "Enterprise":
            qs = qs.annotate(_unit=F("town_id"))
        elif lookup:
            qs = qs.annotate(_unit=F(lookup))
        rows = list(qs)
        checked += len(rows)
        ctx = build_context(cfg.key, rows, today)
        for row in rows:
            for v in validate(cfg.key, row, ctx):
                out.append(
                    Violation(
                        source=cfg.key,
                        source_label=cfg.title,
                        object_id=row.pk,
                        record=_record_label(row),
                        url=row.get_absolute_url(),
                        unit_id=getattr(row, "_unit", None),
                        rule=v.rule.code,
                        rule_text=v.rule.text()[:200],
                        severity=v.severity,
                        field=str(cfg.model._meta.get_field(v.field).verbose_name),
                        message=v.message[:300],
                    )
                )
    return out, checked


def _record_label(row) -> str:
    try:
        return str(row)[:200]
    except Exception:  # noqa: BLE001 - a label must not stop the check
        return f"#{row.pk}"


def monthly_violations():
    """Approved monthly values against the reporting rules (range, monotone, parts ≤ whole) and the
    cross-check with the registries' own figures. Plan by plan: each plan's values are read at once and checked
    in memory (``PlanValues``), not with queries per value (a province holds over a million of them)."""
    out: list[Violation] = []
    count = 0
    plan_ids = (IndicatorValue.objects.filter(status=SubmissionStatus.APPROVED, value__isnull=False).order_by()
                .values_list("plan_id", flat=True).distinct())
    for plan_id in sorted(plan_ids):
        for iv, result in PlanValues(plan_id).checks():
            count += 1
            problems = [(ERROR, "monthly_rule", m) for m in result.errors]
            problems += [(WARNING, "monthly_jump", m) for m in result.warnings]
            cross = registry_cross_check(iv)
            if cross:
                problems.append((WARNING, "registry_cross_check", cross))
            for severity, rule, message in problems:
                out.append(
                    Violation(
                        source=MONTHLY,
                        source_label=MONTHLY_LABEL,
                        object_id=iv.pk,
                        record=f"{iv.unit.name} {iv.period} {iv.indicator.name}"[:200],
                        url=reverse("reporting:value_detail", args=[iv.pk]),
                        unit_id=iv.unit_id,
                        rule=rule,
                        rule_text=RULE_TEXTS[rule],
                        severity=severity,
                        field=iv.indicator.name[:60],
                        message=message[:300],
                    )
                )
    return out, count


RULE_TEXTS = {
    "monthly_rule": "月度数据的取值范围、累计数不减少、分项之和不大于合计",
    "monthly_jump": "较上月变动超过50%（请核实）",
    "registry_cross_check": "单位填报数与资源库中本辖区的记录不一致（请核实）",
}


REGISTRIES_ONLY = ("import",)  # triggers whose run re-checks the registries and carries the monthly findings over


def run_check(trigger: str = "manual", today: dt.date | None = None) -> QualityRun:
    """Run the rules over the stored data; the new run replaces the previous one. A run after an import
    (``REGISTRIES_ONLY``) re-checks the registries and keeps the last finished run's monthly-value findings
    (none before the first full run)."""
    registries_only = trigger in REGISTRIES_ONLY
    previous = latest_run() if registries_only else None  # none yet: the monthly values wait for a full run
    run = QualityRun.objects.create(trigger=trigger, runner=runner_id())
    start = time.perf_counter()
    try:
        found, checked = registry_violations(today)
        monthly, count = ([], 0) if registries_only else monthly_violations()
        with transaction.atomic():
            for v in found + monthly:
                v.run = run
            Violation.objects.bulk_create(found + monthly, batch_size=2000)
            if previous is not None:
                Violation.objects.filter(run=previous, source=MONTHLY).update(run=run)
            QualityRun.objects.filter(pk=run.pk).update(
                status=RunStatus.DONE,
                finished=timezone.now(),
                rows_checked=checked + count,
                seconds=time.perf_counter() - start,
            )
            # Keep the latest finished run only (its violations replace the previous ones).
            QualityRun.objects.exclude(pk=run.pk).exclude(status=RunStatus.RUNNING).delete()
    except Exception:  # noqa: BLE001 - a failed check is shown as such, never a traceback page
        logger.exception("data-quality check failed")
        QualityRun.objects.filter(pk=run.pk).update(
            status=RunStatus.FAILED, finished=timezone.now(), message="检查失败（系统内部错误，已记录日志）"
        )
    run.refresh_from_db()
    return run


QUEUED_FLAG = "quality.check.queued"
LATER = "quality-check-later"  # the one-off schedule of a check held back by the spacing below


def import_spacing() -> int:
    """Seconds between the end of a check and the start of the next one asked for by imports. Each check reads
    every registry row (2–3 s of a worker's CPU at 100,000 enterprises): twenty counties importing through the
    day would otherwise keep a worker checking without pause, taking CPU from the web pages on the same machine."""
    return settings.KECHUANG_QUALITY_IMPORT_SPACING


def schedule_check(trigger: str = "import") -> None:
    """Run a check in the task worker once the current transaction has committed. A check already waiting in the
    queue is enough (it reads the data when it starts): every import commit asking for its own full check would
    pile checks up in the queue, and the imports behind them, at province scale. A check asked for by an import
    waits until ``import_spacing()`` seconds after the last check ended; 重新检查 and the daily tick do not wait
    (one of them takes the place of a waiting import check)."""
    queued = SystemFlag.get(QUEUED_FLAG)
    now = timezone.now().timestamp()
    if queued and now - float(queued) < settings.Q_CLUSTER.get("timeout", 1800):
        if trigger not in REGISTRIES_ONLY and cancel_later(LATER):
            _enqueue(trigger)  # the held-back import check becomes this full check, now
        return
    SystemFlag.set(QUEUED_FLAG, str(now))
    # One check at a time: while one runs, the request stays in the flag and the running check enqueues the next
    # when it ends (check_finished). Two concurrent checks would hold both task executors, and the imports
    # waiting behind them, for the whole of a province-scale check. (The flag is written before the running
    # check is looked for, and a check is marked done before it reads the flag: one of the two sees the other.)
    if QualityRun.objects.filter(status=RunStatus.RUNNING).exists():
        return
    _enqueue(trigger)


def _enqueue(trigger: str) -> None:
    func = "kechuang.quality.jobs.run_quality_check"
    if trigger in REGISTRIES_ONLY:
        last = (QualityRun.objects.filter(finished__isnull=False).order_by("-finished")
                .values_list("finished", flat=True).first())
        start = last and last + dt.timedelta(seconds=import_spacing())
        if start and start > timezone.now():
            enqueue_later(func, trigger, at=start, name=LATER)
            return
    enqueue(func, trigger, name=f"quality-check-{trigger}", group="quality")


def check_started() -> None:
    """The queued check has started: a change from now on asks for a new one."""
    SystemFlag.set(QUEUED_FLAG, "")


def check_finished(trigger: str) -> None:
    """A check has ended: the changes asked for while it ran get the next one."""
    if SystemFlag.get(QUEUED_FLAG):
        _enqueue(trigger)


INTERRUPTED = "检查被中断（服务器重启或任务进程退出），请重新检查"


def recover_interrupted_jobs(is_dead) -> int:
    """A run whose process died is marked failed (its violations were never written: one transaction)."""
    return fail_dead(QualityRun.objects.filter(status=RunStatus.RUNNING), is_dead, runner="runner", clock="started",
                     failed={"status": RunStatus.FAILED, "finished": timezone.now(), "message": INTERRUPTED})


def visible_violations(user, run: QualityRun | None = None) -> models.QuerySet:
    run = run or latest_run()
    if run is None:
        return Violation.objects.none()
    return restrict(Violation.objects.filter(run=run), user)


def counts_for(user) -> dict:
    """{"error": n, "warning": m} of the latest run within the user's scope (the dashboard badge)."""
    out = {Severity.ERROR.value: 0, Severity.WARNING.value: 0}
    for row in visible_violations(user).values("severity").annotate(n=Count("pk")):
        out[row["severity"]] = row["n"]
    return out


EXPORT_HEADERS = ["数据类别", "记录", "所属单位", "级别", "规则", "字段", "问题", "记录编号"]


def export_sheet(queryset) -> Sheet:
    """The violations as one sheet (streamed: a run may hold tens of thousands)."""
    rows = ([v.source_label, v.record, v.unit.name if v.unit_id else "", v.get_severity_display(), v.rule_text,
             v.field, v.message, v.object_id] for v in queryset.select_related("unit").iterator(chunk_size=2000))
    return Sheet("数据质量问题", EXPORT_HEADERS, rows)


def export_xlsx(queryset) -> bytes:
    return workbook_bytes(export_sheet(queryset))
