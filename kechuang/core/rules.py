"""Who may enter the Django admin (django-rules; predicates in ``kechuang.core.predicates``).

Access follows roles, not ``is_staff``: the office and the three platform administrators (三员). What each
sees there is the role's model permissions (``accounts.backends.RolePermissionBackend``).
"""

from __future__ import annotations

import rules

from kechuang.core.predicates import is_auditor, is_office, is_secadmin, is_sysadmin

rules.add_perm("core.use_admin", is_office | is_sysadmin | is_secadmin | is_auditor)
