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
