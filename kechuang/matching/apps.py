from django.apps import AppConfig


class MatchingConfig(AppConfig):
    name = "kechuang.matching"
    verbose_name = "精准对接"
