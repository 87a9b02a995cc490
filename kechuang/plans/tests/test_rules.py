"""Who may do each plan action (plans/rules.py), persona by persona."""

from __future__ import annotations

import pytest

from kechuang.core.testing import who_may


@pytest.mark.parametrize("perm, allowed", [
    ("plans.view_plan_list", {"office", "leader", "lead", "dept", "talent", "town", "town_b", "zone"}),
    ("plans.change_plan", {"office"}),
    ("plans.view_responsibility_matrix", {"office", "leader"}),
])
def test_each_persona_may_act_on_the_plan_as_declared(personas, perm, allowed):
    assert who_may(personas, perm) == allowed
