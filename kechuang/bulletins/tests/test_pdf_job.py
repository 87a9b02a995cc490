"""The bulletin PDF is made by the task worker, not in the request: the page polls until it is ready, and a
failure shows its reason and can be asked again."""

import pytest
from django.urls import reverse

from kechuang.bulletins import services
from kechuang.documents.pdf import pdf_available

pytestmark = [pytest.mark.django_db,
              pytest.mark.skipif(not pdf_available(), reason="LibreOffice not installed")]


@pytest.fixture
def issued(plan, personas):
    office = personas["office"]
    return services.issue_bulletin(services.draft_bulletin(plan, 2022, 1, user=office), user=office)


# Slow by nature (~5 s): LibreOffice really converts the document once.
def test_the_pdf_is_made_by_the_worker_and_the_page_polls_until_it_is_ready(issued, client_for,
                                                                             django_capture_on_commit_callbacks):
    client = client_for("leader")
    url = reverse("bulletins:bulletin_pdf", args=[issued.pk])
    with django_capture_on_commit_callbacks() as queued:
        page = client.get(url)
    assert page.status_code == 200 and "PDF 生成中" in page.content.decode() and len(queued) == 1
    with django_capture_on_commit_callbacks() as again:
        fragment = client.get(url, HTTP_HX_REQUEST="true").content.decode()
    assert again == [] and 'hx-trigger="every 2s"' in fragment  # asking again enqueues nothing more
    queued[0]()  # the worker's turn (the test settings run the task inline)
    fragment = client.get(url, HTTP_HX_REQUEST="true").content.decode()
    assert "PDF 已生成" in fragment and "hx-trigger" not in fragment
    response = client.get(url)
    assert response["Content-Type"] == "application/pdf" and response.content.startswith(b"%PDF")


def test_a_failed_pdf_shows_its_reason_and_can_be_asked_again(issued, client_for, monkeypatch,
                                                              django_capture_on_commit_callbacks):
    client = client_for("office")
    url = reverse("bulletins:bulletin_pdf", args=[issued.pk])
    with django_capture_on_commit_callbacks() as queued:
        client.get(url)
    with monkeypatch.context() as m:
        m.setenv("PATH", "/nonexistent")  # the worker's machine lacks LibreOffice
        queued[0]()
    page = client.get(url).content.decode()
    assert "PDF 未能生成：服务器未安装 LibreOffice" in page and "?retry=1" in page
    with django_capture_on_commit_callbacks() as retried:
        client.get(url + "?retry=1")
    assert len(retried) == 1
    issued.refresh_from_db()
    assert issued.pdf_state == services.PDF_QUEUED and issued.pdf_error == ""
