from django.apps import AppConfig


class MatchingConfig(AppConfig):
    name = "kechuang.matching"
    verbose_name = "精准对接"

    def ready(self):
        from . import signals  # noqa: F401  (lazy: it imports models, which load only after the app registry)
