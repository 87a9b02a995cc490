from django.apps import AppConfig

from kechuang.registry.signals import import_committed


def _check_after_import(sender, **kwargs):
    from .services import schedule_check  # lazy: apps.py loads before models; the registry is ready when this fires

    schedule_check()


class QualityConfig(AppConfig):
    name = "kechuang.quality"
    verbose_name = "数据质量"

    def ready(self):
        # A module-level receiver: signals hold weak references, and a lambda would be collected (the check
        # after an import would then silently stop running).
        import_committed.connect(_check_after_import, dispatch_uid="quality-after-import")
