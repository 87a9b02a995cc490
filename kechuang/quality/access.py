from kechuang.core.access import PLAN_READERS, Route

ROUTES = [
    Route("quality:index", allow=PLAN_READERS),
    Route("quality:export", allow=PLAN_READERS),
    Route("quality:run", allow={"office"}, method="POST", ok=(302,)),
]
