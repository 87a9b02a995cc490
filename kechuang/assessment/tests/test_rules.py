"""Who may do each assessment action (assessment/rules.py), persona by persona."""

from __future__ import annotations

import pytest

from kechuang.core.testing import who_may


@pytest.mark.parametrize("perm, allowed", [
    ("assessment.view_scheme_list", {"office", "leader", "lead", "dept", "talent", "town", "town_b", "zone"}),
    ("assessment.change_assessmentscheme", {"office"}),
    ("assessment.publish_assessment", {"office"}),
    ("assessment.view_all_results", {"office", "leader"}),
])
def test_each_persona_may_act_on_the_assessment_as_declared(personas, perm, allowed):
    assert who_may(personas, perm) == allowed


def test_a_units_result_is_read_by_the_unit_itself_the_office_and_leaders(personas):
    # 武胜关镇 is the unit of both town and nobody; nobody (no role) still reads only its own unit's page.
    assert who_may(personas, "assessment.view_unit_result", personas["town"].unit_id) == {
        "office", "leader", "town", "nobody"}
