"""Who may do each metrics action (metrics/rules.py), persona by persona."""

from __future__ import annotations

import pytest

from kechuang.core.testing import who_may


@pytest.mark.parametrize("perm, allowed", [
    ("metrics.view_statistical_list", {"office", "leader", "lead", "dept", "talent", "town", "town_b", "zone"}),
    ("metrics.change_statisticalvalue", {"office"}),
    ("metrics.view_source_records", {"office", "leader"}),
])
def test_each_persona_may_act_on_the_figures_as_declared(personas, perm, allowed):
    assert who_may(personas, perm) == allowed
