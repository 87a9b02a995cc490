from django.apps import AppConfig


class WebConfig(AppConfig):
    name = "kechuang.web"
    verbose_name = "界面"
