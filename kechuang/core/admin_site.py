"""The Django admin in Chinese for the office and the platform administrators.

Access follows roles (accounts.backends.RolePermissionBackend), not ``is_staff``: there is no
routine superuser.
"""

from django.contrib import admin


class KechuangAdminSite(admin.AdminSite):
    site_header = "科创督办 管理后台"
    site_title = "科创督办"
    index_title = "管理"

    def has_permission(self, request):
        user = request.user
        return bool(
            user.is_active and user.is_authenticated and user.has_role("office", "sysadmin", "secadmin", "auditor")
        )
