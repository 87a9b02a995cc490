from django.apps import AppConfig
from django.db import transaction

KINDS = {"Expert": "expert", "Achievement": "achievement", "experts": "expert", "achievements": "achievement"}


def _row_changed(sender, **kwargs):
    # A registry change makes the stored index stale: rebuild it in the worker once the change is committed.
    kind = KINDS.get(sender.__name__)
    if kind:
        from .engine import request_rebuild

        transaction.on_commit(lambda: request_rebuild(kind, on_commit=False))


def _import_committed(sender, registry=None, **kwargs):
    kind = KINDS.get(registry or "")
    if kind:
        from .engine import request_rebuild

        transaction.on_commit(lambda: request_rebuild(kind, on_commit=False))


class MatchingConfig(AppConfig):
    name = "kechuang.matching"
    verbose_name = "精准对接"

    def ready(self):
        from django.db.models.signals import post_delete, post_save

        from kechuang.registry.models import Achievement, Expert
        from kechuang.registry.signals import import_committed

        for model in (Expert, Achievement):
            post_save.connect(_row_changed, sender=model, dispatch_uid=f"matching-stale-{model.__name__}")
            post_delete.connect(_row_changed, sender=model, dispatch_uid=f"matching-stale-del-{model.__name__}")
        import_committed.connect(_import_committed, dispatch_uid="matching-stale-import")
