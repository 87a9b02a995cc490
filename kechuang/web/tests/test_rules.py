"""What the home page offers (web/rules.py): the office and leaders start from the whole plan."""

from __future__ import annotations

from kechuang.core.testing import who_may


def test_the_office_and_leaders_see_the_whole_plan(personas):
    assert who_may(personas, "web.view_whole_plan") == {"office", "leader"}


def test_the_unit_directory_is_read_by_everyone_who_works_in_the_platform_not_the_auditor(personas):
    assert who_may(personas, "web.view_unit_list") == {
        "office", "leader", "lead", "dept", "talent", "town", "town_b", "zone", "sysadmin", "secadmin"}
