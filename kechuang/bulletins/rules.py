"""Who may do what with the quarterly bulletins (django-rules; predicates in ``kechuang.core.predicates``).

Leaders read the bulletins (row scope: ``Bulletin.scope_rule``); only the office drafts, edits and issues them.
Whether a bulletin is still a draft is the workflow's check (``services``), not a permission.
"""

from __future__ import annotations

import rules

from kechuang.core.predicates import is_office, sees_everything

# 季度通报: the office and leaders (leaders see the issued ones only).
rules.add_perm("bulletins.view_bulletin_list", sees_everything)
rules.add_perm("bulletins.draft_bulletin", is_office)
rules.add_perm("bulletins.edit_bulletin", is_office)
rules.add_perm("bulletins.issue_bulletin", is_office)
