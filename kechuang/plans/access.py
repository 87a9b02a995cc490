from pathlib import Path

from django.core.files.uploadedfile import SimpleUploadedFile

from kechuang.core.access import PLAN_READERS, Route
from kechuang.plans.extract.reading import read_txt_file
from kechuang.plans.extract.workflow import create_draft, draft_yaml, submit_extraction
from kechuang.plans.models import Indicator, Plan, Task


def _task(number):
    return lambda ctx: {"code": ctx.plan.code, "pk": Task.objects.get(plan=ctx.plan, number=number).pk}


def _indicator(code):
    return lambda ctx: {"code": ctx.plan.code, "pk": Indicator.objects.get(plan=ctx.plan, code=code).pk}


ROUTES = [
    Route("plans:plan_list", allow=PLAN_READERS),
    Route("plans:plan_detail", allow=PLAN_READERS, kwargs=lambda ctx: {"code": ctx.plan.code}),
    Route("plans:plan_export", allow={"office"}, kwargs=lambda ctx: {"code": ctx.plan.code}),
    # (六) names 各镇办: every town sees it; 市财政局 (dept) does not answer for it.
    Route("plans:task_detail", allow=PLAN_READERS - {"dept", "talent"}, kwargs=_task("（六）")),
    # (五) is led by 市委人才办; the development zone answers for it, 市财政局 does not.
    Route("plans:task_detail", allow=PLAN_READERS - {"dept"}, kwargs=_task("（五）")),
    # (四) involves only 市科技经信局, 市人社局 and 市科协: towns get 404.
    Route("plans:task_detail", allow={"office", "leader", "lead"}, kwargs=_task("（四）")),
    Route("plans:indicator_detail", allow={"office", "leader", "lead", "dept", "town", "town_b", "zone"},
          kwargs=_indicator("HNTE_NEW")),
    Route("plans:indicator_detail", allow={"office", "leader", "lead"}, kwargs=_indicator("PLATFORMS_FILED")),
    Route("api:list_plans", allow=PLAN_READERS),
    Route("api:get_plan", allow=PLAN_READERS, kwargs=lambda ctx: {"code": ctx.plan.code}),
    Route("api:list_tasks", allow=PLAN_READERS, kwargs=lambda ctx: {"code": ctx.plan.code}),
    Route("api:get_task", allow={"office", "leader", "lead"},
          kwargs=lambda ctx: {"code": ctx.plan.code, "task_id": Task.objects.get(plan=ctx.plan, number="（四）").pk}),
    Route("api:list_indicators", allow=PLAN_READERS, kwargs=lambda ctx: {"code": ctx.plan.code}),
    Route("api:get_indicator", allow={"office", "leader", "lead"},
          kwargs=lambda ctx: {"code": ctx.plan.code,
                              "indicator_id": Indicator.objects.get(plan=ctx.plan, code="PLATFORMS_FILED").pk}),
]


# Extraction pages (office only). Each declaration gets its own draft, extracted from the seed document.
def _extracted_draft(code):
    def build(ctx):
        seed = Path(__file__).resolve().parent / "tests" / "corpus" / "guangshui-2022.txt"
        plan = create_draft(read_txt_file(seed), user=ctx.users["office"], code=code)
        return {"code": plan.code}

    return build


def _edited_yaml(code):
    def build(ctx):
        text = draft_yaml(Plan.objects.get(code=code))
        return {"draft_yaml": text.replace("科技创新", "科技创新（修订）", 1)}

    return build


def _extraction_job(ctx):
    job = submit_extraction(SimpleUploadedFile("plan.txt", "一、总体目标\n".encode()), user=ctx.users["office"])
    return {"pk": job.pk}


ROUTES += [
    Route("plans:extract_upload", allow={"office"}),
    # An upload's extraction job: followed by the office that uploaded it.
    Route("plans:extract_job", allow={"office"}, kwargs=_extraction_job),
    Route("plans:extract_review", allow={"office"}, kwargs=_extracted_draft("access-extract-review")),
    # The bundled (active) plan: the office may open its review page; nobody else sees it there.
    Route("plans:extract_review", allow={"office"}, kwargs=lambda ctx: {"code": ctx.plan.code}),
    Route("plans:extract_save", allow={"office"}, method="POST", ok=(200,), data={"draft_yaml": "code: 其他"},
          kwargs=_extracted_draft("access-extract-save"), changes=False, note="invalid draft: shown again"),
    Route("plans:extract_save", allow={"office"}, method="POST", ok=(302,), data=_edited_yaml("access-extract-save2"),
          kwargs=_extracted_draft("access-extract-save2"), note="valid draft"),
    Route("plans:extract_edit", allow={"office"}, method="POST", ok=(302,),
          kwargs=_extracted_draft("access-extract-edit")),
    Route("plans:extract_activate", allow={"office"}, method="POST", ok=(302,),
          kwargs=_extracted_draft("access-extract-activate")),
]
