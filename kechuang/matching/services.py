"""对接 workflow: record one from a match, move it on; a successful 对接 of an achievement creates
the registry's achievement-transfer record (same transaction, audited)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction

from kechuang.audit.services import record_event
from kechuang.core.concurrency import ConflictError
from kechuang.core.scoping import CHANGE, restrict
from kechuang.registry.models import AchievementTransfer, Demand

from .choices import TRANSITIONS, DockingStatus
from .models import Docking


def record_docking(demand: Demand, *, user, expert=None, achievement=None, score=None, matched_terms=(),
                   note: str = "") -> Docking:
    """Record a proposed 对接 (the user must be able to change the demand)."""
    if (expert is None) == (achievement is None):
        raise ValidationError("须且只能选择一位专家或一项成果")
    if not restrict(Demand.objects.filter(pk=demand.pk), user, CHANGE).exists():
        raise ValidationError("无权为该需求登记对接")
    with transaction.atomic():
        existing = Docking.objects.filter(demand=demand, expert=expert, achievement=achievement).exclude(
            status=DockingStatus.FAILED).first()
        if existing:
            raise ValidationError(f"该对接已登记（{existing.get_status_display()}）")
        docking = Docking.objects.create(demand=demand, expert=expert, achievement=achievement, score=score,
                                         matched_terms=list(matched_terms), outcome=note, created_by=user)
        record_event("matching.docking.create", user=user, obj=docking,
                     detail={"demand": demand.pk, "kind": docking.kind, "target": docking.target.pk})
    return docking


def update_docking(docking: Docking, status: str, *, user, outcome: str = "", amount=None, way: str = "",
                   concluded_on: dt.date | None = None, expected_version: int | None = None) -> Docking:
    """Move a 对接 to ``status``; success with an achievement creates the AchievementTransfer."""
    if not restrict(Docking.objects.filter(pk=docking.pk), user, CHANGE).exists():
        raise ValidationError("无权变更该对接记录")
    with transaction.atomic():
        # No select_related: PostgreSQL refuses FOR UPDATE on the nullable side of an outer join.
        current = Docking.objects.select_for_update().get(pk=docking.pk)
        if current.version != (docking.version if expected_version is None else expected_version):
            raise ConflictError()
        if status not in TRANSITIONS.get(current.status, ()):
            label = DockingStatus(status).label if status in DockingStatus.values else status
            raise ValidationError(f"不能从“{current.get_status_display()}”变更为“{label}”")
        from_status = current.status
        current.status = status
        if outcome:
            current.outcome = outcome
        if amount not in (None, ""):
            current.amount = Decimal(str(amount))
        if way:
            current.way = way
        if status in (DockingStatus.SUCCEEDED, DockingStatus.FAILED):
            current.concluded_on = concluded_on or dt.date.today()
        if status == DockingStatus.SUCCEEDED and current.achievement_id:
            current.transfer = AchievementTransfer.objects.create(
                title=current.achievement.title,
                source_institution=current.achievement.institution or "—",
                enterprise=current.demand.enterprise,
                way=current.way or "技术转让",
                amount=current.amount,
                transferred_on=current.concluded_on,
            )
            record_event("registry.transfer.create", user=user, obj=current.transfer,
                         detail={"docking": current.pk, "source": "matching"})
        current.version += 1
        current.save()
        record_event("matching.docking.status", user=user, obj=current,
                     detail={"from": from_status, "to": status, "outcome": outcome})
    return current
