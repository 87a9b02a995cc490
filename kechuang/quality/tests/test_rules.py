"""Who may do each data-quality action (quality/rules.py), persona by persona."""

from __future__ import annotations

import pytest

from kechuang.core.access import PLAN_READERS
from kechuang.core.testing import who_may


@pytest.mark.parametrize("perm, allowed", [
    ("quality.view_violation", PLAN_READERS),
    ("quality.run_check", {"office"}),
])
def test_each_persona_may_use_the_quality_page_as_declared(personas, perm, allowed):
    assert who_may(personas, perm) == set(allowed)
