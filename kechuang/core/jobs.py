"""One door to the task queue (django-q2): every long job is enqueued here, never run in a web thread.

`enqueue("kechuang.registry.services.process_job", job.pk)` hands the call to the worker once the current
transaction commits (the worker must see the rows the request wrote). Under the test settings the queue runs
jobs inline (Q_CLUSTER sync=True).
"""

from __future__ import annotations

from django.db import transaction
from django_q.tasks import async_task


def enqueue(func: str, *args, name: str | None = None, group: str | None = None, **kwargs) -> None:
    """Run `func` (a dotted path) with `args` in the task worker after the current transaction commits."""
    options = {}
    if name:
        options["task_name"] = name
    if group:
        options["group"] = group
    transaction.on_commit(lambda: async_task(func, *args, **options, **kwargs))
