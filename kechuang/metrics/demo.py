"""Demo data (演示): the statistics bureau's quarterly figures for statistical indicators."""

import datetime as dt
from decimal import Decimal

from kechuang.plans.choices import ValueSource

from .models import StatisticalValue

# Share of the target reached at each quarter end: a plausible, slightly lagging path.
QUARTERS = [((3, 31), Decimal("0.78")), ((6, 30), Decimal("0.84")), ((9, 30), Decimal("0.88"))]


def generate(plan, rng):
    for ind in plan.indicators.filter(source=ValueSource.STATISTICAL):
        for (month, day), share in QUARTERS:
            StatisticalValue.objects.get_or_create(
                indicator=ind, period_end=dt.date(plan.year, month, day),
                defaults={"value": (ind.target * share).quantize(Decimal("0.1")),
                          "source_note": f"演示数据：市统计局{plan.year}年{month // 3}季度统计月报"},
            )
