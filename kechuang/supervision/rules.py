"""Who may do what in supervision (django-rules; predicates in ``kechuang.core.predicates``).

Row scope stays ``restrict()``: a unit reaches only its own orders and decisions; these rules decide the action.
"""

from __future__ import annotations

import rules

from kechuang.core.predicates import is_office, is_own_unit, is_plan_reader, is_unit_member, sees_everything

# 督办看板, 督办单, 月例会 and 催办通知 (the pages): everyone who works on the plan; a unit sees its own indicators,
# orders, the meetings that assigned it a decision and the notices sent to it.
rules.add_perm("supervision.view_dashboard", is_plan_reader)
rules.add_perm("supervision.view_order_list", is_plan_reader)
rules.add_perm("supervision.view_meeting_list", is_plan_reader)
rules.add_perm("supervision.view_notice_list", is_plan_reader)
# 督办单: the office issues (from a proposal too), closes, returns and dismisses; the order's unit replies.
rules.add_perm("supervision.issue_order", is_office)
rules.add_perm("supervision.close_order", is_office)
rules.add_perm("supervision.reply_order", is_unit_member & is_own_unit)
# 月例会: the office prepares meetings, keeps minutes and adds decisions; the owner unit (or the office) reports
# a decision done.
rules.add_perm("supervision.add_meeting", is_office)
rules.add_perm("supervision.change_meeting", is_office)
rules.add_perm("supervision.complete_decision", is_office | (is_unit_member & is_own_unit))
# 一键催办: the office.
rules.add_perm("supervision.urge_units", is_office)
# 月督办清单, and every unit's figures (the ranking, the whole heat map, each unit's row on a task page): the office
# and leaders; a unit sees its own.
rules.add_perm("supervision.view_supervisionlist", sees_everything)
rules.add_perm("supervision.view_rankings", sees_everything)
