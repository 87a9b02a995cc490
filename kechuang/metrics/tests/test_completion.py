"""The one definition of 完成率 and of the gap to 序时进度, table-driven from the plan's wording."""

from __future__ import annotations

from decimal import Decimal as D

import pytest

from kechuang.metrics.completion import completion

# (the plan's wording, actual, target, comparator, share of the year due, 完成率 %, gap in points)
CASES = [
    ("研发投入强度达到2.4%（达到：实际÷目标）", "1.8", "2.4", ">=", "1", "75.0", "-25.0"),
    ("新增高新技术企业22家，年中序时进度50%", "12", "22", ">=", "0.5", "54.5", "4.5"),
    ("新增高新技术企业22家，已超额", "30", "22", ">=", "1", "136.4", "36.4"),
    ("万元GDP能耗不高于0.5吨标煤，超出上限20%（逆向指标：目标÷实际）", "0.6", "0.5", "<=", "1", "83.3", "-20.0"),
    ("万元GDP能耗不高于0.5吨标煤，低于上限", "0.4", "0.5", "<=", "1", "125.0", "20.0"),
    ("万元GDP能耗不高于0.5吨标煤，恰好达到上限", "0.5", "0.5", "<=", "1", "100.0", "0.0"),
    ("全年能耗总量控制在100万吨以内，年中已用60万吨", "60", "100", "<=", "0.5", "166.7", "-10.0"),
    ("万元GDP能耗下降3%（以−3%表示），实际下降4%", "-4", "-3", "<=", "1", "133.3", "33.3"),
    ("万元GDP能耗下降3%（以−3%表示），实际只下降2%", "-2", "-3", "<=", "1", "66.7", "-33.3"),
    ("万元GDP能耗下降3%（以−3%表示），实际上升1%", "1", "-3", "<=", "1", "-33.3", "-133.3"),
    ("规上企业研发经费增长不低于−2%", "-1", "-2", ">=", "1", "150.0", "50.0"),
    ("高校合作协议签订12份（等于）", "10", "12", "=", "1", "83.3", "-16.7"),
    ("高校合作协议签订12份（等于），超出也算偏离", "14", "12", "=", "1", "83.3", "-16.7"),
    ("研发经费不下降（增长不低于0%），实际增长3%", "3", "0", ">=", "1", "100.0", "3.0"),
    ("研发经费不下降（增长不低于0%），实际下降1.5%", "-1.5", "0", ">=", "1", "0.0", "-1.5"),
    ("安全事故零发生（不高于0起），发生1起", "1", "0", "<=", "1", "0.0", "-1.0"),
]


@pytest.mark.parametrize(("wording", "actual", "target", "comparator", "share", "pct", "gap"), CASES)
def test_completion_and_gap_follow_the_plans_wording(wording, actual, target, comparator, share, pct, gap):
    result = completion(D(actual), D(target), comparator, D(share))
    assert result.pct.quantize(D("0.1")) == D(pct), wording
    assert result.gap.quantize(D("0.1")) == D(gap), wording
    assert result.expected == D(target) * D(share)


def test_no_target_or_no_actual_gives_no_completion():
    assert completion(None, D(10)).pct is None and completion(None, D(10)).expected == D(10)
    assert completion(D(5), None).pct is None and completion(D(5), None).gap is None


def test_a_ceiling_is_met_at_or_below_it():
    assert completion(D("0.5"), D("0.5"), "<=").met and completion(D("0.4"), D("0.5"), "<=").met
    assert not completion(D("0.6"), D("0.5"), "<=").met
