"""Who may manage accounts and roles (accounts/rules.py): 三员分立, persona by persona."""

from __future__ import annotations

import pytest

from kechuang.accounts.models import APIToken
from kechuang.core.testing import who_may


@pytest.mark.parametrize("perm, allowed", [
    ("accounts.list_users", {"sysadmin", "secadmin"}),
    ("accounts.manage_account", {"sysadmin"}),
    ("accounts.assign_role", {"secadmin"}),
])
def test_each_administrator_does_only_their_own_part(personas, perm, allowed):
    assert who_may(personas, perm) == allowed


def test_a_token_is_revoked_by_its_owner_or_the_system_administrator(personas):
    token, _key = APIToken.issue(personas["town"], "integration")
    assert who_may(personas, "accounts.revoke_apitoken", token) == {"town", "sysadmin"}
