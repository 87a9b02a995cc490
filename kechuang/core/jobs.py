"""One door to the task queue (django-q2): every long job is enqueued here, never run in a web thread.

`enqueue("kechuang.registry.jobs.process_import", job.pk)` hands the call to the worker once the current
transaction commits (the worker must see the rows the request wrote). Under the test settings the queue runs
jobs inline (Q_CLUSTER sync=True).

Interrupted jobs: a job row records which process runs it (`runner_id()`, "host:pid") and when it last showed
life (a heartbeat). `recover_interrupted()` asks every app's `jobs.py` (`recover_interrupted_jobs(is_dead)`) to
mark its running jobs failed, with a Chinese message, when their process is gone (same host) or their heartbeat
is older than KECHUANG_JOB_STALE_SECONDS (any host). It runs when a worker process starts (after a restart or a
killed worker) and in the daily tick, so no job stays "写入中" forever.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import socket

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django_q.models import Schedule
from django_q.tasks import async_task

from .discovery import app_modules

logger = logging.getLogger(__name__)
INTERRUPTED = "后台任务被中断（服务器重启或任务进程退出），未写入任何数据，请重新提交"


def enqueue(func: str, *args, name: str | None = None, group: str | None = None, **kwargs) -> None:
    """Run `func` (a dotted path) with `args` in the task worker after the current transaction commits."""
    options = {}
    if name:
        options["task_name"] = name
    if group:
        options["group"] = group
    transaction.on_commit(lambda: async_task(func, *args, **options, **kwargs))


def enqueue_later(func: str, *args, at: dt.datetime, name: str) -> None:
    """Run `func` with `args` in the task worker at `at` or within about 30 s after it (the worker's scheduler
    looks every 30 s): a one-off schedule named `name`, replacing a pending one of that name, created once the
    current transaction commits. Under the test settings nothing runs it (no worker): tests run the job."""
    def create():
        Schedule.objects.update_or_create(name=name, defaults={
            "func": func, "args": repr(args) if args else None, "schedule_type": Schedule.ONCE, "next_run": at,
            "repeats": -1})  # -1: the scheduler deletes a one-off schedule once it has queued its task

    transaction.on_commit(create)


def cancel_later(name: str) -> bool:
    """Drop the pending one-off schedule `name` (``enqueue_later``); True when there was one."""
    deleted, _ = Schedule.objects.filter(name=name, schedule_type=Schedule.ONCE).delete()
    return bool(deleted)


def runner_id() -> str:
    """This process as a job's runner: "host:pid"."""
    return f"{socket.gethostname()}:{os.getpid()}"


def stale_seconds() -> int:
    return getattr(settings, "KECHUANG_JOB_STALE_SECONDS", 900)


def is_dead(runner: str, heartbeat: dt.datetime | None, now: dt.datetime | None = None) -> bool:
    """Whether a job claimed by `runner` with its last `heartbeat` can no longer finish."""
    now = now or timezone.now()
    host, _, pid = (runner or "").rpartition(":")
    if host == socket.gethostname() and pid.isdigit() and int(pid) != os.getpid():
        if not _alive(int(pid)):
            return True
    return heartbeat is None or heartbeat < now - dt.timedelta(seconds=stale_seconds())


def fail_dead(running, is_dead, *, runner: str, clock: str, failed: dict, on_failed=None, load=()) -> int:
    """The one sweep every app's ``recover_interrupted_jobs`` runs: each row of ``running`` (a queryset of the
    rows still marked running) whose ``runner`` field names a dead process, or whose ``clock`` field is stale, is
    updated with ``failed`` — only if it is still running with that runner, so a row a live worker just took over
    is left alone. ``on_failed(row)`` then cleans up (e.g. deletes an upload: list its fields in ``load``).
    Returns how many failed."""
    count = 0
    for row in running.only("pk", runner, clock, *load):
        if is_dead(getattr(row, runner), getattr(row, clock)):
            done = running.filter(pk=row.pk, **{runner: getattr(row, runner)}).update(**failed)
            if done and on_failed is not None:
                on_failed(row)
            count += done
    return count


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # alive, owned by another user
        return True
    # A killed process stays a zombie until its (new) parent reaps it, which init may do late.
    try:
        with open(f"/proc/{pid}/stat", "rb") as handle:
            return handle.read().rsplit(b")", 1)[1].split()[0] != b"Z"
    except (OSError, IndexError):
        return True


def recover_interrupted(**_signal_kwargs) -> int:
    """Fail every interrupted job of every app (idempotent); returns how many. Also a django-q2 post_spawn
    receiver: a worker process that starts cleans up after the one that died."""
    total = 0
    for module in app_modules("jobs"):
        recover = getattr(module, "recover_interrupted_jobs", None)
        if recover is None:
            continue
        try:
            total += recover(is_dead)
        except Exception:  # noqa: BLE001 - a worker must start even if the sweep meets a broken row
            logger.exception("recovering interrupted jobs of %s failed", module.__name__)
    return total
