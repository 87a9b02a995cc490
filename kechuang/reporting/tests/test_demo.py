"""Demo data: plausible, deterministic and idempotent."""

import datetime as dt
import random

import pytest

from kechuang.reporting import demo, services
from kechuang.reporting.models import Milestone, ReportEvent, TaskReport

pytestmark = pytest.mark.django_db


# Slow by nature (~5 s): a year of demo reports for every unit, generated twice.
def test_demo_reports_tell_a_story_and_do_not_duplicate(plan, personas):
    demo.generate(plan, random.Random(2022))
    counts = (TaskReport.objects.count(), ReportEvent.objects.count(), Milestone.objects.count())
    demo.generate(plan, random.Random(2022))
    assert (TaskReport.objects.count(), ReportEvent.objects.count(), Milestone.objects.count()) == counts
    rates = services.timeliness(plan, 2022, 9, as_of=dt.date(2022, 10, 8))
    assert sum(r["late"] for r in rates.values()) >= 3
    assert sum(1 for r in rates.values() if r["missing"]) >= 2
    assert sum(1 for r in rates.values() if r["on_time"] == 9) > len(rates) / 2
    assert ReportEvent.objects.filter(action="returned").exists()
    assert TaskReport.objects.filter(period__month=9, status="submitted").exists()
    assert services.overdue_milestones(plan, dt.date(2022, 10, 8)).exists()


def test_the_demo_month_has_returned_reports_pending_reviews_late_units_and_a_figure_to_type(plan, personas):
    from kechuang.accounts.models import Role
    from kechuang.accounts.testing import make_user
    from kechuang.org.models import Unit
    from kechuang.plans.models import Indicator
    from kechuang.reporting.models import IndicatorValue

    town = Unit.objects.get(name="杨寨镇")
    demo_user = make_user("demo-yangzhai", town, [Role.REPORTER])
    demo_user.is_demo = True
    demo_user.save(update_fields=["is_demo"])
    demo.generate(plan, random.Random(2022))
    september = services.ensure_periods(plan)[8]

    returned = TaskReport.objects.filter(period=september, status="returned")
    assert returned.count() >= 3 and all(r.return_reason for r in returned)
    assert returned.filter(unit=town).exists()  # the demo town has a report to fix
    # ...and was told so in its notice centre, by the workflow that returned it
    from kechuang.notices.models import Receipt

    told = Receipt.objects.filter(user=demo_user, notice__kind="returned", read_at__isnull=True)
    assert told.count() == returned.filter(unit=town).count()
    assert {r.return_reason for r in returned.filter(unit=town)} == {
        r.notice.body.split("：", 1)[1].splitlines()[0] for r in told}  # the notice says why
    assert TaskReport.objects.filter(period=september, status="submitted").count() >= 10  # reviews waiting
    matrix = services.unit_period_status(plan, september, dt.date(2022, 10, 8))
    assert sum(1 for s in matrix.values() if s == "missing") >= 3  # late: not filed three days after the due date

    ind = Indicator.objects.get(plan=plan, code=demo.UNIT_INDICATOR["code"])
    assert ind.source == "reported" and sum(s.target for s in ind.shares.all()) == ind.target == 70
    ws = services.workspace(plan, town, september)
    item = next(i for i in ws.indicators if i.indicator.pk == ind.pk)
    assert item.needs_entry and item.row.pk is None  # the demo town types September's figure itself
    assert IndicatorValue.objects.filter(indicator=ind, period=september, status="submitted").exists()
    august = IndicatorValue.objects.get(indicator=ind, unit=town, period__month=8)
    assert august.status == "approved" and item.row.value == august.value  # pre-filled from last month
