"""Who may read the audit log (django-rules; predicates in ``kechuang.core.predicates``)."""

from __future__ import annotations

import rules

from kechuang.core.predicates import is_auditor

# 三员分立: only the auditor reads the audit log (nobody changes it).
rules.add_perm("audit.view_auditlog", is_auditor)
