"""A registry change makes the stored matching index stale: rebuild it in the worker once the change is committed.

Connected on import (``MatchingConfig.ready``); the receivers are module-level functions because signals hold weak
references.
"""

from django.db import transaction
from django.db.models.signals import post_delete, post_save

from kechuang.registry.models import Achievement, Expert
from kechuang.registry.signals import import_committed

from .engine import request_rebuild

KINDS = {"Expert": "expert", "Achievement": "achievement", "experts": "expert", "achievements": "achievement"}


def _row_changed(sender, **kwargs):
    kind = KINDS.get(sender.__name__)
    if kind:
        transaction.on_commit(lambda: request_rebuild(kind, on_commit=False))


def _import_committed(sender, registry=None, **kwargs):
    kind = KINDS.get(registry or "")
    if kind:
        transaction.on_commit(lambda: request_rebuild(kind, on_commit=False))


for _model in (Expert, Achievement):
    post_save.connect(_row_changed, sender=_model, dispatch_uid=f"matching-stale-{_model.__name__}")
    post_delete.connect(_row_changed, sender=_model, dispatch_uid=f"matching-stale-del-{_model.__name__}")
import_committed.connect(_import_committed, dispatch_uid="matching-stale-import")
