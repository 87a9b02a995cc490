"""Who may do what in 企业培育 (django-rules; predicates in ``kechuang.core.predicates``).

Row scope stays ``restrict()`` (``Enterprise.scope_rule``, ``CultivationEntry.scope_rule``).
"""

from __future__ import annotations

import rules

from kechuang.core.predicates import is_plan_reader

# The cultivation lists (培育看板, candidates …): everyone who works on the plan.
rules.add_perm("policy.view_lists", is_plan_reader)
