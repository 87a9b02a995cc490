"""Scoring on hand-computed cases: caps, bands, deductions, bonuses, vetoes, ties."""

from __future__ import annotations

from decimal import Decimal as D

import pytest

from kechuang.assessment.engine import IndicatorInput, Rules, TaskInput, UnitInput, indicator_points, score_all

RULES = Rules(task_weight=D(40), late_report=D(1), missing_report=D(2), overdue_order=D(3), max_deduction=D(5),
              max_bonus=D(3))


def ind(actual, target, weight=10, cap="1.2", bands=None, comparator=">="):
    return IndicatorInput("X", "指标", D(weight), None if actual is None else D(actual), D(target),
                          comparator=comparator, cap=D(cap), bands=bands or [])


@pytest.mark.parametrize(("actual", "target", "cap", "expected"), [
    ("15", "10", "1.2", "12.00"),  # 150 % capped at 1.2 → 10 × 1.2
    ("11", "10", "1.2", "11.00"),  # 110 % under the cap
    ("10", "10", "1.0", "10.00"),
    ("7", "10", "1.2", "7.00"),  # no bands: proportional
    ("0", "10", "1.2", "0.00"),
])
def test_ratio_capped_gives_weight_times_the_capped_ratio(actual, target, cap, expected):
    assert indicator_points(ind(actual, target, cap=cap))[0] == D(expected)


def test_partial_credit_bands_apply_below_target():
    bands = [{"min": 0.8, "credit": 0.8}, {"min": 0.5, "credit": 0.5}]
    assert indicator_points(ind("9", "10", bands=bands))[0] == D("8.00")  # 90 % → band 0.8
    assert indicator_points(ind("6", "10", bands=bands))[0] == D("5.00")  # 60 % → band 0.5
    assert indicator_points(ind("4", "10", bands=bands))[0] == D("0")  # below every band
    assert indicator_points(ind("13", "10", bands=bands))[0] == D("12.00")  # above target: capped ratio


def test_a_no_more_than_target_scores_full_when_met_and_proportionally_when_exceeded():
    assert indicator_points(ind("8", "10", comparator="<="))[0] == D("10.00")
    assert indicator_points(ind("20", "10", comparator="<="))[0] == D("5.00")


def test_missing_data_scores_nothing():
    assert indicator_points(ind(None, "10"))[0] == D(0)


def test_a_unit_total_adds_indicators_tasks_bonuses_and_subtracts_capped_deductions():
    unit = UnitInput(
        1, "甲局", "部门",
        indicators=[ind("15", "10")],  # 12
        tasks=[TaskInput(1, "任务一", D("80"), 101), TaskInput(2, "任务二", None)],  # 40 × 40 % = 16
        late_reports=[{"month": 3, "report_ids": [7]}],  # −1
        missing_reports=[{"month": 4, "report_ids": []}, {"month": 5, "report_ids": []}],  # −4
        overdue_orders=[{"order_id": 9, "number": "〔2022〕第3号"}],  # −3 → capped at −5 total
        bonuses=[{"bonus_id": 1, "points": "2", "reason": "省级表彰"},
                 {"bonus_id": 2, "points": "2", "reason": "市级"}],
    )
    [score] = score_all([unit], RULES)
    assert score.subtotal("indicator") == D("12.00")
    assert score.subtotal("task") == D("16.00")
    assert score.subtotal("deduction") == D("-5")
    assert score.subtotal("bonus") == D("3")  # 4 capped at 3
    assert score.total == D("26.00")
    sources = {i.label: i.source for i in score.items}
    assert sources["重点任务完成进度"]["tasks"][0]["report_id"] == 101
    assert sources["3月报送迟报"]["report_ids"] == [7]
    assert sources["督办单〔2022〕第3号逾期未反馈"]["order_id"] == 9
    assert sources["省级表彰"]["bonus_id"] == 1


def test_a_veto_zeroes_the_total_and_puts_the_unit_last_and_ties_share_a_rank():
    def unit(uid, name, actual, veto=None):
        return UnitInput(uid, name, "镇", indicators=[ind(actual, "10", cap="1")], veto=veto)

    scores = score_all([
        unit(1, "甲镇", "10", veto={"veto_id": 5, "reason": "发生重大安全事故"}),
        unit(2, "乙镇", "8"),
        unit(3, "丙镇", "8"),
        unit(4, "丁镇", "5"),
        UnitInput(5, "开发区", "开发区", indicators=[ind("1", "10")]),
    ], RULES)
    by_name = {s.unit: s for s in scores}
    assert by_name["甲镇"].total == D(0) and by_name["甲镇"].vetoed
    assert (by_name["乙镇"].rank, by_name["丙镇"].rank, by_name["丁镇"].rank, by_name["甲镇"].rank) == (1, 1, 3, 4)
    assert by_name["开发区"].rank == 1  # ranked within its own group
    veto_item = [i for i in by_name["甲镇"].items if i.category == "veto"][0]
    assert veto_item.points == D("-10.00") and veto_item.source["veto_id"] == 5


def test_full_score_is_the_applicable_weights_and_the_rate_is_total_over_full():
    unit = UnitInput(1, "甲局", "部门", indicators=[ind("8", "10", weight=10, cap="1")],  # 8 of 10
                     tasks=[TaskInput(1, "任务一", D("50"))])  # 40 × 50 % = 20 of 40
    [score] = score_all([unit], RULES)
    assert score.full == D(50) and score.total == D("28.00") and score.rate == D("56.0")
    assert score.has_indicators and score.has_tasks


def test_a_unit_without_indicators_is_not_applicable_there_not_zero():
    from kechuang.assessment.engine import as_json

    [score] = score_all([UnitInput(1, "乙局", "部门", tasks=[TaskInput(1, "任务一", D("100"))])], RULES)
    row = as_json(score)
    assert row["applies"] == {"indicator": False, "task": True}
    assert row["full"] == "40" and row["rate"] == "100" and row["rank"] == 1


def test_ranking_by_rate_puts_a_small_unit_that_did_all_its_work_before_a_big_one_that_did_not():
    rules = Rules(task_weight=D(40), rank_by="rate")
    small = UnitInput(1, "甲镇", "镇", tasks=[TaskInput(1, "任务一", D("100"))])  # 40 of 40
    big = UnitInput(2, "乙镇", "镇", indicators=[ind("6", "10", weight=60, cap="1")],  # 36 of 60
                    tasks=[TaskInput(1, "任务一", D("50"))])  # + 20 of 40 → 56 of 100
    nothing = UnitInput(3, "丙镇", "镇")
    by_name = {s.unit: s for s in score_all([small, big, nothing], rules)}
    assert by_name["乙镇"].total > by_name["甲镇"].total
    assert (by_name["甲镇"].rank, by_name["乙镇"].rank) == (1, 2)
    assert by_name["丙镇"].rank is None and by_name["丙镇"].rate is None  # nothing to assess: no rank
    by_total = {s.unit: s for s in score_all([small, big], RULES)}
    assert (by_total["乙镇"].rank, by_total["甲镇"].rank) == (1, 2)
