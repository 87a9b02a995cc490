"""Who may do each action in 精准对接 (matching/rules.py), persona by persona."""

from __future__ import annotations

from kechuang.core.testing import who_may


def test_the_demands_list_is_read_by_everyone_who_works_on_the_plan(personas):
    assert who_may(personas, "matching.view_demand_list") == {
        "office", "leader", "lead", "dept", "talent", "town", "town_b", "zone"}
