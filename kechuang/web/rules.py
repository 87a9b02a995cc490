"""What the home page offers (django-rules; predicates in ``kechuang.core.predicates``)."""

from __future__ import annotations

import rules

from kechuang.core.predicates import sees_everything

# The office and leaders start from the supervision dashboard; a unit's users from 本月填报.
rules.add_perm("web.view_whole_plan", sees_everything)
