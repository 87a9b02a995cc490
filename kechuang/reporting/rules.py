"""Who may do what in monthly reporting (django-rules; predicates in ``kechuang.core.predicates``).

Row scope stays ``restrict()`` (each model's ``scope_rule``): these rules decide the action on a row the user
already reaches. A row is a task report or an indicator value; ``row_perm`` names the action for either.
"""

from __future__ import annotations

import rules

from kechuang.core.predicates import (
    is_lead_reviewer,
    is_office,
    is_office_or_own_unit_member,
    is_plan_reader,
    is_unit_member,
    is_unit_reviewer,
    sees_everything,
)


def row_perm(action: str, row) -> str:
    """``row_perm("review", row)`` → ``reporting.review_taskreport`` or ``reporting.review_indicatorvalue``."""
    return f"reporting.{action}_{row._meta.model_name}"


for model in ("taskreport", "indicatorvalue"):
    # The unit itself (reporter or reviewer) or the office edits, submits and attaches evidence.
    rules.add_perm(f"reporting.edit_{model}", is_office_or_own_unit_member)
    # The office everywhere; a lead unit's reviewer for other units' rows (never its own unit's).
    rules.add_perm(f"reporting.review_{model}", is_office | is_lead_reviewer)
    # Only the office unlocks an approved row.
    rules.add_perm(f"reporting.reopen_{model}", is_office)

# 本月填报, its Excel form and the milestones the unit keeps: a unit's reporters and reviewers.
rules.add_perm("reporting.fill_report", is_unit_member)
rules.add_perm("reporting.change_milestone", is_unit_member)
# 待审核: the office and the units' reviewers.
rules.add_perm("reporting.view_reviewqueue", is_office | is_unit_reviewer)
# 填报情况 (completeness): the office and leaders.
rules.add_perm("reporting.view_completeness", sees_everything)
# The list of months and 工期倒排: everyone who works on the plan.
rules.add_perm("reporting.view_period", is_plan_reader)
rules.add_perm("reporting.view_milestone", is_plan_reader)
# Opening and closing a month, and the list of approved rows to reopen: the office.
rules.add_perm("reporting.change_period", is_office)
