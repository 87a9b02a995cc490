"""Demo data of bulletins and assessment: Q1 and Q2 issued, the Q3 draft, a draft assessment; running twice
adds nothing."""

import random

import pytest

from kechuang.assessment import demo as assessment_demo
from kechuang.assessment.models import AssessmentBonus, AssessmentResult, EvaluationFramework
from kechuang.bulletins import demo as bulletin_demo
from kechuang.bulletins.models import Bulletin


# Slow by nature (~5 s): runs the assessment and bulletin demos twice (the second run must write nothing).
@pytest.mark.django_db
def test_demo_issues_q1_and_q2_drafts_q3_and_the_assessment_idempotently(plan, personas):
    for _ in range(2):
        bulletin_demo.generate(plan, random.Random(2022))
        assessment_demo.generate(plan, random.Random(2022))
    assert list(Bulletin.objects.order_by("quarter").values_list("quarter", "issue_no", "status")) == [
        (1, 1, "issued"), (2, 2, "issued"), (3, None, "draft")]
    q3 = Bulletin.objects.get(quarter=3)
    assert q3.summary and q3.next_steps  # drafted from the data, ready for the office to edit
    assert Bulletin.objects.get(quarter=2).summary.startswith("【演示数据】")
    assert AssessmentResult.objects.get().status == "draft"
    assert AssessmentBonus.objects.count() == 1 and EvaluationFramework.objects.count() == 1


@pytest.mark.django_db
def test_the_demo_assesses_the_towns_shares_so_a_group_ranks_by_rate_over_different_maxima(plan, personas):
    from decimal import Decimal as D

    from kechuang.reporting import demo as reporting_demo

    for _ in range(2):
        reporting_demo.generate(plan, random.Random(2022))
        assessment_demo.generate(plan, random.Random(2022))
    result = AssessmentResult.objects.get()
    codes = [e["code"] for e in result.scheme.config["indicators"]]
    assert codes.count(reporting_demo.UNIT_INDICATOR["code"]) == 1
    groups = {g["code"]: g["units"] for g in result.data["groups"]}
    towns = groups["towns"]
    assert all(r["applies"]["indicator"] and D(r["full"]) == 50 for r in towns)
    no_indicators = [r for r in groups["departments"] if not r["applies"]["indicator"]]
    assert no_indicators and all(D(r["full"]) == 40 for r in no_indicators)
    ranked = [r for r in groups["departments"] if r["rank"] is not None and not r["vetoed"]]
    rates = [D(r["rate"]) for r in sorted(ranked, key=lambda r: r["rank"])]
    assert rates == sorted(rates, reverse=True)  # by 得分率, not by points
