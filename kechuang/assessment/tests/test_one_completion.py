"""A ceiling indicator shows the same 完成率 on the dashboard, in the bulletin table, in the API and in
the assessment's explanation — all from ``kechuang.metrics.completion``."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal as D

import pytest

from kechuang.assessment import services
from kechuang.bulletins.compose import collect, render_docx
from kechuang.documents.gbt9704 import document_text
from kechuang.supervision import engine
from kechuang.supervision.tests.helpers import stat_indicator, stat_value

pytestmark = pytest.mark.django_db

AS_OF = dt.date(2022, 6, 30)


def test_a_ceiling_indicator_has_one_completion_everywhere(plan, client_for):
    from django.core.cache import cache

    cache.clear()
    # "高新技术产业增加值占GDP比重" reshaped into a ceiling of 10 %, reported at 12 %: 20 % over.
    ind = stat_indicator(plan, target="10", mode="level", comparator="<=", kind="ratio")
    stat_value(ind, AS_OF, "12")
    [status] = [s for s in engine.indicator_statuses(plan, AS_OF) if s.indicator.pk == ind.pk]
    assert engine.q1(status.completion_pct) == D("83.3")  # 10 ÷ 12, the 逆向指标 formula
    assert engine.q1(status.gap_points) == D("-20.0")  # the lights are unchanged: 20 points over

    dashboard = client_for("office").get(f"/supervision/?as_of={AS_OF}").content.decode()
    row = dashboard[dashboard.index(ind.name) :][:3000]
    assert "83.3" in row and "120.0" not in row

    api = client_for("office").get(f"/api/supervision/{plan.code}/indicators?as_of={AS_OF}").json()
    assert D(next(r for r in api if r["indicator_id"] == ind.pk)["completion_pct"]) == D("83.3")

    snapshot = collect(plan, AS_OF)
    assert next(r for r in snapshot["indicators"] if r["id"] == ind.pk)["completion_pct"] == "83.3"
    text = document_text(
        render_docx(
            snapshot, {"year": 2022, "quarter": 2, "issue_label": "2022年第2期", "issuer": "办公室"}, charts=False
        )
    )
    assert "83.3%" in text

    scheme = services.load_scheme(services.default_scheme_path(plan))
    data = services.compute(scheme, AS_OF)
    items = [
        i
        for g in data["groups"]
        for u in g["units"]
        for i in u["items"]
        if i["category"] == "indicator" and i["source"].get("indicator_id") == ind.pk
    ]
    assert items and all("完成率83.3%" in i["source"]["rule"] for i in items)
    assert all(D(i["source"]["ratio"]) == D("0.83") for i in items)
