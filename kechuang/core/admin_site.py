"""The Django admin in Chinese for the office and the platform administrators.

Access follows roles (accounts.backends.RolePermissionBackend), not ``is_staff``: there is no
routine superuser.
"""

from django.contrib import admin


class ReadOnlyAdmin(admin.ModelAdmin):
    """A list and detail view only: the rows change through the application's audited services."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class KechuangAdminSite(admin.AdminSite):
    site_header = "科创督办 管理后台"
    site_title = "科创督办"
    index_title = "管理"

    def has_permission(self, request):
        return request.user.has_perm("core.use_admin")
