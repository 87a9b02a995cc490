"""Who may do what with the data-quality findings (django-rules; predicates in ``kechuang.core.predicates``)."""

from __future__ import annotations

import rules

from kechuang.core.predicates import is_office, is_plan_reader

# The findings page and its export: everyone who works on the plan (row scope: ``Violation.scope_rule``).
rules.add_perm("quality.view_violation", is_plan_reader)
# Running the checks again by hand: the office.
rules.add_perm("quality.run_check", is_office)
