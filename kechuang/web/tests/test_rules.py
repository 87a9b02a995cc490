"""What the home page offers (web/rules.py): the office and leaders start from the whole plan."""

from __future__ import annotations

from kechuang.core.testing import who_may


def test_the_office_and_leaders_see_the_whole_plan(personas):
    assert who_may(personas, "web.view_whole_plan") == {"office", "leader"}
