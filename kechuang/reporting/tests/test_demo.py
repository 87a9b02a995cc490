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
