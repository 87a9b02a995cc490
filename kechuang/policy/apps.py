from django.apps import AppConfig


class PolicyConfig(AppConfig):
    name = "kechuang.policy"
    verbose_name = "政策"
