"""Keys held outside the user's jurisdiction: one message that reveals nothing, one work item for the office.

A town that registers an ID number, a USCC or a certificate number already held by a record in another town
must not learn that the record exists, whose it is or where (a membership test on personal data). Every door —
the Excel import, the web form and the API — gives the same neutral message and files a ``KeyConflict`` that the
office settles. Keys the user may see keep their precise messages.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone

from kechuang.audit.services import record_event
from kechuang.core.scoping import VIEW, restrict

from .models import KeyConflict

HIDDEN_MESSAGE = "该记录暂不能由本单位登记，已转科技局核对处理"


def hidden_ids(model, user, ids: Iterable[int]) -> set[int]:
    """Those of ``ids`` the user may not see (whose existence must not be revealed to them)."""
    ids = set(ids)
    if not ids or user is None:
        return set()
    visible = set(restrict(model.objects.filter(pk__in=ids), user, VIEW).values_list("pk", flat=True))
    return ids - visible


def file_conflicts(registry: str, user, record_ids: Iterable[int], source: str) -> int:
    """File one open conflict per (registry, record, unit), and one audit event; returns how many are new."""
    record_ids = sorted(set(record_ids))
    if not record_ids or user is None:
        return 0
    unit_id = getattr(user, "unit_id", None)
    with transaction.atomic():
        open_ids = set(
            KeyConflict.objects.filter(
                registry=registry, record_id__in=record_ids, unit_id=unit_id, resolved_at__isnull=True
            ).values_list("record_id", flat=True)
        )
        new = [
            KeyConflict(registry=registry, record_id=pk, unit_id=unit_id, user=user, source=source)
            for pk in record_ids
            if pk not in open_ids
        ]
        KeyConflict.objects.bulk_create(new)
        if new:
            record_event(
                "registry.conflict",
                user=user,
                detail={"registry": registry, "count": len(new), "source": source, "records": record_ids[:50]},
            )
    return len(new)


def resolve(conflict: KeyConflict, user, note: str) -> KeyConflict:
    if not user.has_perm("registry.resolve_conflict", conflict):
        raise PermissionDenied("只有领导小组办公室可以处理重复记录")
    with transaction.atomic():
        conflict = KeyConflict.objects.select_for_update().get(pk=conflict.pk)
        if conflict.resolved_at is None:
            conflict.resolved_at = timezone.now()
            conflict.resolved_by = user
            conflict.note = note[:200]
            conflict.save(update_fields=["resolved_at", "resolved_by", "note"])
            record_event(
                "registry.conflict_resolved", user=user, obj=conflict,
                detail={"registry": conflict.registry, "note": note[:200]},
            )
    return conflict
