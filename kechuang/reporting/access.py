"""Who may open each reporting route (see kechuang.core.access). Drafts are the unit's own: other units,
the lead unit, the office and leaders get 404 on a draft and its files."""

from django.core.files.uploadedfile import SimpleUploadedFile

from kechuang.core.access import PLAN_READERS, UNIT_USERS, Route

PLAN_UNITS_SIX = {"lead", "town", "town_b", "zone"}  # units with a part in task (六)
REVIEWERS = {"office", "lead", "talent"}


def _town_report(ctx, month, submit=False):
    from kechuang.plans.models import Task
    from kechuang.reporting import services
    from kechuang.reporting.models import Period

    services.ensure_periods(ctx.plan)
    town = ctx.users["town"]
    task = Task.objects.get(plan=ctx.plan, number="（六）")
    period = Period.objects.get(plan=ctx.plan, month=month)
    row, _ = services.ensure_task_report(ctx.plan, task, town.unit, period, user=town)
    if submit and row.status == "draft":
        services.save_draft(row, user=town, data={"percent_complete": "50", "narrative": "进展"},
                            expected_version=row.version)
        services.submit(row, user=town)
    return row


def _evidence(ctx, month, submit=False):
    from kechuang.reporting.evidence import add_evidence

    row = _town_report(ctx, month)
    ev = add_evidence(row, user=ctx.users["town"], uploaded=SimpleUploadedFile("a.pdf", b"%PDF-1.4\n%%EOF\n"))
    if submit:
        _town_report(ctx, month, submit=True)
    return {"pk": ev.pk}


def _value(ctx):
    from kechuang.plans.models import Indicator
    from kechuang.reporting import services
    from kechuang.reporting.models import IndicatorValue, Period

    services.ensure_periods(ctx.plan)
    ind = Indicator.objects.get(plan=ctx.plan, code="HNTE_TOTAL")
    row, _ = IndicatorValue.objects.get_or_create(
        plan=ctx.plan, indicator=ind, unit=ctx.users["lead"].unit, period=Period.objects.get(plan=ctx.plan, month=3),
        defaults={"value": 30, "status": "submitted"},
    )
    return {"pk": row.pk}


def _fill(ctx):
    return {"code": ctx.plan.code, "year": ctx.plan.year, "month": 5}


def _month(ctx, month):
    """The period key (YYYYMM) of ``month``, with the plan's periods created."""
    from kechuang.reporting import services

    services.ensure_periods(ctx.plan)
    return f"{ctx.plan.year}{month:02d}"


def _period(ctx):
    from kechuang.reporting import services

    return {"pk": services.ensure_periods(ctx.plan)[0].pk}


ROUTES = [
    Route("reporting:home", allow=UNIT_USERS | {"office", "leader"}, ok=(302,)),
    Route("reporting:review_home", allow=REVIEWERS, ok=(302,)),
    Route("reporting:workspace", allow=UNIT_USERS, kwargs=_fill),
    Route("reporting:excel_download", allow=UNIT_USERS, kwargs=_fill),
    Route("reporting:excel_upload", allow=UNIT_USERS, kwargs=_fill, method="POST", ok=(302,)),
    Route("reporting:evidence_upload", allow=PLAN_UNITS_SIX, method="POST", ok=(302,),
          kwargs=lambda ctx: {**_fill(ctx), "task_id": _town_report(ctx, 5).task_id}),
    # A draft's file: only the town itself.
    Route("reporting:evidence_download", allow={"town"}, kwargs=lambda ctx: _evidence(ctx, 7)),
    # Once submitted: the lead unit, the office and leaders too; never another town.
    Route("reporting:evidence_download", allow={"town", "lead", "office", "leader"},
          kwargs=lambda ctx: _evidence(ctx, 8, submit=True)),
    Route("reporting:evidence_delete", allow={"town"}, method="POST", ok=(302,),
          kwargs=lambda ctx: _evidence(ctx, 9)),
    Route("reporting:review_queue", allow=REVIEWERS,
          kwargs=lambda ctx: {"code": ctx.plan.code}),
    Route("reporting:task_report_detail", allow={"town"}, kwargs=lambda ctx: {"pk": _town_report(ctx, 5).pk}),
    Route("reporting:task_report_detail", allow={"town", "lead", "office", "leader"},
          kwargs=lambda ctx: {"pk": _town_report(ctx, 6, submit=True).pk}),
    Route("reporting:task_report_action", allow={"town"}, method="POST", ok=(302,),
          kwargs=lambda ctx: {"pk": _town_report(ctx, 5).pk}),
    Route("reporting:task_report_action", allow={"town", "lead", "office", "leader"}, method="POST", ok=(302,),
          kwargs=lambda ctx: {"pk": _town_report(ctx, 6, submit=True).pk}),
    Route("reporting:value_detail", allow={"lead", "office", "leader"}, kwargs=_value),
    Route("reporting:value_action", allow={"lead", "office", "leader"}, method="POST", ok=(302,), kwargs=_value),
    Route("reporting:completeness", allow={"office", "leader"}, kwargs=lambda ctx: {"code": ctx.plan.code}),
    Route("reporting:unit_month", allow=PLAN_READERS,
          kwargs=lambda ctx: {"code": ctx.plan.code, "unit_code": ctx.users["town"].unit.code, "year": ctx.plan.year,
                              "month": 6}),
    Route("reporting:review_batch", allow=REVIEWERS, method="POST", ok=(302,),
          kwargs=lambda ctx: {"code": ctx.plan.code}, data={"all": "1"}),
    Route("reporting:period_list", allow=PLAN_READERS, kwargs=lambda ctx: {"code": ctx.plan.code}),
    Route("reporting:period_status", allow={"office"}, method="POST", ok=(302,), kwargs=_period,
          data={"status": "open"}),
    Route("reporting:milestones", allow=PLAN_READERS, kwargs=lambda ctx: {"code": ctx.plan.code}),
]

