"""Who may open each reporting route (see kechuang.core.access). Drafts are the unit's own: other units,
the lead unit, the office and leaders get 404 on a draft and its files."""

from django.core.files.uploadedfile import SimpleUploadedFile

from kechuang.core import files
from kechuang.core.access import ALL_PERSONAS, PLAN_READERS, UNIT_USERS, Route
from kechuang.plans.models import Indicator, Task
from kechuang.reporting import services
from kechuang.reporting.evidence import add_evidence
from kechuang.reporting.models import Evidence, IndicatorValue, Period

PLAN_UNITS_SIX = {"lead", "town", "town_b", "zone"}  # units with a part in task (六)
REVIEWERS = {"office", "lead", "talent"}


def _town_report(ctx, month, submit=False, fill=False, approve=False):
    services.ensure_periods(ctx.plan)
    town = ctx.users["town"]
    task = Task.objects.get(plan=ctx.plan, number="（六）")
    period = Period.objects.get(plan=ctx.plan, month=month)
    row, _ = services.ensure_task_report(ctx.plan, task, town.unit, period, user=town)
    if (submit or fill or approve) and row.status == "draft":
        services.save_draft(row, user=town, data={"percent_complete": "50", "narrative": "进展"},
                            expected_version=row.version)
        row.refresh_from_db()
    if (submit or approve) and row.status == "draft":
        services.submit(row, user=town)
    if approve and row.status == "submitted":
        services.approve(row, user=ctx.users["office"])
    return row


def _unit_reports(ctx):
    """Reports of task (六) in three states: the town's draft and submitted report, and 杨寨镇's draft."""
    services.ensure_periods(ctx.plan)
    town_b = ctx.users["town_b"]
    task = Task.objects.get(plan=ctx.plan, number="（六）")
    other, _ = services.ensure_task_report(ctx.plan, task, town_b.unit, Period.objects.get(plan=ctx.plan, month=5),
                                           user=town_b)
    ctx.reports = {"draft": _town_report(ctx, 5).pk, "submitted": _town_report(ctx, 6, submit=True).pk,
                   "other_draft": other.pk}
    return {"code": ctx.plan.code}


def _report_rows(ctx, persona):
    """Drafts only to their own unit; a submitted report also to the lead unit of its task, the office and
    leaders; nothing to units without a part in it."""
    r = ctx.reports
    return {
        "town": {r["draft"], r["submitted"]},
        "town_b": {r["other_draft"]},
        "lead": {r["submitted"]},
        "office": {r["submitted"]},
        "leader": {r["submitted"]},
    }.get(persona, set())


def _evidence(ctx, month, submit=False):
    row = _town_report(ctx, month)
    ev = add_evidence(row, user=ctx.users["town"], uploaded=SimpleUploadedFile("a.pdf", b"%PDF-1.4\n%%EOF\n"))
    if submit:
        _town_report(ctx, month, submit=True)
    return {"pk": ev.pk}


def _previewed_evidence(ctx, month, submit=False):
    """An evidence file whose PDF preview is ready (the preview is written directly: no LibreOffice here)."""
    pk = _evidence(ctx, month, submit)["pk"]
    ev = Evidence.objects.get(pk=pk)
    name = files.save(f"{ev.storage_name}.pdf", b"%PDF-1.4\n%%EOF\n")
    Evidence.objects.filter(pk=pk).update(preview_status="ready", preview_name=name)
    return {"pk": pk}


def _value(ctx, status="submitted"):
    services.ensure_periods(ctx.plan)
    ind = Indicator.objects.get(plan=ctx.plan, code="HNTE_TOTAL")
    row, _ = IndicatorValue.objects.get_or_create(
        plan=ctx.plan, indicator=ind, unit=ctx.users["lead"].unit, period=Period.objects.get(plan=ctx.plan, month=3),
        defaults={"value": 30, "status": status},
    )
    return {"pk": row.pk}


def _value_in(status):
    return lambda ctx: _value(ctx, status)


def _fill(ctx):
    return {"code": ctx.plan.code, "year": ctx.plan.year, "month": 5}


def _month(ctx, month):
    """The period key (YYYYMM) of ``month``, with the plan's periods created."""
    services.ensure_periods(ctx.plan)
    return f"{ctx.plan.year}{month:02d}"


