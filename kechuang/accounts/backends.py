"""Django model permissions derived from roles, so the admin and ``has_perm`` follow 三员分立.

No permission rows are stored: a role implies a fixed set of app permissions. Object-level
scope is still decided by each model's ``scope_rule``.
"""

from __future__ import annotations

import rules
from django.contrib.auth.backends import ModelBackend

from .models import Role

# App labels whose data the office manages in the admin.
OFFICE_APPS = {"org", "plans", "reporting", "registry", "metrics", "supervision", "bulletins", "assessment", "policy",
               "matching", "core"}
ROLE_PERMS = {
    Role.OFFICE: {(app, None) for app in OFFICE_APPS},
    Role.SYSADMIN: {("accounts", "user"), ("accounts", "apitoken"), ("axes", None)},
    Role.SECADMIN: {("accounts", "userrole"), ("accounts", "view_user")},
    Role.AUDITOR: {("audit", "view_auditevent")},
}


class PasswordBackend(ModelBackend):
    """Username and password sign-in (ModelBackend's own), without its stored-permission lookups: no permission or
    group rows are ever stored (roles imply permissions, RolePermissionBackend), so the two queries it ran on every
    page that asks ``has_perm`` always came back empty."""

    def get_user_permissions(self, user_obj, obj=None):
        return set()

    def get_group_permissions(self, user_obj, obj=None):
        return set()


class RolePermissionBackend:
    """Grants ``app_label.codename`` permissions implied by the user's roles; never authenticates."""

    def authenticate(self, request, **credentials):
        return None

    def has_perm(self, user_obj, perm, obj=None):
        if not user_obj.is_active or not getattr(user_obj, "pk", None):
            return False
        # An action declared in an app's rules.py is decided by its rule alone (rules.permissions backend).
        if rules.perm_exists(perm):
            return False
        app_label, _, codename = perm.partition(".")
        model = codename.split("_", 1)[1] if "_" in codename else ""
        for role in user_obj.roles:
            for app, what in ROLE_PERMS.get(role, ()):
                if app != app_label:
                    continue
                if what is None or what == model or what == codename:
                    return True
        return False

    def has_module_perms(self, user_obj, app_label):
        if not user_obj.is_active or not getattr(user_obj, "pk", None):
            return False
        return any(app == app_label for role in user_obj.roles for app, _ in ROLE_PERMS.get(role, ()))
