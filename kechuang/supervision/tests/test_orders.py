"""督办单: numbering, every transition and the forbidden ones, the printable document, events."""

import datetime as dt
import io

import pytest
from django.core.exceptions import PermissionDenied

from kechuang.audit.models import AuditEvent
from kechuang.plans.models import Indicator, Task
from kechuang.supervision import services
from kechuang.supervision.models import OrderStatus, SupervisionOrder

pytestmark = pytest.mark.django_db

ISSUED_ON = dt.date(2022, 8, 1)


def _issue(plan, personas, unit_persona="town", issued_on=ISSUED_ON):
    indicator = Indicator.objects.get(plan=plan, code="HNTE_NEW")
    return services.issue_order(plan, indicator, personas[unit_persona].unit, "连续两月落后序时进度",
                                issued_on + dt.timedelta(days=10), personas["office"], issued_on=issued_on)


def test_orders_are_numbered_per_plan_and_year(plan, personas):
    first = _issue(plan, personas)
    second = _issue(plan, personas, "town_b")
    next_year = _issue(plan, personas, issued_on=dt.date(2023, 1, 10))
    assert (first.number, second.number, next_year.number) == (1, 2, 1)
    assert second.display_number == "〔2022〕第2号"
    assert next_year.display_number == "〔2023〕第1号"


def test_an_order_goes_issued_replied_closed_with_events(plan, personas):
    order = _issue(plan, personas)
    services.reply_order(order, personas["town"], "已召开专题会，制定追赶计划")
    order.refresh_from_db()
    assert order.status == OrderStatus.REPLIED and order.replied_by == personas["town"]
    services.close_order(order, personas["office"], "同意办结")
    order.refresh_from_db()
    assert order.status == OrderStatus.CLOSED and order.closed_by == personas["office"]
    assert list(order.events.values_list("action", flat=True)) == ["issued", "replied", "closed"]
    assert AuditEvent.objects.filter(action="supervision.order.closed", object_id=str(order.pk)).exists()


def test_forbidden_transitions_are_refused(plan, personas):
    order = _issue(plan, personas)
    with pytest.raises(services.TransitionError):
        services.close_order(order, personas["office"])  # not replied yet
    with pytest.raises(PermissionDenied):
        services.reply_order(order, personas["town_b"], "不是本单位")  # another unit
    with pytest.raises(PermissionDenied):
        services.reply_order(order, personas["office"], "办公室不能代为反馈")
    with pytest.raises(services.TransitionError):
        services.reply_order(order, personas["town"], "   ")  # empty reply
    services.reply_order(order, personas["town"], "已办理")
    with pytest.raises(services.TransitionError):
        services.reply_order(order, personas["town"], "再次反馈")
    with pytest.raises(PermissionDenied):
        services.close_order(order, personas["leader"])  # leaders only read
    with pytest.raises(PermissionDenied):
        _issue(plan, {**personas, "office": personas["lead"]})  # only the office issues
    services.close_order(order, personas["office"])
    with pytest.raises(services.TransitionError):
        services.close_order(order, personas["office"])
    with pytest.raises(services.TransitionError):
        services.reopen_order(order, personas["office"], "已办结不能退回")
    with pytest.raises(services.TransitionError):
        services.issue_order(plan, Task.objects.get(plan=plan, number="（一）"), personas["town"].unit, "事由",
                             ISSUED_ON - dt.timedelta(days=1), personas["office"], issued_on=ISSUED_ON)


def test_the_office_can_send_a_reply_back(plan, personas):
    order = _issue(plan, personas)
    services.reply_order(order, personas["town"], "已办理")
    services.reopen_order(order, personas["office"], "措施不具体")
    order.refresh_from_db()
    assert order.status == OrderStatus.ISSUED
    services.reply_order(order, personas["town"], "补充具体措施")


def test_a_proposal_gets_its_number_only_when_issued(plan, personas):
    indicator = Indicator.objects.get(plan=plan, code="HNTE_NEW")
    _issue(plan, personas)
    proposal = SupervisionOrder.objects.create(plan=plan, year=2022, status=OrderStatus.PROPOSED,
                                               indicator=indicator, unit=indicator.owner_unit, reason="连续两个月红灯")
    assert proposal.display_number == "（未编号）"
    services.issue_proposed(proposal, personas["office"], dt.date(2022, 9, 1), issued_on=dt.date(2022, 8, 20))
    proposal.refresh_from_db()
    assert proposal.number == 2 and proposal.status == OrderStatus.ISSUED
    with pytest.raises(services.TransitionError):
        services.issue_proposed(proposal, personas["office"], dt.date(2022, 9, 1))
    with pytest.raises(services.TransitionError):
        services.dismiss_proposal(proposal, personas["office"])


def test_the_order_prints_as_a_word_document(plan, personas, client_for):
    from docx import Document

    order = _issue(plan, personas)
    response = client_for("town").get(f"/supervision/orders/{order.pk}/docx/")
    assert response.status_code == 200
    doc = Document(io.BytesIO(response.content))
    text = "\n".join(p.text for p in doc.paragraphs)
    cells = [c.text for row in doc.tables[0].rows for c in row.cells]
    assert "督办单" in text and "〔2022〕第1号" in text
    assert "武胜关镇" in cells and "新认定高新技术企业" in cells and "2022年8月11日" in cells
    assert AuditEvent.objects.filter(action="supervision.order.download").exists()


def test_unit_replies_and_office_closes_through_the_pages(plan, personas, client_for):
    order = _issue(plan, personas)
    town = client_for("town")
    assert town.post(f"/supervision/orders/{order.pk}/close/", {"note": "x"}).status_code == 404
    assert town.post(f"/supervision/orders/{order.pk}/reply/", {"reply": "已整改"}).status_code == 302
    office = client_for("office")
    office.post(f"/supervision/orders/{order.pk}/close/", {"note": "同意"})
    order.refresh_from_db()
    assert order.status == OrderStatus.CLOSED
    page = town.get(f"/supervision/orders/{order.pk}/").content.decode()
    assert "已办结" in page and "已整改" in page


def test_office_issues_an_order_from_the_issue_page(plan, personas, client_for):
    task = Task.objects.get(plan=plan, number="（六）")
    office = client_for("office")
    page = office.get(f"/supervision/orders/issue/?task={task.pk}")
    assert page.status_code == 200
    response = office.post("/supervision/orders/issue/", {
        "task": task.pk, "unit": personas["lead"].unit.pk, "reason": "进展滞后", "reply_due": "2099-01-01"})
    assert response.status_code == 302
    order = SupervisionOrder.objects.get(task=task)
    assert order.number == 1 and order.unit == personas["lead"].unit
    bad = office.post("/supervision/orders/issue/", {"task": task.pk, "unit": personas["lead"].unit.pk,
                                                    "reason": "", "reply_due": "2099-01-01"})
    assert bad.status_code == 400 and "督办事由" in bad.content.decode()


def test_the_order_and_the_minutes_download_with_chinese_file_names(plan, personas, client_for):
    from urllib.parse import quote

    from django.urls import reverse

    order = services.issue_order(plan, Indicator.objects.filter(plan=plan).first(), personas["town"].unit,
                                 "连续两月落后序时进度", reply_due=dt.date(2022, 8, 1), user=personas["office"],
                                 issued_on=dt.date(2022, 7, 20))
    resp = client_for("office").get(reverse("supervision:order_docx", args=[order.pk]))
    assert resp.status_code == 200
    assert quote(f"督办单-{order.year}-{order.number}号.docx") in resp["Content-Disposition"]
