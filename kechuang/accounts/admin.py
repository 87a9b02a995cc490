"""Accounts in the admin under 三员分立: the system administrator edits names, units and activation only. No
superuser, staff, group or permission fields (access follows roles), no password setting for others (a one-time
reset link on the account page instead), and roles change only through the audited grant/revoke on 账号管理."""

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.core.exceptions import PermissionDenied

from kechuang.core.admin_site import ReadOnlyAdmin

from .models import User, UserRole
from .services import set_active


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    list_display = ["username", "display_name", "unit", "is_active"]
    list_filter = ["is_active", "unit"]
    fieldsets = ((None, {"fields": ("username", "display_name", "unit", "phone", "email", "is_active", "is_demo")}),)
    add_fieldsets = fieldsets
    readonly_fields = ["username"]
    filter_horizontal = ()

    def get_urls(self):
        # Drop the stock "change password" view: nobody sets another person's password.
        return [url for url in super().get_urls() if not str(url.pattern).endswith("password/")]

    def has_add_permission(self, request):
        return False  # accounts are created on 账号管理, where the initial password follows the password rules

    def has_delete_permission(self, request, obj=None):
        return False  # deactivate instead: audit events keep pointing at the account

    def save_model(self, request, obj, form, change):
        if "is_active" in form.changed_data:
            wanted = obj.is_active
            obj.is_active = not wanted
            if obj.pk == request.user.pk:
                raise PermissionDenied("不得停用或启用本人账号")
            set_active(obj, wanted, by=request.user, request=request)
        super().save_model(request, obj, form, change)


@admin.register(UserRole)
class UserRoleAdmin(ReadOnlyAdmin):
    """Read-only list: roles are granted and revoked by the security administrator on 账号管理 (audited)."""

    list_display = ["user", "role", "granted_at"]
    list_filter = ["role"]