def _period(ctx):
    return {"pk": services.ensure_periods(ctx.plan)[0].pk}


ROUTES = [
    Route("reporting:home", allow=UNIT_USERS | {"office", "leader"}, ok=(302,)),
    Route("reporting:review_home", allow=REVIEWERS, ok=(302,)),
    Route("reporting:workspace", allow=UNIT_USERS, kwargs=_fill),
    # Autosave saves the caller's own rows only: units with task (六) get their own draft of it (the town, whose
    # row the declaration creates first, gets a version conflict: 409).
    Route("reporting:autosave", allow=UNIT_USERS, kwargs=_fill, method="POST", ok=(200, 409),
          data=lambda ctx: {f"t{_town_report(ctx, 5).task_id}-version": "0",
                            f"t{_town_report(ctx, 5).task_id}-narrative": "自动保存"}),
    Route("reporting:keepalive", allow=ALL_PERSONAS, ok=(204,)),
    Route("reporting:excel_download", allow=UNIT_USERS, kwargs=_fill),
    Route("reporting:excel_upload", allow=UNIT_USERS, kwargs=_fill, method="POST", ok=(302,)),
    Route("reporting:evidence_upload", allow=PLAN_UNITS_SIX, method="POST", ok=(302,),
          kwargs=lambda ctx: {**_fill(ctx), "task_id": _town_report(ctx, 5).task_id},
          data=lambda ctx: {"file": SimpleUploadedFile("进展.pdf", b"%PDF-1.4\n%%EOF\n")}),
    # A draft's file: only the town itself.
    Route("reporting:evidence_download", allow={"town"}, kwargs=lambda ctx: _evidence(ctx, 7)),
    # Once submitted: the lead unit, the office and leaders too; never another town.
    Route("reporting:evidence_download", allow={"town", "lead", "office", "leader"},
          kwargs=lambda ctx: _evidence(ctx, 8, submit=True)),
    Route("reporting:evidence_delete", allow={"town"}, method="POST", ok=(302,),
          kwargs=lambda ctx: _evidence(ctx, 9)),
    Route("reporting:evidence_preview", allow={"town"}, kwargs=lambda ctx: _previewed_evidence(ctx, 10)),
    Route("reporting:evidence_preview", allow={"town", "lead", "office", "leader"},
          kwargs=lambda ctx: _previewed_evidence(ctx, 11, submit=True)),
    Route("reporting:review_queue", allow=REVIEWERS,
          kwargs=lambda ctx: {"code": ctx.plan.code}),
    Route("reporting:task_report_detail", allow={"town"}, kwargs=lambda ctx: {"pk": _town_report(ctx, 5).pk}),
    Route("reporting:task_report_detail", allow={"town", "lead", "office", "leader"},
          kwargs=lambda ctx: {"pk": _town_report(ctx, 6, submit=True).pk}),
    # A draft is the town's own (its approve is refused by the service, changing nothing).
    Route("reporting:task_report_action", allow={"town"}, method="POST", ok=(302,),
          kwargs=lambda ctx: {"pk": _town_report(ctx, 5).pk}, data={"action": "approve"}, changes=False,
          note="draft: no reviewer sees it"),
    Route("reporting:task_report_action", allow={"town", "lead", "office", "leader"}, method="POST", ok=(302,),
          kwargs=lambda ctx: {"pk": _town_report(ctx, 6, submit=True).pk}, data={"action": "approve"}),
    Route("reporting:task_report_action", allow={"town", "lead", "office", "leader"}, method="POST", ok=(302,),
          kwargs=lambda ctx: {"pk": _town_report(ctx, 7, submit=True).pk}, note="return",
          data={"action": "return", "reason": "请补充佐证材料"}),
    Route("reporting:task_report_action", allow={"town", "lead", "office", "leader"}, method="POST", ok=(302,),
          kwargs=lambda ctx: {"pk": _town_report(ctx, 8, approve=True).pk}, note="reopen",
          data={"action": "reopen", "reason": "数据需更正"}),
    Route("reporting:value_detail", allow={"lead", "office", "leader"}, kwargs=_value),
    Route("reporting:value_action", allow={"lead", "office", "leader"}, method="POST", ok=(302,), kwargs=_value,
          data={"action": "approve"}),
    Route("reporting:completeness", allow={"office", "leader"}, kwargs=lambda ctx: {"code": ctx.plan.code}),
    Route("reporting:unit_month", allow=PLAN_READERS,
          kwargs=lambda ctx: {"code": ctx.plan.code, "unit_code": ctx.users["town"].unit.code, "year": ctx.plan.year,
                              "month": 6}),
    Route("reporting:review_batch", allow=REVIEWERS, method="POST", ok=(302,),
          kwargs=lambda ctx: {"code": _town_report(ctx, 6, submit=True).plan.code}, data={"all": "1"}),
    Route("reporting:period_list", allow=PLAN_READERS, kwargs=lambda ctx: {"code": ctx.plan.code}),
    Route("reporting:period_status", allow={"office"}, method="POST", ok=(302,), kwargs=_period,
          data={"status": "open"}),
    Route("reporting:milestones", allow=PLAN_READERS, kwargs=lambda ctx: {"code": ctx.plan.code}),
]

