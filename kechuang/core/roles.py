"""The roles a user may hold: the vocabulary of scoping (``core.scoping``) and of every app's rules.

Kept in core, not in ``accounts``, so the floors below accounts (core, audit, org) can name roles
without importing it; ``kechuang.accounts.models.Role`` is this class.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    # The office (领导小组办公室): sees and manages the whole plan.
    OFFICE = "office", _("办公室管理员")
    # A unit's reporter: fills and submits its own unit's monthly reports.
    REPORTER = "reporter", _("单位填报员")
    # A unit's reviewer: approves or returns reports on the tasks its unit leads.
    REVIEWER = "reviewer", _("单位审核员")
    # A leader: reads everything, changes nothing.
    LEADER = "leader", _("领导")
    # The auditor (审计管理员): reads the audit log only.
    AUDITOR = "auditor", _("审计管理员")
    # The system administrator (系统管理员): manages accounts, not roles.
    SYSADMIN = "sysadmin", _("系统管理员")
    # The security administrator (安全管理员): grants and revokes roles, not accounts.
    SECADMIN = "secadmin", _("安全管理员")
    # May see talents' full ID and phone numbers (each unmask is audited).
    PII_VIEWER = "pii_viewer", _("个人信息查看")
