"""Task-queue entry points of supervision: the daily tick as a django-q2 schedule (see kechuang.core.jobs).

`ensure_schedules()` creates the schedule once (after every migrate, and by `kechuang setup-schedules`); an
existing one keeps its next run. The cron line in the README stays an alternative for installations without a
worker.
"""

from __future__ import annotations

import datetime as dt
import io

from django.core.management import call_command
from django.utils import timezone
from django_q.models import Schedule

TICK_SCHEDULE = "kechuang-daily-tick"
TICK_AT = dt.time(1, 10)  # local time (Asia/Shanghai), as the documented cron line
COMPACT_SCHEDULE = "kechuang-fingerprint-compact"
COMPACT_MINUTES = 5


def daily_tick() -> str:
    """Run `kechuang tick` for today; idempotent (a second run sends nothing twice). Returns its report."""
    out = io.StringIO()
    call_command("tick", stdout=out)
    return out.getvalue()


def next_tick_time(now: dt.datetime | None = None) -> dt.datetime:
    now = timezone.localtime(now or timezone.now())
    at = now.replace(hour=TICK_AT.hour, minute=TICK_AT.minute, second=0, microsecond=0)
    return at if at > now else at + dt.timedelta(days=1)


def ensure_schedules(**_signal_kwargs) -> bool:
    """Create the daily tick schedule and the fingerprint log's compaction unless they exist; True when the
    tick's was created."""
    _, created = Schedule.objects.get_or_create(
        name=TICK_SCHEDULE,
        defaults={"func": "kechuang.supervision.jobs.daily_tick", "schedule_type": Schedule.DAILY,
                  "next_run": next_tick_time(), "repeats": -1},
    )
    # The data fingerprint's change log grows with every write statement; folded every few minutes, reading a
    # fingerprint (every page) stays a read of a few rows on a busy filing day (kechuang.core.fingerprint).
    Schedule.objects.get_or_create(
        name=COMPACT_SCHEDULE,
        defaults={"func": "kechuang.core.fingerprint.compact", "schedule_type": Schedule.MINUTES,
                  "minutes": COMPACT_MINUTES, "repeats": -1},
    )
    return created
