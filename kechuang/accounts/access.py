from kechuang.core.access import Route

ROUTES = [
    Route("accounts:user_list", allow={"sysadmin", "secadmin"}),
    Route("accounts:user_create", allow={"sysadmin"}),
    Route("accounts:user_roles", allow={"secadmin"}, method="POST", ok=(302,),
          kwargs=lambda ctx: {"pk": ctx.users["town"].pk}, data={"role": "reviewer", "action": "grant"}),
]
