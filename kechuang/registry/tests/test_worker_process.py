"""Imports through a real task worker: `manage.py qcluster` in a separate process on the test database.

Slow by nature (each test starts a worker, ~3–5 s, and imports a few thousand rows): kept to two tests, marked
`worker`. The test process only enqueues (Q_CLUSTER sync is switched off for it) and polls the job row.
"""

from __future__ import annotations

import os
import signal
import time

import pytest
from django.db import OperationalError, transaction
from django_q.conf import Conf

from kechuang.core.jobs import INTERRUPTED, enqueue
from kechuang.core.testworker import worker_process
from kechuang.registry.models import Enterprise, ImportJob, ImportStatus
from kechuang.registry.services import request_commit, start_import
from kechuang.registry.tests import xlsx

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]
ROWS = 6000
KILL_ROWS = 15000


def _wait_for(job_id: int, predicate, timeout: float = 240, step: float = 0.05) -> ImportJob:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            job = ImportJob.objects.defer("content").get(pk=job_id)
        except OperationalError:  # SQLite briefly locked by the worker's write
            time.sleep(step)
            continue
        if predicate(job):
            return job
        time.sleep(step)
    raise AssertionError(f"job {job_id} never reached the expected state (last: {job.status} {job.progress}%)")


def _ended(job) -> bool:
    return job.status not in (ImportStatus.PENDING, ImportStatus.VALIDATING, ImportStatus.COMMITTING)


@pytest.fixture
def queued(monkeypatch):
    """Enqueue for real from this process (the test settings run jobs inline)."""
    monkeypatch.setattr(Conf, "SYNC", False)


def test_an_import_enqueued_here_is_validated_and_committed_by_a_separate_worker_process(plan, personas, queued):
    data = xlsx.big_enterprise_file(ROWS)
    with worker_process():
        job = start_import("enterprises", personas["office"], "big.xlsx", data)
        assert job.status == ImportStatus.PENDING  # nothing ran in this process
        job = _wait_for(job.pk, _ended)
        assert job.status == ImportStatus.VALID and job.total_rows == ROWS
        host, _, pid = job.runner.rpartition(":")
        assert int(pid) != os.getpid()
        request_commit(job)
        job = _wait_for(job.pk, _ended)
    assert job.status == ImportStatus.DONE and job.summary["created"] == ROWS
    assert Enterprise.objects.count() == ROWS


def _enqueue_commit(user, data: bytes) -> ImportJob:
    """An upload committed straight away (validation runs again inside the commit): one pass instead of two."""
    with transaction.atomic():
        job = ImportJob.objects.create(registry="enterprises", user=user, filename="big.xlsx", content=data,
                                       commit_requested=True)
        enqueue("kechuang.registry.jobs.process_import", job.pk)
    return job


def test_killing_the_worker_mid_import_writes_nothing_and_fails_the_job_and_a_retry_succeeds(plan, personas, queued):
    # Enough rows that the write transaction lasts a few seconds (the kill must land inside it).
    data = xlsx.big_enterprise_file(KILL_ROWS)
    with worker_process() as proc:
        job = _enqueue_commit(personas["office"], data)
        # Kill the whole cluster (sentinel and worker, no clean-up) once the write phase has begun.
        _wait_for(job.pk, lambda j: j.status == ImportStatus.COMMITTING and j.progress >= 50, step=0.01)
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait(10)
    assert Enterprise.objects.count() == 0
    assert ImportJob.objects.get(pk=job.pk).status == ImportStatus.COMMITTING
    # A restarted worker fails the interrupted job with a message for its user; then the user simply retries.
    with worker_process():
        failed = _wait_for(job.pk, _ended)
        assert failed.status == ImportStatus.FAILED and failed.errors[0]["text"] == INTERRUPTED
        assert Enterprise.objects.count() == 0
        retry = _wait_for(_enqueue_commit(personas["office"], data).pk, _ended)
    assert retry.status == ImportStatus.DONE and retry.summary["created"] == KILL_ROWS
    assert Enterprise.objects.count() == KILL_ROWS
    assert ImportJob.objects.get(pk=job.pk).status == ImportStatus.FAILED  # a redelivered task stays a no-op
