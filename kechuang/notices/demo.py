"""Demo support: the other apps' demos raise notices through the normal services; this dates them on the demo's
calendar (the plan year) instead of today, so the notice centre reads like the month the demo shows."""

from __future__ import annotations

import contextlib
import datetime as dt

from django.utils import timezone

from .models import Notice


@contextlib.contextmanager
def dated(when: dt.datetime | dt.date):
    """Notices raised inside the block are dated ``when`` (a date means 9:00 that day)."""
    if not isinstance(when, dt.datetime):
        when = timezone.make_aware(dt.datetime.combine(when, dt.time(9, 0)))
    last = Notice.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    yield
    Notice.objects.filter(pk__gt=last).update(created=when)
