import datetime as dt
import time

import pytest
from django.conf import settings
from django.core.management import call_command
from django.db import OperationalError
from django.urls import reverse
from django.utils import timezone

from kechuang.core.jobs import INTERRUPTED
from kechuang.registry.models import Enterprise, ImportJob, ImportStatus
from kechuang.registry.services import purge_import_files, request_commit, start_import
from kechuang.registry.tests import xlsx

RUNNING = (ImportStatus.PENDING, ImportStatus.VALIDATING, ImportStatus.COMMITTING)


def _wait(job_id, timeout=300):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            job = ImportJob.objects.get(pk=job_id)
        except OperationalError:  # the in-memory test database is briefly locked by the worker
            time.sleep(0.5)
            continue
        if job.status not in RUNNING:
            return job
        time.sleep(0.5)
    raise AssertionError("import job did not finish")


@pytest.mark.django_db(transaction=True)
def test_a_large_upload_is_validated_and_committed_through_the_task_queue(plan, personas):
    data = xlsx.big_enterprise_file(6000)
    assert len(data) > settings.KECHUANG_IMPORT_INLINE_BYTES
    job = start_import("enterprises", personas["office"], "big.xlsx", data)
    job = _wait(job.pk)
    assert job.status == ImportStatus.VALID and job.progress == 100 and job.total_rows == 6000
    assert Enterprise.objects.count() == 0
    request_commit(job)
    job = _wait(job.pk)
    assert job.status == ImportStatus.DONE and job.summary["created"] == 6000
    assert Enterprise.objects.count() == 6000


@pytest.mark.django_db
def test_the_progress_fragment_polls_while_running_and_stops_when_done(plan, personas, client_for):
    job = ImportJob.objects.create(
        registry="enterprises",
        user=personas["town"],
        filename="x.xlsx",
        content=b"",
        status=ImportStatus.VALIDATING,
        progress=40,
    )
    client = client_for("town")
    url = reverse("registry:import_job", args=[job.pk])
    fragment = client.get(url, HTTP_HX_REQUEST="true").content.decode()
    assert 'hx-trigger="every 1s"' in fragment and "40%" in fragment and "<html" not in fragment
    ImportJob.objects.filter(pk=job.pk).update(
        status=ImportStatus.DONE, progress=100, summary={"created": 3, "updated": 0, "unchanged": 0}
    )
    fragment = client.get(url, HTTP_HX_REQUEST="true").content.decode()
    assert "hx-trigger" not in fragment and "导入完成" in fragment
    assert client_for("town_b").get(url).status_code == 404


@pytest.mark.django_db
def test_an_uploaded_file_is_deleted_when_its_job_ends_and_a_waiting_one_after_the_retention(plan, personas):
    data = xlsx.big_enterprise_file(20)
    job = start_import("enterprises", personas["office"], "small.xlsx", data)
    assert job.status == ImportStatus.VALID and bytes(job.content) == data  # kept until the commit
    request_commit(job)
    job.refresh_from_db()
    assert job.status == ImportStatus.DONE and bytes(job.content) == b""
    bad = start_import("enterprises", personas["office"], "bad.xlsx", xlsx.workbook_bytes([["x"]]))
    assert bad.status == ImportStatus.INVALID and bytes(bad.content)  # kept for the annotated error workbook
    waiting = start_import("enterprises", personas["office"], "wait.xlsx", xlsx.big_enterprise_file(5, start=100))
    assert purge_import_files() == 0
    ImportJob.objects.filter(pk__in=[waiting.pk, bad.pk]).update(created=timezone.now() - dt.timedelta(hours=25))
    call_command("tick", "--as-of", "2022-05-10")
    waiting.refresh_from_db()
    assert waiting.status == ImportStatus.FAILED and bytes(waiting.content) == b""
    assert "保留期限" in waiting.errors[0]["text"]
    bad.refresh_from_db()
    assert bad.status == ImportStatus.INVALID and bytes(bad.content) == b"" and bad.errors


@pytest.mark.django_db
def test_an_interrupted_job_shows_its_message_to_the_uploader(plan, personas, client_for):
    job = ImportJob.objects.create(registry="enterprises", user=personas["town"], filename="x.xlsx", content=b"",
                                   status=ImportStatus.FAILED, errors=[{"text": INTERRUPTED, "reason": INTERRUPTED}])
    page = client_for("town").get(reverse("registry:import_job", args=[job.pk])).content.decode()
    failed = page[page.index('data-testid="import-failed"'):][:300]
    assert INTERRUPTED in failed and "处错误" not in failed and "hx-trigger" not in page
