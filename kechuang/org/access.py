from kechuang.core.access import PLAN_READERS, Route

ROUTES = [
    Route("api:list_units", allow=PLAN_READERS | {"sysadmin", "secadmin"}),
    Route(
        "api:get_unit",
        allow=PLAN_READERS | {"sysadmin", "secadmin"},
        kwargs=lambda ctx: {"code": ctx.users["town"].unit.code},
    ),
]
