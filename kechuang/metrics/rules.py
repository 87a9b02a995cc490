"""Who may do what with the indicators' figures (django-rules; predicates in ``kechuang.core.predicates``)."""

from __future__ import annotations

import rules

from kechuang.core.predicates import is_office, is_plan_reader, sees_everything

# 统计数据 (the page): everyone who works on the plan reads its published figures.
rules.add_perm("metrics.view_statistical_list", is_plan_reader)
# 统计数据: the office enters and corrects the statistical figures.
rules.add_perm("metrics.change_statisticalvalue", is_office)
# The records behind a value that declare no row scope of their own: the office and leaders.
rules.add_perm("metrics.view_source_records", sees_everything)
