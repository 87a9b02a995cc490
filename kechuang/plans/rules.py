"""Who may do what with the plans (django-rules; predicates in ``kechuang.core.predicates``)."""

from __future__ import annotations

import rules

from kechuang.core.predicates import is_office, is_plan_reader, sees_everything

# 工作方案 (the list): everyone who works on the plan; a unit sees the plans it has work in.
rules.add_perm("plans.view_plan_list", is_plan_reader)
# Importing a plan from its document (upload, review against the original, confirm, roll over) and exporting it:
# the office.
rules.add_perm("plans.change_plan", is_office)
# The whole responsibility matrix (every unit × task): the office and leaders.
rules.add_perm("plans.view_responsibility_matrix", sees_everything)
