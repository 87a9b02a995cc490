"""Plan extraction through the task queue: the upload only stores the file and a job; the worker extracts; the
page polls the job and opens the draft; failures and interrupted workers leave a Chinese message and no draft."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import TestCase
from django.urls import reverse

from kechuang.core import files as private_files
from kechuang.core.jobs import INTERRUPTED, recover_interrupted
from kechuang.plans.jobs import extract_plan
from kechuang.plans.models import ExtractionJob, Plan

from .extract_helpers import SEED


def _seed_upload():
    return SimpleUploadedFile(SEED.name, SEED.read_bytes())


@pytest.mark.django_db
def test_the_upload_queues_a_job_and_the_page_polls_until_the_draft_opens(client_for):
    office = client_for("office")
    # Without running the queue's callbacks: the request itself extracts nothing.
    response = office.post(reverse("plans:extract_upload"), {"file": _seed_upload(), "code": "gs-queued"})
    job = ExtractionJob.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("plans:extract_job", args=[job.pk])
    assert job.state == "queued" and not Plan.objects.filter(code="gs-queued").exists()
    assert private_files.private_storage().exists(job.file_key)  # any worker node can read the upload
    page = office.get(response["Location"]).content.decode()
    assert 'data-testid="extract-waiting"' in page and 'hx-trigger="every 2s"' in page
    assert "<script" not in page.split('id="extract-job"')[1].split("</div>")[0]  # CSP-safe: attributes only

    extract_plan(job.pk)  # what the worker runs

    job.refresh_from_db()
    plan = Plan.objects.get(code="gs-queued")
    assert job.state == "done" and job.plan == plan and job.file_key == ""
    poll = office.get(response["Location"], HTTP_HX_REQUEST="true")
    assert poll["HX-Redirect"] == reverse("plans:extract_review", kwargs={"code": "gs-queued"})
    page = office.get(response["Location"], follow=True).content.decode()
    assert "已生成方案草稿：任务 9 项，指标 17 项" in page


@pytest.mark.django_db
def test_running_a_job_twice_makes_one_draft(client_for):
    office = client_for("office")
    with TestCase.captureOnCommitCallbacks(execute=True):
        office.post(reverse("plans:extract_upload"), {"file": _seed_upload(), "code": "gs-twice"})
    job = ExtractionJob.objects.get()
    modified = Plan.objects.get(code="gs-twice").last_updated
    extract_plan(job.pk)  # a retried delivery of the same job
    assert Plan.objects.filter(code="gs-twice").count() == 1
    assert Plan.objects.get(code="gs-twice").last_updated == modified


@pytest.mark.django_db
def test_a_failed_extraction_shows_why_writes_no_draft_and_drops_the_upload(client_for):
    office = client_for("office")
    with TestCase.captureOnCommitCallbacks(execute=True):
        response = office.post(reverse("plans:extract_upload"),
                               {"file": SimpleUploadedFile("plan.docx", b"not a zip"), "code": "gs-broken"})
    job = ExtractionJob.objects.get()
    assert job.state == "failed" and "无法读取 Word 文档" in job.error
    assert not Plan.objects.filter(code="gs-broken").exists()
    page = office.get(response["Location"]).content.decode()
    assert "未能提取方案" in page and "无法读取 Word 文档" in page and "every 2s" not in page
    storage = private_files.private_storage()
    assert not [n for n in storage.listdir("plan-uploads")[1] if n.endswith(".docx")]


@pytest.mark.django_db
def test_a_job_whose_worker_died_is_failed_with_a_message_on_recovery(client_for):
    office = client_for("office")
    office.post(reverse("plans:extract_upload"), {"file": _seed_upload(), "code": "gs-killed"})
    job = ExtractionJob.objects.get()
    key = job.file_key
    # Claimed by a worker process that no longer exists on this host.
    ExtractionJob.objects.filter(pk=job.pk).update(state="running", runner="ghost-host:1", started=None)
    assert recover_interrupted() >= 1
    job.refresh_from_db()
    assert job.state == "failed" and job.error == INTERRUPTED
    assert not private_files.private_storage().exists(key)
    extract_plan(job.pk)  # a late delivery does not bring it back
    assert not Plan.objects.filter(code="gs-killed").exists()
    page = office.get(reverse("plans:extract_job", args=[job.pk])).content.decode()
    assert "后台任务被中断" in page and "重新上传" in page


@pytest.mark.django_db
def test_only_the_uploading_office_follows_a_job(client_for, personas):
    office = client_for("office")
    office.post(reverse("plans:extract_upload"), {"file": _seed_upload(), "code": "gs-private"})
    url = reverse("plans:extract_job", args=[ExtractionJob.objects.get().pk])
    assert office.get(url).status_code == 200
    for persona in ("lead", "town", "leader", "dept"):
        assert client_for(persona).get(url).status_code == 404
