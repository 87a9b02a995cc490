"""Who may do each action in 企业培育 (policy/rules.py), persona by persona."""

from __future__ import annotations

from kechuang.core.testing import who_may


def test_the_cultivation_lists_are_read_by_everyone_who_works_on_the_plan(personas):
    assert who_may(personas, "policy.view_lists") == {
        "office", "leader", "lead", "dept", "talent", "town", "town_b", "zone"}
