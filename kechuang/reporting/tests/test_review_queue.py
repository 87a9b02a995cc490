"""The review queue: what each reviewer sees, filters by month, task and unit, batch approval, staying in place."""

import datetime as dt

import pytest

from kechuang.plans.models import Indicator, Task
from kechuang.reporting import services
from kechuang.reporting.choices import SubmissionStatus
from kechuang.reporting.models import IndicatorValue, TaskReport
from kechuang.supervision.tests.helpers import indicator_value, task_report

pytestmark = pytest.mark.django_db


@pytest.fixture
def waiting(plan, personas):
    """Submitted rows: (六) (led by 市科技经信局) from two towns in June and one in May, (五) (led by 市委人才办)
    from a town in June, and a value of an indicator 市科技经信局 owns."""
    six = Task.objects.get(plan=plan, number="（六）")
    five = Task.objects.get(plan=plan, number="（五）")
    rows = {
        "six_town_6": task_report(plan, six, personas["town"].unit, 6, 40, status="submitted"),
        "six_town_b_6": task_report(plan, six, personas["town_b"].unit, 6, 45, status="submitted"),
        "six_town_5": task_report(plan, six, personas["town"].unit, 5, 30, status="submitted"),
        "five_town_6": task_report(plan, five, personas["town"].unit, 6, 50, status="submitted"),
    }
    hnte = Indicator.objects.get(plan=plan, code="HNTE_TOTAL")
    rows["value"] = indicator_value(plan, hnte, personas["town"].unit, 6, 3, status="submitted")
    return rows


def _card_ids(page):
    import re

    return set(re.findall(r'id="r(\d+)"', page))


def test_the_queue_query_agrees_with_the_review_permission_for_every_reviewer(plan, personas, waiting):
    for persona in ("office", "lead", "talent", "town"):
        user = personas[persona]
        reports, values = services.reviewable(plan, user)
        every_report = TaskReport.objects.filter(plan=plan, status=SubmissionStatus.SUBMITTED)
        every_value = IndicatorValue.objects.filter(plan=plan, status=SubmissionStatus.SUBMITTED)
        assert set(reports) == {r for r in every_report if user.has_perm("reporting.review_taskreport", r)}, persona
        assert set(values) == {v for v in every_value if user.has_perm("reporting.review_indicatorvalue", v)}, persona


def test_a_lead_unit_sees_only_the_rows_on_tasks_it_leads(plan, personas, waiting, client_for):
    page = client_for("lead").get(f"/reporting/{plan.code}/review/").content.decode()
    assert _card_ids(page) == {str(waiting[k].pk) for k in ("six_town_6", "six_town_b_6", "six_town_5")}
    page = client_for("talent").get(f"/reporting/{plan.code}/review/").content.decode()
    assert _card_ids(page) == {str(waiting["five_town_6"].pk)}


def test_filters_by_month_task_and_unit(plan, personas, waiting, client_for):
    office = client_for("office")
    url = f"/reporting/{plan.code}/review/"
    assert _card_ids(office.get(url, {"period": 5}).content.decode()) == {str(waiting["six_town_5"].pk)}
    six = waiting["six_town_6"].task_id
    assert _card_ids(office.get(url, {"task": six, "period": 6}).content.decode()) == {
        str(waiting["six_town_6"].pk), str(waiting["six_town_b_6"].pk)}
    by_unit = office.get(url, {"unit": personas["town_b"].unit.pk}).content.decode()
    assert _card_ids(by_unit) == {str(waiting["six_town_b_6"].pk)}
    assert "报送：None" not in by_unit and "报送：杨寨镇" in by_unit  # rows with no recorded submitter name the unit


def test_batch_approve_approves_the_ticked_rows_only(plan, personas, waiting, client_for):
    lead = client_for("lead")
    picked = [waiting["six_town_6"], waiting["six_town_b_6"]]
    data = {"report": [r.pk for r in picked], "period": "6"}
    data.update({f"report-version-{r.pk}": r.version for r in picked})
    response = lead.post(f"/reporting/{plan.code}/review/batch/", data)
    assert response.status_code == 302 and response["Location"].endswith("?period=6#review-top")
    for key, status in (("six_town_6", "approved"), ("six_town_b_6", "approved"), ("six_town_5", "submitted")):
        waiting[key].refresh_from_db()
        assert waiting[key].status == status, key


