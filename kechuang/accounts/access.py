from kechuang.core.access import Route


def _role_target(ctx):
    """A throwaway account, so granting it a role changes no persona's access later in the matrix."""
    from kechuang.core.testing import make_user

    return {"pk": make_user(f"grant-target-{len(ctx.users)}", None, ()).pk}


ROUTES = [
    Route("accounts:user_list", allow={"sysadmin", "secadmin"}),
    Route("accounts:user_create", allow={"sysadmin"}),
    Route(
        "accounts:user_roles",
        allow={"secadmin"},
        method="POST",
        ok=(302,),
        kwargs=_role_target,
        data={"role": "reviewer", "action": "grant"},
    ),
]
