from django.apps import AppConfig


class QualityConfig(AppConfig):
    name = "kechuang.quality"
    verbose_name = "数据质量"

    def ready(self):
        from kechuang.registry.signals import import_committed

        from .services import schedule_check

        import_committed.connect(lambda sender, **kw: schedule_check(), dispatch_uid="quality-after-import")