def test_batch_approve_all_takes_the_filtered_rows_and_never_another_leads_row(plan, personas, waiting, client_for):
    lead = client_for("lead")
    # A row of a task it does not lead, posted by hand, is ignored.
    lead.post(f"/reporting/{plan.code}/review/batch/",
              {"all": "1", "period": "6", "report": [waiting["five_town_6"].pk]})
    statuses = {k: TaskReport.objects.get(pk=waiting[k].pk).status for k in waiting if k != "value"}
    assert statuses == {"six_town_6": "approved", "six_town_b_6": "approved", "six_town_5": "submitted",
                        "five_town_6": "submitted"}
    waiting["value"].refresh_from_db()
    assert waiting["value"].status == "approved"  # 市科技经信局 owns the indicator; June matches the filter


def test_a_row_returned_meanwhile_is_not_approved_by_a_stale_batch(plan, personas, waiting, client_for):
    row = waiting["six_town_6"]
    stale = row.version
    services.return_for_revision(row, user=personas["office"], reason="补充材料")
    response = client_for("lead").post(f"/reporting/{plan.code}/review/batch/",
                                       {"report": [row.pk], f"report-version-{row.pk}": stale}, follow=True)
    row.refresh_from_db()
    assert row.status == "returned"
    assert "请先勾选" in response.content.decode()  # no longer waiting: nothing to approve


def test_after_approving_one_card_the_page_returns_to_the_next_card(plan, personas, waiting, client_for):
    lead = client_for("lead")
    page = lead.get(f"/reporting/{plan.code}/review/", {"period": 6}).content.decode()
    first, second = waiting["six_town_6"], waiting["six_town_b_6"]
    expected_next = f"/reporting/{plan.code}/review/?period=6#r{second.pk}"
    assert f'name="next" value="{expected_next}"' in page
    response = lead.post(f"/reporting/reports/{first.pk}/action/",
                         {"action": "approve", "version": first.version, "next": expected_next})
    assert response.status_code == 302 and response["Location"] == expected_next
    first.refresh_from_db()
    assert first.status == "approved"


def test_nobody_outside_review_can_batch_approve(plan, personas, waiting, client_for):
    for persona in ("town", "leader", "dept"):
        assert client_for(persona).post(f"/reporting/{plan.code}/review/batch/", {"all": "1"}).status_code == 404
    assert not TaskReport.objects.filter(status="approved").exists()


def test_submitted_at_is_kept_on_the_card(plan, personas, waiting, client_for):
    row = waiting["six_town_6"]
    row.submitted_at = dt.datetime(2022, 7, 4, 10, tzinfo=dt.UTC)
    row.save()
    page = client_for("lead").get(f"/reporting/{plan.code}/review/").content.decode()
    assert "2022-07-04" in page


def test_with_htmx_an_action_swaps_just_its_card_and_leaves_no_message_behind(plan, personas, waiting, client_for):
    lead = client_for("lead")
    row = waiting["six_town_6"]
    response = lead.post(f"/reporting/reports/{row.pk}/action/",
                         {"action": "return", "reason": "请补充佐证", "version": row.version, "fragment": "card"},
                         HTTP_HX_REQUEST="true")
    html = response.content.decode()
    assert response.status_code == 200 and f'id="r{row.pk}"' in html and "已退回修改" in html
    row.refresh_from_db()
    assert row.status == "returned" and row.return_reason == "请补充佐证"
    stale = lead.post(f"/reporting/reports/{row.pk}/action/",
                      {"action": "approve", "version": row.version, "fragment": "card"}, HTTP_HX_REQUEST="true")
    assert "只能审核已报送" in stale.content.decode()  # the reason, in the card, not a traceback
    page = lead.get(f"/reporting/{plan.code}/review/").content.decode()
    assert "已退回修改" not in page  # nothing queued for the next page