ACTION_OK = (200, 400, 403, 409, 422)  # in scope: the service decides (wrong role 403, wrong state 409, …)
SEERS_SUBMITTED = {"town", "lead", "office", "leader"}


def _report_pk(month, **state):
    return lambda ctx: {"report_id": _town_report(ctx, month, **state).pk}


def _value_pk(status="submitted"):
    return lambda ctx: {"value_id": _value(ctx, status)["pk"]}


ROUTES += [
    Route("api:list_task_reports", allow=PLAN_READERS, kwargs=_unit_reports, rows=_report_rows),
    Route("api:get_task_report", allow={"town"}, kwargs=_report_pk(5)),
    Route("api:get_task_report", allow=SEERS_SUBMITTED, kwargs=_report_pk(6, submit=True)),
    Route("api:put_task_report", allow=SEERS_SUBMITTED, kwargs=_report_pk(6, submit=True)),
    Route("api:submit_task_report", allow={"town"}, method="POST", ok=ACTION_OK, kwargs=_report_pk(5, fill=True)),
    Route("api:approve_task_report", allow=SEERS_SUBMITTED, method="POST", ok=ACTION_OK,
          kwargs=_report_pk(10, submit=True)),
    Route("api:return_task_report", allow=SEERS_SUBMITTED, method="POST", ok=ACTION_OK,
          kwargs=_report_pk(11, submit=True), data={"reason": "请补充佐证材料"}),
    Route("api:reopen_task_report", allow=SEERS_SUBMITTED, method="POST", ok=ACTION_OK,
          kwargs=_report_pk(12, approve=True), data={"reason": "数据需更正"}),
    Route("api:open_task_report", allow=PLAN_UNITS_SIX, method="POST",
          kwargs=lambda ctx: {"code": ctx.plan.code, "period": "202204",
                              "task_id": _town_report(ctx, 5).task_id}),
    Route("api:list_indicator_values", allow=PLAN_READERS, kwargs=lambda ctx: {"code": ctx.plan.code}),
    Route("api:get_indicator_value", allow={"lead", "office", "leader"}, kwargs=_value_pk()),
    Route("api:put_indicator_value", allow={"lead", "office", "leader"}, kwargs=_value_pk()),
    Route("api:submit_indicator_value", allow={"lead", "office", "leader"}, method="POST", ok=ACTION_OK,
          kwargs=_value_pk("draft")),
    Route("api:approve_indicator_value", allow={"lead", "office", "leader"}, method="POST", ok=ACTION_OK,
          kwargs=_value_pk()),
    Route("api:return_indicator_value", allow={"lead", "office", "leader"}, method="POST", ok=ACTION_OK,
          kwargs=_value_pk(), data={"reason": "请核实口径"}),
    Route("api:reopen_indicator_value", allow={"lead", "office", "leader"}, method="POST", ok=ACTION_OK,
          kwargs=_value_pk("approved"), data={"reason": "数据需更正"}),
    Route("api:reporting_completeness", allow={"office", "leader"},
          kwargs=lambda ctx: {"code": ctx.plan.code, "period": _month(ctx, 5)}),
]
