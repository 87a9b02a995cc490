from django.apps import AppConfig


class MetricsConfig(AppConfig):
    name = "kechuang.metrics"
    verbose_name = "指标计算"
