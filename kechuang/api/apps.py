from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "kechuang.api"
    verbose_name = "接口"
