"""The policy and matching demo generators are idempotent."""

import random

import pytest

from kechuang.matching import demo as matching_demo
from kechuang.matching.models import Docking
from kechuang.policy import demo as policy_demo
from kechuang.policy.models import CultivationEntry, CultivationEvent
from kechuang.policy.tests.factories import enterprise, unit_of, year
from kechuang.registry.models import Achievement, AchievementTransfer, Demand, Expert

from .labelled import TOPICS

pytestmark = pytest.mark.django_db


def test_running_the_demo_twice_creates_nothing_new(plan, personas):
    town = unit_of(personas, "town")
    for i, t in enumerate(TOPICS[:6]):
        ent = enterprise(town, f"演示企业{i}")
        for y in (plan.year - 3, plan.year - 2, plan.year - 1):
            year(ent, y)
        Demand.objects.create(enterprise=ent, title=t[0], description=t[1], keywords=t[2])
        if t[3] == "expert":
            Expert.objects.create(name=t[4], description=t[5], keywords=t[6], field=t[7])
        else:
            Achievement.objects.create(title=t[4], description=t[5], keywords=t[6], field=t[7], institution="某大学")
    for _ in range(2):
        policy_demo.generate(plan, random.Random(1))
        matching_demo.generate(plan, random.Random(1))
    assert CultivationEntry.objects.count() == 6
    assert CultivationEvent.objects.count() == 6 + 0 + 1 + 2 + 3 + 0 + 2
    assert Docking.objects.count() == 6
    assert AchievementTransfer.objects.count() == Docking.objects.filter(
        status="succeeded", achievement__isnull=False).count()
    assert all("演示" in e.note for e in CultivationEntry.objects.all())
