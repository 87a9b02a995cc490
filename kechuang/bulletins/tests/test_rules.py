"""Who may do each bulletin action (bulletins/rules.py): the office alone; leaders only read."""

from __future__ import annotations

import pytest

from kechuang.core.testing import who_may


@pytest.mark.parametrize("perm", ["bulletins.draft_bulletin", "bulletins.edit_bulletin", "bulletins.issue_bulletin"])
def test_only_the_office_drafts_edits_and_issues_a_bulletin(personas, perm):
    assert who_may(personas, perm) == {"office"}


def test_the_bulletin_list_is_read_by_the_office_and_leaders_only(personas):
    assert who_may(personas, "bulletins.view_bulletin_list") == {"office", "leader"}
