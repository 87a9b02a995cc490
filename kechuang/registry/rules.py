"""Who may do what in the registries (django-rules; predicates in ``kechuang.core.predicates``).

Row scope stays ``restrict()`` (each registry model's ``scope_rule``): a unit reaches its own jurisdiction's rows.
"""

from __future__ import annotations

import rules

from kechuang.core.predicates import is_office, is_pii_viewer, is_plan_reader

# 科技资源库 (the registries' index): everyone who works on the plan; each reads its jurisdiction's rows.
rules.add_perm("registry.view_registries", is_plan_reader)
# Talents' full ID and phone numbers (each unmask is audited).
rules.add_perm("registry.unmask_talent", is_pii_viewer)
# Records may belong to any unit of the jurisdiction only when the office files them; a unit files its own.
rules.add_perm("registry.assign_any_unit", is_office)
# A key conflict names a record outside the submitting unit's jurisdiction: the office settles it.
rules.add_perm("registry.resolve_conflict", is_office)
