from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "kechuang.audit"
    verbose_name = "审计"

    def ready(self):
        # Lazy, as Django's app loading requires (the receivers import models): connects the audit receivers.
        from . import signals  # noqa: F401
