"""What the home page and the unit directory offer (django-rules; predicates in ``kechuang.core.predicates``)."""

from __future__ import annotations

import rules

from kechuang.core.predicates import reads_directory, sees_everything

# The office and leaders start from the supervision dashboard; a unit's users from 本月填报.
rules.add_perm("web.view_whole_plan", sees_everything)
# 单位名录: everyone who works in the platform (not the auditor alone).
rules.add_perm("web.view_unit_list", reads_directory)
