from kechuang.assessment import services
from kechuang.assessment.models import AssessmentResult, ResultStatus
from kechuang.core.access import PLAN_READERS, Route
from kechuang.org.models import Unit

OFFICE = {"office"}
READERS = {"office", "leader"}


def _scheme(ctx):
    return services.ensure_scheme(ctx.plan)


def _pk(ctx):
    return {"pk": _scheme(ctx).pk}


def _unit_pk(name):
    def get(ctx):
        return Unit.objects.get(name=name).pk

    return get


def _bonus(ctx):
    bonus = services.add_bonus(_scheme(ctx), user=ctx.users["office"], unit=Unit.objects.get(name="杨寨镇"),
                               points="1", reason="待删除的加分")
    return {"pk": bonus.pk}


def _veto(ctx):
    veto = services.add_veto(_scheme(ctx), user=ctx.users["office"], unit=Unit.objects.get(name="杨寨镇"),
                             reason="待撤销的否决")
    return {"pk": veto.pk}


def _published_town_result(ctx):
    scheme = _scheme(ctx)
    if not AssessmentResult.objects.filter(scheme=scheme, status=ResultStatus.PUBLISHED).exists():
        services.publish_assessment(scheme, user=ctx.users["office"])
    return {"pk": scheme.pk, "unit_id": ctx.users["town"].unit_id}


ROUTES = [
    Route("assessment:scheme_list", allow=PLAN_READERS),
    Route("assessment:scheme_load", allow=OFFICE, method="POST", ok=(302,), data=lambda ctx: {"plan": ctx.plan.code}),
    # Before publication a unit has no result to see.
    Route("assessment:scheme_detail", allow=READERS, kwargs=_pk),
    Route("assessment:compute", allow=OFFICE, kwargs=_pk, method="POST", ok=(302,)),
    Route("assessment:run_status", allow=OFFICE, kwargs=_pk),
    Route("assessment:bonus_add", allow=OFFICE, kwargs=_pk, method="POST", ok=(302,),
          data=lambda ctx: {"unit": _unit_pk("武胜关镇")(ctx), "points": "1", "reason": "省级表彰"}),
    Route("assessment:veto_add", allow=OFFICE, kwargs=_pk, method="POST", ok=(302,),
          data=lambda ctx: {"unit": _unit_pk("陈巷镇")(ctx), "reason": "重大失信"}),
    Route("assessment:bonus_delete", allow=OFFICE, kwargs=_bonus, method="POST", ok=(302,)),
    Route("assessment:veto_delete", allow=OFFICE, kwargs=_veto, method="POST", ok=(302,)),
    Route("assessment:results_xlsx", allow=READERS, kwargs=_pk),
    Route("assessment:results_docx", allow=READERS, kwargs=_pk),
    Route("assessment:commendation", allow=READERS, kwargs=_pk),
    Route("assessment:commendation_xlsx", allow=READERS, kwargs=_pk),
    Route("assessment:evaluation", allow=READERS, kwargs=lambda ctx: {"code": ctx.plan.code}),
    Route("assessment:evaluation_load", allow=OFFICE, kwargs=lambda ctx: {"code": ctx.plan.code}, method="POST",
          ok=(302,)),
    Route("assessment:publish", allow=OFFICE, kwargs=_pk, method="POST", ok=(302,)),
    # After publication: a town sees its own result, not another town's.
    Route("assessment:unit_result", allow={"office", "leader", "town"}, kwargs=_published_town_result),
    Route("assessment:scheme_detail", allow=READERS | {"town", "town_b", "zone", "lead", "dept", "talent"},
          kwargs=lambda ctx: {"pk": _published_town_result(ctx)["pk"]}, note="units see their own published row"),
]

ROUTES += [
    Route("api:get_assessment_result", allow={"office", "leader", "town", "town_b", "zone", "lead", "dept", "talent"},
          kwargs=lambda ctx: {"scheme_id": _published_town_result(ctx)["pk"]},
          note="units get their own published row only"),
]
