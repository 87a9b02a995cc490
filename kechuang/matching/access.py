from kechuang.core.access import PLAN_READERS, Route
from kechuang.matching.models import Docking
from kechuang.registry.models import Achievement, Demand, Enterprise
from kechuang.registry.validators import make_uscc

READ_TOWN = {"office", "leader", "lead", "dept", "talent", "town"}


def _demand(ctx, persona="town"):
    unit = ctx.users[persona].unit
    ent, _ = Enterprise.objects.get_or_create(uscc=make_uscc(f"91421381MA7{unit.pk:06d}"[:17]),
                                              defaults={"name": f"对接测试企业{unit.pk}", "town": unit})
    demand, _ = Demand.objects.get_or_create(enterprise=ent, title="锂电池隔膜涂覆工艺改进",
                                             defaults={"keywords": "锂电池 隔膜", "description": "隔膜涂层不均"})
    return demand


def _achievement(ctx):
    obj, _ = Achievement.objects.get_or_create(title="锂离子电池隔离膜陶瓷涂覆技术",
                                               defaults={"institution": "某大学", "keywords": "锂离子电池 隔离膜"})
    return obj


def _docking(ctx, persona="town"):
    obj, _ = Docking.objects.get_or_create(demand=_demand(ctx, persona), achievement=_achievement(ctx))
    return obj


ROUTES = [
    Route("matching:demand_list", allow=PLAN_READERS),
    Route("matching:demand_matches", allow=READ_TOWN, kwargs=lambda ctx: {"pk": _demand(ctx).pk}),
    Route("matching:docking_list", allow=PLAN_READERS),
    Route("matching:docking_export", allow=PLAN_READERS),
    Route("matching:docking_detail", allow=READ_TOWN, kwargs=lambda ctx: {"pk": _docking(ctx).pk}),
    # Recording and moving a 对接: the office and the demand's own town only.
    Route("matching:docking_create", allow={"office", "town"}, method="POST", ok=(302,),
          kwargs=lambda ctx: {"pk": _demand(ctx).pk},
          data=lambda ctx: {"kind": "achievement", "target": _achievement(ctx).pk}),
    Route("matching:docking_update", allow={"office", "town"}, method="POST", ok=(302,),
          kwargs=lambda ctx: {"pk": _docking(ctx).pk}, data={"status": "contacted"}),
    Route("api:matching_demand_matches", allow=READ_TOWN, kwargs=lambda ctx: {"demand_id": _demand(ctx).pk}),
    Route("api:matching_dockings", allow=PLAN_READERS),
]
