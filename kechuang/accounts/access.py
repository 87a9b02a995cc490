from kechuang.accounts.models import APIToken
from kechuang.accounts.testing import make_user
from kechuang.core.access import ALL_PERSONAS, Route


def _role_target(ctx):
    """A throwaway account, so granting it a role changes no persona's access later in the matrix."""
    return {"pk": make_user(f"grant-target-{len(ctx.users)}", None, ()).pk}


def _town_token(ctx):
    token, _ = APIToken.issue(ctx.users["town"], "对接")
    return {"pk": token.pk}


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
    Route("accounts:user_reset_link", allow={"sysadmin"}, method="POST", kwargs=_role_target),
    Route("accounts:user_active", allow={"sysadmin"}, method="POST", ok=(302,), kwargs=_role_target,
          data={"active": "0"}),
    Route("accounts:password_change", allow=ALL_PERSONAS),
    Route("accounts:password_reset_confirm", allow=ALL_PERSONAS | {"anonymous"},
          kwargs=lambda ctx: {"uidb64": "MQ", "token": "invalid-token"}, note="an invalid link says so to anyone"),
    Route("accounts:token_list", allow=ALL_PERSONAS),
    Route("accounts:token_revoke", allow={"town"}, method="POST", ok=(302,), kwargs=_town_token),
]
