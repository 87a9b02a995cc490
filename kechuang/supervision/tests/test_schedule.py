"""The daily tick runs as a django-q2 schedule, created once, and sweeps jobs whose worker died."""

import datetime as dt
import io
import socket
import subprocess

import pytest
from django.core.management import call_command
from django.utils import timezone
from django_q.models import Schedule

from kechuang.core.jobs import INTERRUPTED
from kechuang.quality.models import QualityRun, RunStatus
from kechuang.quality.services import INTERRUPTED as QUALITY_INTERRUPTED
from kechuang.registry.models import ImportJob, ImportStatus
from kechuang.supervision.jobs import COMPACT_SCHEDULE, TICK_SCHEDULE, daily_tick, ensure_schedules

pytestmark = pytest.mark.django_db


def test_the_daily_tick_schedule_is_created_once_for_1_10_local_time():
    Schedule.objects.filter(name=TICK_SCHEDULE).delete()
    assert ensure_schedules() is True
    call_command("setup-schedules", stdout=io.StringIO())
    assert ensure_schedules() is False
    schedule = Schedule.objects.get(name=TICK_SCHEDULE)
    assert schedule.func == "kechuang.supervision.jobs.daily_tick" and schedule.schedule_type == Schedule.DAILY
    local = timezone.localtime(schedule.next_run)
    assert (local.hour, local.minute) == (1, 10) and local > timezone.localtime()


def test_the_fingerprint_log_is_folded_every_five_minutes_by_a_schedule():
    Schedule.objects.filter(name=COMPACT_SCHEDULE).delete()
    ensure_schedules()
    ensure_schedules()
    schedule = Schedule.objects.get(name=COMPACT_SCHEDULE)
    assert (schedule.func, schedule.schedule_type, schedule.minutes) == (
        "kechuang.core.fingerprint.compact", Schedule.MINUTES, 5)
    assert Schedule.objects.filter(func="kechuang.core.fingerprint.compact").count() == 1


def test_the_scheduled_task_runs_the_tick(plan):
    assert f"{plan.code} " in daily_tick()


def _dead_pid() -> int:
    proc = subprocess.Popen(["true"])
    proc.wait()
    return proc.pid


def test_the_tick_fails_running_jobs_whose_worker_died_and_leaves_live_ones(personas):
    host = socket.gethostname()
    now = timezone.now()

    def job(runner, heartbeat):
        return ImportJob.objects.create(registry="enterprises", user=personas["office"], filename="x.xlsx",
                                        content=b"x", status=ImportStatus.COMMITTING, runner=runner,
                                        heartbeat=heartbeat)

    dead_here = job(f"{host}:{_dead_pid()}", now)
    silent_elsewhere = job("other-node:123", now - dt.timedelta(hours=1))
    busy_elsewhere = job("other-node:456", now - dt.timedelta(seconds=30))
    call_command("tick", "--as-of", "2022-05-10", stdout=io.StringIO())
    for j in (dead_here, silent_elsewhere):
        j.refresh_from_db()
        assert j.status == ImportStatus.FAILED and j.errors[0]["text"] == INTERRUPTED and bytes(j.content) == b""
    busy_elsewhere.refresh_from_db()
    assert busy_elsewhere.status == ImportStatus.COMMITTING


def test_the_same_sweep_fails_a_data_quality_check_whose_worker_died(personas):
    run = QualityRun.objects.create(runner="other-node:789")
    QualityRun.objects.filter(pk=run.pk).update(started=timezone.now() - dt.timedelta(hours=1))
    live = QualityRun.objects.create(runner="other-node:790")  # started just now: still working
    call_command("tick", "--as-of", "2022-05-10", stdout=io.StringIO())
    run.refresh_from_db()
    live.refresh_from_db()
    assert (run.status, run.message) == (RunStatus.FAILED, QUALITY_INTERRUPTED) and run.finished is not None
    assert live.status == RunStatus.RUNNING
