from kechuang.core.access import PLAN_READERS, Route
from kechuang.plans.models import Indicator

# Indicators of task (三) (HNTE_NEW, the statistical HIGHTECH_VALUE_ADDED_SHARE) are seen by the units
# working on (三); PLATFORMS_FILED only by 市科技经信局 among the personas' units.
TASK3_READERS = {"office", "leader", "lead", "dept", "town", "town_b", "zone"}


def _indicator(code):
    return lambda ctx: {"pk": Indicator.objects.get(plan=ctx.plan, code=code).pk}


ROUTES = [
    Route("metrics:statistical_list", allow=PLAN_READERS),
    Route("metrics:statistical_indicator", allow=TASK3_READERS, kwargs=_indicator("HIGHTECH_VALUE_ADDED_SHARE")),
    Route("metrics:statistical_indicator", allow={"office"}, method="POST", ok=(302,),
          kwargs=_indicator("HIGHTECH_VALUE_ADDED_SHARE"),
          data={"period_end": "2022-06-30", "value": "10.5", "source_note": "测试"}),
    Route("metrics:indicator_values", allow=TASK3_READERS, kwargs=_indicator("HNTE_NEW")),
    Route("metrics:indicator_values", allow={"office", "leader", "lead"}, kwargs=_indicator("PLATFORMS_FILED"),
          query="date=2022-06-30"),
]
