"""Users, their unit and their roles."""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from kechuang.core.predicates import is_secadmin, is_sysadmin
from kechuang.core.roles import Role

# 三员分立: no account may hold two of these, nor one of these and a business role.
SEPARATED_ADMIN_ROLES = frozenset({Role.SYSADMIN, Role.SECADMIN, Role.AUDITOR})
BUSINESS_ROLES = frozenset(set(Role) - SEPARATED_ADMIN_ROLES)


class User(AbstractUser):
    """A person who signs in. Belongs to exactly one unit (none only for platform administrators)."""

    unit = models.ForeignKey(
        "org.Unit", verbose_name=_("所属单位"), null=True, blank=True, on_delete=models.PROTECT, related_name="users"
    )
    display_name = models.CharField(_("姓名"), max_length=50, blank=True)
    phone = models.CharField(_("联系电话"), max_length=20, blank=True)
    is_demo = models.BooleanField(_("演示账号"), default=False)
    password_changed_at = models.DateTimeField(_("密码修改时间"), null=True, blank=True)
    # Set when the system administrator issues a reset link: the next sign-in must choose a new password.
    must_change_password = models.BooleanField(_("下次登录须修改密码"), default=False)
    history = HistoricalRecords(excluded_fields=["password", "last_login"])

    class Meta:
        ordering = ["username"]
        verbose_name = _("用户")
        verbose_name_plural = _("用户")

    def __str__(self) -> str:
        return self.display_name or self.username

    # Roles are read many times per request; cache them on the instance.
    @property
    def roles(self) -> frozenset[str]:
        cached = getattr(self, "_roles_cache", None)
        if cached is None:
            cached = frozenset(self.role_assignments.values_list("role", flat=True)) if self.pk else frozenset()
            self._roles_cache = cached
        return cached

    def has_role(self, *roles: str) -> bool:
        """Whether the user holds one of ``roles``. Who may do what is declared in each app's rules.py from the
        predicates in ``kechuang.core.predicates`` (``user.has_perm(...)``), not asked of roles by hand."""
        return bool(self.roles.intersection(roles))

    @classmethod
    def scope_rule(cls, user, action):
        # The system administrator manages accounts; the security administrator manages their roles.
        if is_sysadmin(user):
            return True
        if is_secadmin(user):
            return action == "view" or action == "roles"
        return False


class UserRole(models.Model):
    """One role held by one user."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="role_assignments")
    role = models.CharField(_("角色"), max_length=20, choices=Role.choices)
    granted_at = models.DateTimeField(_("授予时间"), auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["user", "role"]
        constraints = [models.UniqueConstraint(fields=["user", "role"], name="uniq_user_role")]
        verbose_name = _("用户角色")
        verbose_name_plural = _("用户角色")

    def __str__(self) -> str:
        return f"{self.user} · {self.get_role_display()}"

    def clean(self):
        held = set(UserRole.objects.filter(user_id=self.user_id).exclude(pk=self.pk).values_list("role", flat=True))
        if self.role in SEPARATED_ADMIN_ROLES:
            if held & (SEPARATED_ADMIN_ROLES - {self.role}):
                raise ValidationError(_("三员分立：系统管理员、安全管理员、审计管理员不得由同一账号兼任"))
            if held & BUSINESS_ROLES:
                raise ValidationError(_("三员分立：管理员账号不得兼任业务角色"))
        elif held & SEPARATED_ADMIN_ROLES:
            raise ValidationError(_("三员分立：管理员账号不得兼任业务角色"))

    def save(self, *args, **kwargs):
        self.full_clean(exclude=["user"])
        super().save(*args, **kwargs)


class APIToken(models.Model):
    """A bearer token for integrations. Only a hash is stored; the token is shown once."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(_("名称"), max_length=100)
    key_hash = models.CharField(max_length=64, unique=True, editable=False)
    prefix = models.CharField(max_length=8, editable=False)
    created = models.DateTimeField(auto_now_add=True)
    last_used = models.DateTimeField(null=True, blank=True)
    is_active = models.BooleanField(default=True)
    expires_at = models.DateTimeField(_("有效期至"), null=True)

    @property
    def is_valid(self) -> bool:
        return self.is_active and self.expires_at is not None and self.expires_at > timezone.now()

    class Meta:
        ordering = ["-created"]
        verbose_name = _("接口令牌")
        verbose_name_plural = _("接口令牌")

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @staticmethod
    def hash_key(key: str) -> str:
        return hashlib.sha256(key.encode()).hexdigest()

    @classmethod
    def issue(cls, user: User, name: str, days: int | None = None) -> tuple[APIToken, str]:
        """A new token valid for ``days`` (default KECHUANG_API_TOKEN_DAYS); returns the row and the key."""
        days = days or settings.KECHUANG_API_TOKEN_DAYS
        key = "kc_" + secrets.token_urlsafe(32)
        token = cls.objects.create(user=user, name=name, key_hash=cls.hash_key(key), prefix=key[:8],
                                   expires_at=timezone.now() + timedelta(days=days))
        return token, key
