"""Who may do what in the year-end assessment (django-rules; predicates in ``kechuang.core.predicates``).

Row scope stays ``restrict()`` (a unit reaches only its own published result); these rules decide the action.
"""

from __future__ import annotations

import rules

from kechuang.core.predicates import has_unit, is_office, is_plan_reader, sees_everything


@rules.predicate
def is_own_unit_id(user, unit_id) -> bool:
    """``unit_id`` (a unit's result page) is the user's own unit."""
    return has_unit(user) and user.unit_id == unit_id


# 年终考核 (the schemes): everyone who works on the plan; a unit reads the rules it is assessed by.
rules.add_perm("assessment.view_scheme_list", is_plan_reader)
# The office maintains the scheme: loads it, computes and publishes the result, adds bonuses and vetoes.
rules.add_perm("assessment.change_assessmentscheme", is_office)
rules.add_perm("assessment.publish_assessment", is_office)
# The whole result sheet, its exports and the commendation lists: the office and leaders.
rules.add_perm("assessment.view_all_results", sees_everything)
# One unit's result: the office and leaders, or the unit itself (``obj`` is the unit's id).
rules.add_perm("assessment.view_unit_result", sees_everything | is_own_unit_id)
