"""Milestones: add, complete, overdue."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone

from kechuang.audit.services import record_event
from kechuang.core.concurrency import save_with_version
from kechuang.plans.models import TaskUnit

from ..models import Milestone
from .cleaning import _text
from .errors import InvalidData, NotAllowed
from .workflow import _check_version


def milestone_action(plan, *, user, data) -> Milestone | None:
    """工期倒排: the unit adds a milestone to one of its tasks, marks one done (or not done), or deletes one."""
    op = data.get("op", "add")
    if not user.has_perm("reporting.change_milestone"):
        raise NotAllowed("只有本单位填报员可以维护工作节点")
    if op == "add":
        try:
            task_id = int(data.get("task", ""))
        except ValueError as exc:
            raise InvalidData("请选择任务") from exc
        if not TaskUnit.objects.filter(task_id=task_id, task__plan=plan, unit_id=user.unit_id).exists():
            raise NotAllowed("该单位不承担此任务")
        title = _text(data.get("title"), "节点")[:200]
        person = _text(data.get("responsible_person"), "责任人")[:50]
        try:
            deadline = dt.date.fromisoformat(str(data.get("deadline", "")).strip())
        except ValueError as exc:
            raise InvalidData("完成时限须为日期（如 2022-09-30）") from exc
        problems = [m for m, bad in (("请填写节点内容", not title), ("请填写责任人", not person)) if bad]
        if problems:
            raise InvalidData(problems[0], problems)
        if deadline.year != plan.year:
            raise InvalidData(f"完成时限须在 {plan.year} 年内")
        with transaction.atomic():
            m = Milestone.objects.create(task_id=task_id, unit_id=user.unit_id, title=title,
                                         responsible_person=person, deadline=deadline)
            record_event("reporting.milestone_add", user=user, obj=m)
        return m
    try:
        pk, version = int(data.get("pk", "")), int(data.get("version", ""))
    except ValueError as exc:
        raise InvalidData("缺少节点编号或版本号") from exc
    with transaction.atomic():
        m = Milestone.objects.select_for_update().filter(pk=pk, unit_id=user.unit_id, task__plan=plan).first()
        if m is None:
            raise NotAllowed("找不到该工作节点")
        _check_version(m, version)
        if op == "delete":
            record_event("reporting.milestone_delete", user=user, obj=m)
            m.delete()
            return None
        if op == "done":
            raw = str(data.get("done_on") or "").strip()
            try:
                m.done_on = dt.date.fromisoformat(raw) if raw else timezone.localdate()
            except ValueError as exc:
                raise InvalidData("完成日期格式不正确") from exc
        elif op == "undo":
            m.done_on = None
        else:
            raise InvalidData("未知操作")
        save_with_version(m, m.version, ["done_on"])
        record_event(f"reporting.milestone_{op}", user=user, obj=m)
    return m


def overdue_milestones(plan, as_of: dt.date, unit=None):
    """Milestones past their deadline and not done by ``as_of`` (for lights, the workspace and urging)."""
    qs = Milestone.objects.filter(task__plan=plan).filter(Milestone.overdue_q(as_of))
    if unit is not None:
        qs = qs.filter(unit=unit)
    return qs.select_related("task", "unit")
