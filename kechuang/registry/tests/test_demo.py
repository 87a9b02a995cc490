import datetime as dt
import random

import pytest

from kechuang.metrics.registry import get_metric
from kechuang.registry import demo
from kechuang.registry.models import Achievement, Enterprise, Expert, Talent
from kechuang.registry.validators import check_id_number, check_uscc

pytestmark = pytest.mark.django_db


def test_demo_registries_are_realistic_deterministic_and_idempotent(plan):
    demo.generate(plan, random.Random(2022))
    assert Enterprise.objects.count() == demo.N_ENTERPRISES
    assert not Enterprise.objects.filter(uscc_warning=True).exists()
    assert all(not check_uscc(u)[1] for u in Enterprise.objects.values_list("uscc", flat=True)[:200])
    talents = Talent.objects.all()[:50]
    assert all(t.name.startswith("演示人才") and check_id_number(t.id_number) for t in talents)
    assert Expert.objects.count() >= 200 and Achievement.objects.count() >= 200
    sep = dt.date(2022, 9, 30)
    assert 6 <= get_metric("hnte_new_recognised").fn(plan, sep).value <= 8
    assert 40 <= get_metric("tech_sme_registered").fn(plan, sep).value <= 50
    assert 1.3 <= float(get_metric("tech_contract_value").fn(plan, sep).value) <= 1.7
    assert get_metric("hnte_rerecognised").fn(plan, dt.date(2022, 12, 31)).denominator == 9
    demo.generate(plan, random.Random(2022))
    assert Enterprise.objects.count() == demo.N_ENTERPRISES
