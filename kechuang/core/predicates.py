"""Who a user is, as django-rules predicates: the one place that reads roles (``core.roles``).

Every app's ``rules.py`` names its actions (``reporting.review_taskreport`` …) from these predicates; views,
services, API routes and templates ask ``user.has_perm(action, obj)``, and each model's ``scope_rule`` (row scope
for ``core.scoping.restrict``) calls them too. Kept in core, the lowest floor, so every app may import it. A
predicate is called as ``is_office(user)`` or ``is_own_unit(user, obj)``; anonymous and inactive users hold no
role. The office and leaders are "everyone who sees the whole plan"; leaders only read.
"""

from __future__ import annotations

import rules

from kechuang.core.roles import Role


def _holds(user, *roles: str) -> bool:
    return bool(getattr(user, "is_authenticated", False) and user.is_active and user.has_role(*roles))


@rules.predicate
def is_office(user) -> bool:
    """领导小组办公室: sees and manages the whole plan."""
    return _holds(user, Role.OFFICE)


@rules.predicate
def is_leader(user) -> bool:
    """A leader: reads everything, changes nothing."""
    return _holds(user, Role.LEADER)


@rules.predicate
def sees_everything(user) -> bool:
    """The office and leaders see the whole plan (leaders only read)."""
    return _holds(user, Role.OFFICE, Role.LEADER)


@rules.predicate
def is_auditor(user) -> bool:
    """审计管理员: reads the audit log only."""
    return _holds(user, Role.AUDITOR)


@rules.predicate
def is_sysadmin(user) -> bool:
    """系统管理员: manages accounts, not roles."""
    return _holds(user, Role.SYSADMIN)


@rules.predicate
def is_secadmin(user) -> bool:
    """安全管理员: grants and revokes roles, not accounts."""
    return _holds(user, Role.SECADMIN)


@rules.predicate
def is_pii_viewer(user) -> bool:
    """May see talents' full ID and phone numbers (each unmask is audited)."""
    return _holds(user, Role.PII_VIEWER)


@rules.predicate
def reads_directory(user) -> bool:
    """Everyone who works in the platform (not the auditor alone): reads the unit directory."""
    return _holds(user, Role.OFFICE, Role.LEADER, Role.REPORTER, Role.REVIEWER, Role.SYSADMIN, Role.SECADMIN)


@rules.predicate
def has_unit(user) -> bool:
    return bool(getattr(user, "unit_id", None))


@rules.predicate
def is_unit_member(user) -> bool:
    """A reporter or reviewer of a unit: fills in and reads its own unit's work."""
    return has_unit(user) and _holds(user, Role.REPORTER, Role.REVIEWER)


@rules.predicate
def is_unit_reviewer(user) -> bool:
    """A reviewer of a unit: approves other units' rows on the tasks its unit leads."""
    return has_unit(user) and _holds(user, Role.REVIEWER)


@rules.predicate
def is_own_unit(user, obj) -> bool:
    """``obj`` belongs to the user's unit (``obj.unit_id``, or ``obj.owner_unit_id`` for a meeting decision)."""
    if obj is None or not has_unit(user):
        return False
    unit_id = getattr(obj, "unit_id", None) if hasattr(obj, "unit_id") else getattr(obj, "owner_unit_id", None)
    return unit_id == user.unit_id


@rules.predicate
def is_lead_reviewer(user, obj) -> bool:
    """A reviewer of a unit that reviews ``obj`` (``obj.reviewer_unit_ids()``: the units leading its task, for an
    indicator value also the indicator's owner), never for its own unit's row."""
    if obj is None or not is_unit_reviewer(user) or is_own_unit(user, obj):
        return False
    return user.unit_id in obj.reviewer_unit_ids()


# Who works on the plan: the office, leaders and the units' reporters and reviewers.
is_plan_reader = sees_everything | is_unit_member
# The unit itself (reporter or reviewer) or the office.
is_office_or_own_unit_member = is_office | (is_unit_member & is_own_unit)
