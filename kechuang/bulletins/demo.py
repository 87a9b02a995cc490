"""Demo data: the 2022 Q1 and Q2 bulletins, issued, and the Q3 draft waiting for the office to pick its
highlights and problems (idempotent: an issued quarter is left alone, an existing draft is kept)."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from kechuang.accounts.models import Role, User
from kechuang.notices.demo import dated

from . import compose, services
from .models import Bulletin

DEMO_MARK = "【演示数据】"
ISSUE_DAYS = {1: dt.date(2022, 4, 12), 2: dt.date(2022, 7, 12)}


def generate(plan, rng) -> None:
    office = User.objects.filter(role_assignments__role=Role.OFFICE, is_active=True).order_by("pk").first()
    if office is None:
        return
    for quarter in (1, 2):
        existing = Bulletin.objects.filter(plan=plan, year=plan.year, quarter=quarter).first()
        if existing is not None and existing.is_issued:
            continue
        bulletin = services.draft_bulletin(plan, plan.year, quarter, user=office)
        summary = DEMO_MARK + compose.draft_summary(bulletin.snapshot)
        bulletin = services.update_narrative(bulletin, user=office, summary=summary, next_steps=bulletin.next_steps,
                                             version=bulletin.version)
        day = ISSUE_DAYS.get(quarter, compose.quarter_end(plan.year, quarter))
        when = timezone.make_aware(dt.datetime(plan.year, day.month, day.day, 9, 30))
        with dated(when):
            services.issue_bulletin(bulletin, user=office, now=when)
    if not Bulletin.objects.filter(plan=plan, year=plan.year, quarter=3).exists():
        services.draft_bulletin(plan, plan.year, 3, user=office)
