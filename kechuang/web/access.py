from kechuang.core.access import PLAN_READERS, Route

ROUTES = [
    Route("web:home", allow=PLAN_READERS | {"auditor", "sysadmin", "secadmin", "nobody"}, ok=(200, 302)),
    Route("web:unit_list", allow=PLAN_READERS | {"sysadmin", "secadmin"}),
    Route(
        "web:unit_detail",
        allow=PLAN_READERS | {"sysadmin", "secadmin"},
        kwargs=lambda ctx: {"code": ctx.users["town"].unit.code},
    ),
    Route("web:plan_rollover", allow={"office"}, method="POST", ok=(302,), data={"code": "access-rollover"},
          kwargs=lambda ctx: {"code": ctx.plan.code}),
]
