"""Account changes under 三员分立: roles, passwords, activation and API tokens. Every change is audited and no
administrator acts on their own account's privileges."""

from __future__ import annotations

from django.contrib.auth.tokens import default_token_generator
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from kechuang.audit.services import record_event

from .models import APIToken, Role, User, UserRole


def _forget_roles(user: User) -> None:
    if hasattr(user, "_roles_cache"):
        del user._roles_cache


def _check_role_change(user: User, by: User | None, verb: str) -> None:
    if by is None:  # the system itself (demo, loaders)
        return
    if not by.has_perm("accounts.assign_role"):
        raise PermissionDenied(f"只有安全管理员可以{verb}角色")
    if by.pk == user.pk:
        raise PermissionDenied(f"不得为本人账号{verb}角色")


def grant_role(user: User, role: str, *, by: User | None, request=None) -> UserRole:
    """Grant ``role``; only a security administrator may, never to their own account (or the system when
    ``by`` is None). UserRole.clean refuses combinations that break 三员分立."""
    _check_role_change(user, by, "分配")
    with transaction.atomic():
        assignment = UserRole(user=user, role=role)
        assignment.save()
        record_event("role.grant", user=by, request=request, obj=user, detail={"role": role})
    _forget_roles(user)
    return assignment


def revoke_role(user: User, role: str, *, by: User | None, request=None) -> None:
    _check_role_change(user, by, "撤销")
    with transaction.atomic():
        deleted, _ = UserRole.objects.filter(user=user, role=role).delete()
        if deleted:
            record_event("role.revoke", user=by, request=request, obj=user, detail={"role": role})
    _forget_roles(user)


def _check_account_admin(user: User, by: User) -> None:
    if not by.has_perm("accounts.manage_account"):
        raise PermissionDenied("只有系统管理员可以管理账号")
    if by.pk == user.pk:
        raise PermissionDenied("不得对本人账号执行此操作")


def issue_password_reset(user: User, *, by: User, request=None) -> str:
    """A one-time link (path) with which ``user`` sets a new password; the old one stops working at once and the
    next sign-in must change it. The system administrator never learns or sets the password itself."""
    _check_account_admin(user, by)
    with transaction.atomic():
        user.set_unusable_password()
        user.must_change_password = True
        user.save(update_fields=["password", "must_change_password"])
        record_event("password.reset_issued", user=by, request=request, obj=user)
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    return reverse("accounts:password_reset_confirm", kwargs={"uidb64": uid,
                                                              "token": default_token_generator.make_token(user)})


def password_changed(user: User, *, request=None, how: str = "change") -> None:
    """Record a password the user chose themselves (own change or reset link)."""
    User.objects.filter(pk=user.pk).update(password_changed_at=timezone.now(), must_change_password=False)
    user.must_change_password = False
    record_event(f"password.{how}", user=user, request=request, obj=user)


def set_active(user: User, active: bool, *, by: User, request=None) -> None:
    _check_account_admin(user, by)
    if user.is_active == active:
        return
    with transaction.atomic():
        user.is_active = active
        user.save(update_fields=["is_active"])
        record_event("account.activate" if active else "account.deactivate", user=by, request=request, obj=user)


def issue_token(user: User, name: str, *, days: int | None = None, request=None) -> tuple[APIToken, str]:
    """A new API token for the caller's own account; the key is shown once."""
    with transaction.atomic():
        token, key = APIToken.issue(user, name, days)
        record_event("token.issue", user=user, request=request, obj=user,
                     detail={"token": token.prefix, "expires": token.expires_at.isoformat()})
    return token, key


def revoke_token(token: APIToken, *, by: User, request=None) -> None:
    if not by.has_perm("accounts.revoke_apitoken", token):
        raise PermissionDenied("只能撤销本人的令牌")
    if not token.is_active:
        return
    with transaction.atomic():
        token.is_active = False
        token.save(update_fields=["is_active"])
        record_event("token.revoke", user=by, request=request, obj=token.user, detail={"token": token.prefix})


REAUTH_SECONDS = 300
_REAUTH_KEY = "kc_reauth_at"


def reauthenticate(request, password: str) -> bool:
    """Confirm the signed-in user's password for a sensitive action; valid for a few minutes in this session."""
    if not password or not request.user.check_password(password):
        record_event("reauth", request=request, result="failure")
        return False
    request.session[_REAUTH_KEY] = timezone.now().timestamp()
    return True


def recently_reauthenticated(request) -> bool:
    at = request.session.get(_REAUTH_KEY)
    return bool(at) and timezone.now().timestamp() - float(at) < REAUTH_SECONDS


def security_problems() -> list[str]:
    """What `kechuang check-security` and the production system check refuse, in Chinese."""
    problems = []
    for user in User.objects.filter(is_superuser=True):
        problems.append(f"账号“{user.username}”是超级用户（三员分立下不设超级用户）")
    for user in User.objects.filter(role_assignments__role__in=[Role.SYSADMIN, Role.SECADMIN, Role.AUDITOR]).distinct():
        business = sorted(user.roles - {Role.SYSADMIN, Role.SECADMIN, Role.AUDITOR})
        if business:
            problems.append(f"管理员账号“{user.username}”兼任业务角色：{'、'.join(business)}")
    for token in APIToken.objects.filter(is_active=True, expires_at__isnull=True).select_related("user"):
        problems.append(f"接口令牌 {token.prefix}…（{token.user.username}）没有有效期")
    return problems
