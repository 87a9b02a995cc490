from kechuang.core.access import PLAN_READERS, Route
from kechuang.policy.models import CultivationEntry
from kechuang.registry.models import Enterprise
from kechuang.registry.validators import make_uscc

from .tables import TABLES

# Departments' reporters read every enterprise (registry rule); a town reads its own only.
READ_TOWN = {"office", "leader", "lead", "dept", "talent", "town"}
READ_TOWN_B = {"office", "leader", "lead", "dept", "talent", "town_b"}


def _enterprise(ctx, persona):
    unit = ctx.users[persona].unit
    code = make_uscc(f"91421381MA9{unit.pk:06d}"[:17])
    ent, _ = Enterprise.objects.get_or_create(uscc=code, defaults={"name": f"访问测试企业{unit.pk}", "town": unit})
    return ent


def _entry(ctx, persona):
    entry, _ = CultivationEntry.objects.get_or_create(enterprise=_enterprise(ctx, persona), year=2022)
    return entry


ROUTES = [
    Route("policy:board", allow=PLAN_READERS),
    *[Route("policy:list", allow=PLAN_READERS, kwargs=lambda ctx, k=k: {"key": k}) for k in TABLES],
    Route("policy:list_export", allow=PLAN_READERS, kwargs=lambda ctx: {"key": "rerecognition"}),
    Route("policy:list_export", allow=PLAN_READERS, kwargs=lambda ctx: {"key": "deduction"}),
    Route("policy:evaluate", allow=READ_TOWN, kwargs=lambda ctx: {"pk": _enterprise(ctx, "town").pk}),
    Route("policy:evaluate", allow=READ_TOWN_B, kwargs=lambda ctx: {"pk": _enterprise(ctx, "town_b").pk}),
    Route("policy:entry_detail", allow=READ_TOWN, kwargs=lambda ctx: {"pk": _entry(ctx, "town").pk}),
    # Only the office and the enterprise's own town change the pipeline (others: 404).
    Route("policy:entry_add", allow={"office", "town"}, method="POST", ok=(302,),
          kwargs=lambda ctx: {"pk": _enterprise(ctx, "town").pk}, data={"year": "2023"}),
    Route("policy:entry_stage", allow={"office", "town"}, method="POST", ok=(302,),
          kwargs=lambda ctx: {"pk": _entry(ctx, "town").pk}, data={"to_stage": "applying"}),
    Route("api:policy_evaluation", allow=READ_TOWN,
          kwargs=lambda ctx: {"enterprise_id": _enterprise(ctx, "town").pk}),
    Route("api:policy_list", allow=PLAN_READERS, kwargs=lambda ctx: {"key": "candidates"}),
]
