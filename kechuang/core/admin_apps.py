from django.contrib.admin.apps import AdminConfig


class KechuangAdminConfig(AdminConfig):
    default_site = "kechuang.core.admin_site.KechuangAdminSite"
