"""Who may manage accounts and roles (django-rules; predicates in ``kechuang.core.predicates``).

三员分立: the system administrator manages accounts, the security administrator grants and revokes roles.
Nobody acts on their own account (checked in ``services``).
"""

from __future__ import annotations

import rules

from kechuang.core.predicates import is_secadmin, is_sysadmin


@rules.predicate
def is_own_token(user, token) -> bool:
    return token is not None and token.user_id == user.pk


rules.add_perm("accounts.list_users", is_sysadmin | is_secadmin)
rules.add_perm("accounts.manage_account", is_sysadmin)
rules.add_perm("accounts.assign_role", is_secadmin)
# A user revokes their own API tokens; the system administrator anyone's.
rules.add_perm("accounts.revoke_apitoken", is_own_token | is_sysadmin)
