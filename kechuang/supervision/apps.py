from django.apps import AppConfig


class SupervisionConfig(AppConfig):
    name = "kechuang.supervision"
    verbose_name = "督办"
