from django.apps import AppConfig


class OrgConfig(AppConfig):
    name = "kechuang.org"
    verbose_name = "单位"
