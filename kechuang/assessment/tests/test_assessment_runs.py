"""Assessment runs through the task queue: the office's click queues a run, the worker computes (or publishes)
in one transaction, the page polls and reloads; failures and dead workers leave a Chinese message."""

from __future__ import annotations

import pytest
from django.test import TestCase
from django.urls import reverse

from kechuang.assessment import services
from kechuang.assessment.jobs import run_assessment
from kechuang.assessment.models import AssessmentResult, AssessmentScheme, ResultStatus
from kechuang.core.jobs import INTERRUPTED, recover_interrupted

pytestmark = pytest.mark.django_db


def test_compute_queues_a_run_the_page_polls_and_reloads_when_the_worker_is_done(plan, personas, client_for):
    scheme = services.ensure_scheme(plan)
    office = client_for("office")
    response = office.post(reverse("assessment:compute", args=[scheme.pk]))  # queue callbacks not run
    assert response.status_code == 302
    scheme.refresh_from_db()
    assert scheme.run_state == "queued" and not AssessmentResult.objects.filter(scheme=scheme).exists()
    page = office.get(reverse("assessment:scheme_detail", args=[scheme.pk])).content.decode()
    status_url = reverse("assessment:run_status", args=[scheme.pk])
    assert 'data-testid="run-waiting"' in page and f'hx-get="{status_url}"' in page and "every 2s" in page
    # A second click while the run waits is refused, not queued twice.
    with pytest.raises(services.AssessmentError):
        services.request_run(scheme, user=personas["office"])

    run_assessment(scheme.pk)  # what the worker runs

    scheme.refresh_from_db()
    assert scheme.run_state == "" and scheme.run_error == ""
    draft = AssessmentResult.objects.get(scheme=scheme, status=ResultStatus.DRAFT)
    assert draft.data["groups"]
    assert office.get(status_url, HTTP_HX_REQUEST="true")["HX-Refresh"] == "true"
    page = office.get(reverse("assessment:scheme_detail", args=[scheme.pk])).content.decode()
    assert "run-waiting" not in page and 'data-testid="result-status"' in page
    run_assessment(scheme.pk)  # a repeated delivery does nothing
    assert AssessmentResult.objects.get(scheme=scheme, status=ResultStatus.DRAFT).computed_at == draft.computed_at


def test_publish_runs_in_the_worker_and_freezes_the_result(plan, personas, client_for):
    scheme = services.ensure_scheme(plan)
    office = client_for("office")
    with TestCase.captureOnCommitCallbacks(execute=True):
        office.post(reverse("assessment:publish", args=[scheme.pk]))
    published = AssessmentResult.objects.get(scheme=scheme, status=ResultStatus.PUBLISHED)
    assert published.published_by == personas["office"]
    response = office.post(reverse("assessment:compute", args=[scheme.pk]), follow=True)
    assert "考核结果已公布，不能再重新计算" in response.content.decode()
    assert AssessmentScheme.objects.get(pk=scheme.pk).run_state == ""


def test_a_failed_run_shows_why_and_keeps_the_previous_result(plan, personas, client_for):
    scheme = services.ensure_scheme(plan)
    office = client_for("office")
    with TestCase.captureOnCommitCallbacks(execute=True):
        office.post(reverse("assessment:compute", args=[scheme.pk]))
    before = AssessmentResult.objects.get(scheme=scheme, status=ResultStatus.DRAFT)
    # The scheme breaks between the click and the run (its groups lose their rules).
    good = scheme.config
    AssessmentScheme.objects.filter(pk=scheme.pk).update(config={**good, "groups": None})
    with TestCase.captureOnCommitCallbacks(execute=True):
        office.post(reverse("assessment:compute", args=[scheme.pk]))
    scheme.refresh_from_db()
    assert scheme.run_state == "failed" and scheme.run_error.startswith("考核计算失败")
    after = AssessmentResult.objects.get(scheme=scheme, status=ResultStatus.DRAFT)
    assert after.computed_at == before.computed_at and after.data == before.data
    AssessmentScheme.objects.filter(pk=scheme.pk).update(config=good)  # mended: the page still says why
    page = office.get(reverse("assessment:scheme_detail", args=[scheme.pk])).content.decode()
    assert 'data-testid="run-failed"' in page and "未能计算" in page and "every 2s" not in page


def test_a_run_whose_worker_died_is_failed_with_a_message_and_can_be_asked_again(plan, personas, client_for):
    scheme = services.ensure_scheme(plan)
    office = client_for("office")
    office.post(reverse("assessment:compute", args=[scheme.pk]))
    AssessmentScheme.objects.filter(pk=scheme.pk).update(run_state="running", run_runner="ghost-host:1",
                                                         run_started=None)
    assert recover_interrupted() >= 1
    scheme.refresh_from_db()
    assert scheme.run_state == "failed" and scheme.run_error == INTERRUPTED
    assert not AssessmentResult.objects.filter(scheme=scheme).exists()
    with TestCase.captureOnCommitCallbacks(execute=True):
        office.post(reverse("assessment:compute", args=[scheme.pk]))
    assert AssessmentResult.objects.filter(scheme=scheme, status=ResultStatus.DRAFT).exists()


def test_only_the_office_sees_or_starts_runs(plan, personas, client_for):
    scheme = services.ensure_scheme(plan)
    for persona in ("leader", "town", "lead"):
        client = client_for(persona)
        assert client.get(reverse("assessment:run_status", args=[scheme.pk])).status_code == 404
        assert client.post(reverse("assessment:compute", args=[scheme.pk])).status_code in (403, 404)
    assert AssessmentScheme.objects.get(pk=scheme.pk).run_state == ""