ACTION_OK = (200, 400, 403, 409, 422)  # in scope: the service decides (wrong role 403, wrong state 409, …)
SEERS_SUBMITTED = {"town", "lead", "office", "leader"}


def _report_pk(month, submit=False):
    return lambda ctx: {"report_id": _town_report(ctx, month, submit=submit).pk}


def _value_pk(ctx):
    return {"value_id": _value(ctx)["pk"]}


ROUTES += [
    Route("api:list_task_reports", allow=PLAN_READERS, kwargs=lambda ctx: {"code": ctx.plan.code}),
    Route("api:get_task_report", allow={"town"}, kwargs=_report_pk(5)),
    Route("api:get_task_report", allow=SEERS_SUBMITTED, kwargs=_report_pk(6, submit=True)),
    Route("api:put_task_report", allow=SEERS_SUBMITTED, kwargs=_report_pk(6, submit=True)),
    Route("api:submit_task_report", allow={"town"}, method="POST", ok=ACTION_OK, kwargs=_report_pk(5)),
    Route("api:approve_task_report", allow=SEERS_SUBMITTED, method="POST", ok=ACTION_OK,
          kwargs=_report_pk(10, submit=True)),
    Route("api:return_task_report", allow=SEERS_SUBMITTED, method="POST", ok=ACTION_OK,
          kwargs=_report_pk(11, submit=True)),
    Route("api:reopen_task_report", allow=SEERS_SUBMITTED, method="POST", ok=ACTION_OK,
          kwargs=_report_pk(12, submit=True)),
    Route("api:open_task_report", allow=PLAN_UNITS_SIX, method="POST",
          kwargs=lambda ctx: {"code": ctx.plan.code, "period": "202204",
                              "task_id": _town_report(ctx, 5).task_id}),
    Route("api:list_indicator_values", allow=PLAN_READERS, kwargs=lambda ctx: {"code": ctx.plan.code}),
    Route("api:get_indicator_value", allow={"lead", "office", "leader"}, kwargs=_value_pk),
    Route("api:put_indicator_value", allow={"lead", "office", "leader"}, kwargs=_value_pk),
    Route("api:submit_indicator_value", allow={"lead", "office", "leader"}, method="POST", ok=ACTION_OK,
          kwargs=_value_pk),
    Route("api:approve_indicator_value", allow={"lead", "office", "leader"}, method="POST", ok=ACTION_OK,
          kwargs=_value_pk),
    Route("api:return_indicator_value", allow={"lead", "office", "leader"}, method="POST", ok=ACTION_OK,
          kwargs=_value_pk),
    Route("api:reopen_indicator_value", allow={"lead", "office", "leader"}, method="POST", ok=ACTION_OK,
          kwargs=_value_pk),
    Route("api:reporting_completeness", allow={"office", "leader"},
          kwargs=lambda ctx: {"code": ctx.plan.code, "period": _month(ctx, 5)}),
]
