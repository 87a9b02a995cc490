"""Role grants and revocations: the only way roles change, each one audited."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db import transaction

from kechuang.audit.services import record_event

from .models import Role, User, UserRole


def grant_role(user: User, role: str, *, by: User | None, request=None) -> UserRole:
    """Grant ``role``; only a security administrator may (or the system itself when ``by`` is None)."""
    if by is not None and not by.has_role(Role.SECADMIN):
        raise PermissionDenied("只有安全管理员可以分配角色")
    with transaction.atomic():
        assignment = UserRole(user=user, role=role)
        assignment.save()
        record_event("role.grant", user=by, request=request, obj=user, detail={"role": role})
    user.__dict__.pop("_roles_cache", None)
    if hasattr(user, "_roles_cache"):
        del user._roles_cache
    return assignment


def revoke_role(user: User, role: str, *, by: User | None, request=None) -> None:
    if by is not None and not by.has_role(Role.SECADMIN):
        raise PermissionDenied("只有安全管理员可以撤销角色")
    with transaction.atomic():
        deleted, _ = UserRole.objects.filter(user=user, role=role).delete()
        if deleted:
            record_event("role.revoke", user=by, request=request, obj=user, detail={"role": role})
    if hasattr(user, "_roles_cache"):
        del user._roles_cache
