"""Who may do what in 精准对接 (django-rules; predicates in ``kechuang.core.predicates``).

Row scope stays ``restrict()`` (``Demand.scope_rule``): a town reaches its own enterprises' demands.
"""

from __future__ import annotations

import rules

from kechuang.core.predicates import is_plan_reader

# The demands list: everyone who works on the plan.
rules.add_perm("matching.view_demand_list", is_plan_reader)
