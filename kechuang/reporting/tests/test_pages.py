"""本月填报 and review pages: save, submit, lock after approval, versions, drafts invisible to others."""

import pytest
from django.urls import reverse

from kechuang.reporting import services
from kechuang.reporting.choices import SubmissionStatus as S
from kechuang.reporting.models import TaskReport

from .helpers import period, submitted_town_report, task, town_report

pytestmark = pytest.mark.django_db


def _url(plan, month=5):
    return reverse("reporting:workspace", args=[plan.code, plan.year, month])


def _form(plan, user, action="save", month=5, **overrides):
    """The posted form as the page renders it, every task filled."""
    ws = services.workspace(plan, user.unit, period(plan, month))
    data = {"action": action}
    for item in ws.tasks:
        r = item.report
        data[f"{item.key}-version"] = r.version if r.pk else 0
        data[f"{item.key}-percent_complete"] = "30"
        data[f"{item.key}-narrative"] = f"{item.task.number}本月进展"
        data[f"{item.key}-problems"] = ""
        data[f"{item.key}-next_steps"] = "下月继续"
    data.update(overrides)
    return data


def test_the_town_saves_a_draft_and_then_submits_its_month(plan, personas, client_for):
    c = client_for("town")
    page = c.get(_url(plan))
    assert page.status_code == 200
    text = page.content.decode()
    assert "本月填报" in text and "（六）" in text and 'data-testid="burden"' in text
    resp = c.post(_url(plan), _form(plan, personas["town"]))
    assert resp.status_code == 302
    rows = TaskReport.objects.filter(unit=personas["town"].unit, period=period(plan))
    n_tasks = len(services.unit_task_roles(plan, personas["town"].unit))
    assert rows.count() == n_tasks and {r.status for r in rows} == {S.DRAFT}
    resp = c.post(_url(plan), _form(plan, personas["town"], action="submit"))
    assert resp.status_code == 302
    assert {r.status for r in rows.all()} == {S.SUBMITTED}


def test_an_error_anywhere_writes_nothing_and_keeps_what_was_typed(plan, personas, client_for):
    t = task(plan)
    data = _form(plan, personas["town"], **{f"t{t.pk}-percent_complete": "150"})
    resp = client_for("town").post(_url(plan), data)
    assert resp.status_code == 422
    assert "0 到 100" in resp.content.decode() and "150" in resp.content.decode()
    assert not TaskReport.objects.filter(unit=personas["town"].unit).exists()


def test_a_stale_hidden_version_is_a_conflict_and_nothing_is_overwritten(plan, personas, client_for):
    row = town_report(plan, personas)
    old = _form(plan, personas["town"])
    services.save_draft(row, user=personas["town"], data={"narrative": "另一窗口的修改"},
                        expected_version=row.version)
    resp = client_for("town").post(_url(plan), old)
    assert resp.status_code == 422 and "已被他人修改" in resp.content.decode()
    row.refresh_from_db()
    assert row.narrative == "另一窗口的修改"


def test_an_approved_report_is_locked_on_the_form(plan, personas, client_for):
    row = submitted_town_report(plan, personas)
    services.approve(row, user=personas["lead"])
    data = _form(plan, personas["town"], **{f"t{row.task_id}-narrative": "偷偷修改"})
    resp = client_for("town").post(_url(plan), data)
    assert resp.status_code == 422 and "锁定" in resp.content.decode()
    row.refresh_from_db()
    assert row.narrative == "完成校企对接 3 次" and row.status == S.APPROVED


def test_drafts_are_invisible_to_the_lead_unit_and_office_on_pages(plan, personas, client_for):
    row = town_report(plan, personas)
    detail = reverse("reporting:task_report_detail", args=[row.pk])
    for name in ("lead", "office", "leader", "town_b"):
        assert client_for(name).get(detail).status_code == 404
    queue = reverse("reporting:review_queue", args=[plan.code])
    assert "武胜关镇" not in client_for("lead").get(queue).content.decode()
    assert client_for("town").get(detail).status_code == 200


def test_the_lead_unit_returns_with_a_reason_and_approves_from_the_queue(plan, personas, client_for):
    row = submitted_town_report(plan, personas)
    queue = reverse("reporting:review_queue", args=[plan.code])
    assert "武胜关镇" in client_for("lead").get(queue).content.decode()
    action = reverse("reporting:task_report_action", args=[row.pk])
    lead = client_for("lead")
    lead.post(action, {"action": "return", "reason": "", "version": row.version})
    row.refresh_from_db()
    assert row.status == S.SUBMITTED  # no reason, no return
    lead.post(action, {"action": "return", "reason": "请补充佐证材料", "version": row.version})
    row.refresh_from_db()
    assert row.status == S.RETURNED and row.return_reason == "请补充佐证材料"
    assert "请补充佐证材料" in client_for("town").get(_url(plan)).content.decode()
    client_for("town").post(_url(plan), _form(plan, personas["town"], action="submit"))
    row.refresh_from_db()
    assert row.status == S.SUBMITTED
    client_for("town_b").post(action, {"action": "approve", "version": row.version})  # out of scope: 404
    lead.post(action, {"action": "approve", "version": row.version})
    row.refresh_from_db()
    assert row.status == S.APPROVED
    page = client_for("town").get(reverse("reporting:task_report_detail", args=[row.pk])).content.decode()
    assert "退回修改" in page and "审核通过" in page


def test_the_office_sees_completeness_and_reopens(plan, personas, client_for):
    row = submitted_town_report(plan, personas)
    services.approve(row, user=personas["lead"])
    page = client_for("office").get(reverse("reporting:completeness", args=[plan.code]) + "?as_of=2022-06-10")
    assert page.status_code == 200 and "武胜关镇" in page.content.decode()
    client_for("office").post(reverse("reporting:task_report_action", args=[row.pk]),
                              {"action": "reopen", "reason": "更正数据", "version": row.version})
    row.refresh_from_db()
    assert row.status == S.RETURNED


def test_a_unit_plans_milestones_backwards_and_sees_overdue(plan, personas, client_for):
    url = reverse("reporting:milestones", args=[plan.code])
    t = task(plan)
    c = client_for("town")
    c.post(url, {"op": "add", "task": t.pk, "title": "完成校企对接", "responsible_person": "张三",
                 "deadline": "2022-03-31"})
    from kechuang.reporting.models import Milestone

    m = Milestone.objects.get()
    import datetime as dt

    assert m.overdue(dt.date(2022, 4, 1)) and not m.overdue(dt.date(2022, 3, 31))
    assert list(services.overdue_milestones(plan, dt.date(2022, 4, 1), personas["town"].unit)) == [m]
    c.post(url, {"op": "done", "pk": m.pk, "version": m.version, "done_on": "2022-03-30"})
    m.refresh_from_db()
    assert m.done_on is not None and not m.overdue(dt.date(2022, 4, 1))
    client_for("town_b").post(url, {"op": "delete", "pk": m.pk, "version": m.version})
    assert Milestone.objects.filter(pk=m.pk).exists()
