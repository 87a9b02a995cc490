"""THE definition of 完成率 and of the gap to 序时进度 — the dashboard, the lights, the bulletin, the
API, the unit ranking and the assessment all call ``completion``; nothing else divides an actual by
a target.

Inputs: the actual value, the target, the comparator of the plan's wording and the share of the
target due by now (序时进度 for a cumulative indicator, 1 for a level, ratio or growth one).

- "≥" (达到、不低于、新增): 完成率 = 实际 ÷ 目标 × 100%. With a negative target (e.g. growth "不低于 −2%")
  the distance form 100% + (实际 − 目标) ÷ |目标| × 100% is used, so that higher is still better.
- "≤" — a ceiling, 逆向指标 (不高于、控制在…以内、下降类以降幅为负数表示): **完成 means staying at or
  below the ceiling**. 完成率 = 目标 ÷ 实际 × 100% (the usual 逆向指标 formula): exactly 100% at the
  ceiling, above 100% below it, and e.g. 20% over the ceiling → 83.3%. When the target or the actual
  is zero or negative (a decline written as a negative rate, "能耗下降 3%" = change ≤ −3%), the ratio
  means nothing and the distance form 100% + (目标 − 实际) ÷ |目标| × 100% is used (a 4% decline
  against a 3% target → 133.3%).
- "=": 完成率 = 100% − |实际 − 目标| ÷ |目标| × 100%.
- A zero target ("不下降" = growth ≥ 0): 完成率 is 100% when the comparator holds and 0% when it does
  not; the gap is then in the indicator's own unit (percentage points of growth).

The gap (percentage points of the target; + ahead of, − behind 序时进度) compares the actual with
what is expected by now (目标 × share): (实际 − 应达) ÷ |目标| × 100 for "≥", (应达 − 实际) ÷ |目标| × 100
for a ceiling (the part of the ceiling still unused against what time allows: a level ceiling
exceeded by 20% is 20 points behind), and −|实际 − 应达| ÷ |目标| × 100 for "=". The lights are
picked from this gap.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

HUNDRED = Decimal(100)
GTE, LTE, EQ = ">=", "<=", "="


@dataclass(frozen=True)
class Completion:
    pct: Decimal | None  # 完成率, %
    expected: Decimal | None  # the value due by now (目标 × share)
    gap: Decimal | None  # points ahead (+) or behind (−) of 序时进度

    @property
    def met(self) -> bool | None:
        """Whether the comparator holds against the full target."""
        return None if self.pct is None else self.pct >= HUNDRED


def _d(value) -> Decimal | None:
    if value is None:
        return None
    return value if isinstance(value, Decimal) else Decimal(str(value))


def completion(actual, target, comparator: str = GTE, share=1) -> Completion:
    """完成率 and gap to 序时进度 for one indicator (see the module docstring)."""
    actual, target, share = _d(actual), _d(target), _d(share)
    if target is None:
        return Completion(None, None, None)
    expected = target * share
    if actual is None:
        return Completion(None, expected, None)
    if target == 0:
        if comparator == LTE:
            met, gap = actual <= 0, -actual
        elif comparator == EQ:
            met, gap = actual == 0, -abs(actual)
        else:
            met, gap = actual >= 0, actual
        return Completion(HUNDRED if met else Decimal(0), expected, gap)
    scale = abs(target)
    if comparator == LTE:
        if target > 0 and actual > 0:
            pct = target / actual * HUNDRED
        else:
            pct = HUNDRED + (target - actual) / scale * HUNDRED
        gap = (expected - actual) / scale * HUNDRED
    elif comparator == EQ:
        pct = HUNDRED - abs(actual - target) / scale * HUNDRED
        gap = -abs(actual - expected) / scale * HUNDRED
    else:
        pct = actual / target * HUNDRED if target > 0 else HUNDRED + (actual - target) / scale * HUNDRED
        gap = (actual - expected) / scale * HUNDRED
    return Completion(pct, expected, gap)
