"""Optimistic locking: a write succeeds only if the row still has the version the writer read."""

from __future__ import annotations

from django.db import models
from django.db.models import F


class ConflictError(Exception):
    """Raised when a row changed since the writer read it (HTTP 409/412)."""

    def __init__(self, message: str = "数据已被他人修改，请刷新后重试"):
        super().__init__(message)
        self.message = message


def save_with_version(obj: models.Model, expected_version: int, update_fields: list[str]) -> None:
    """Save ``update_fields`` of ``obj`` only if its stored version equals ``expected_version``.

    The check and the write are one UPDATE statement, so two concurrent writers cannot both win.
    """
    model = type(obj)
    values = {name: getattr(obj, name) for name in update_fields}
    for field in model._meta.concrete_fields:
        if getattr(field, "auto_now", False) and field.name not in values:
            field.pre_save(obj, add=False)
            values[field.name] = getattr(obj, field.attname)
    updated = model._default_manager.filter(pk=obj.pk, version=expected_version).update(
        version=F("version") + 1, **values
    )
    if updated != 1:
        raise ConflictError()
    obj.version = expected_version + 1
