"""Who may do each registry action (registry/rules.py), persona by persona."""

from __future__ import annotations

import pytest

from kechuang.core.testing import who_may


@pytest.mark.parametrize("perm, allowed", [
    ("registry.view_registries", {"office", "leader", "lead", "dept", "talent", "town", "town_b", "zone"}),
    ("registry.unmask_talent", {"talent"}),
    ("registry.assign_any_unit", {"office"}),
    ("registry.resolve_conflict", {"office"}),
])
def test_each_persona_may_act_on_the_registries_as_declared(personas, perm, allowed):
    assert who_may(personas, perm) == allowed
