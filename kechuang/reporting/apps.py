from django.apps import AppConfig


class ReportingConfig(AppConfig):
    name = "kechuang.reporting"
    verbose_name = "月度填报"
