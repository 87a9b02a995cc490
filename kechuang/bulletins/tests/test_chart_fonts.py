"""Charts draw Chinese with a CJK font registered from its file; a missing glyph is an error."""

from __future__ import annotations

from pathlib import Path

import matplotlib
import pytest
from matplotlib import font_manager

from kechuang.documents.charts import ChartFontMissing, cjk_font_path, indicator_chart

ROWS = [
    {"name": name, "completion_pct": pct, "time_progress_pct": "75.0", "gap_points": gap, "light": light}
    for name, pct, gap, light in [("新认定高新技术企业", "70.0", "-5.0", "green"),
                                  ("高新技术企业重新认定", "42.9", "-32.1", "red"),
                                  ("知识产权质押融资额同比增长", "363.0", "288.0", "green")]
]


def test_the_chart_font_is_registered_from_its_file_and_every_glyph_is_found():
    path = cjk_font_path()
    assert Path(path).exists()
    assert path in {f.fname for f in font_manager.fontManager.ttflist}
    png = indicator_chart(ROWS)  # raises ChartFontMissing on any "Glyph … missing" warning
    assert png.startswith(b"\x89PNG") and len(png) > 10_000


def test_a_chart_drawn_with_a_font_without_chinese_fails_loudly(monkeypatch):
    latin_only = str(Path(matplotlib.get_data_path()) / "fonts" / "ttf" / "DejaVuSans.ttf")
    monkeypatch.setenv("KECHUANG_CHART_FONT", latin_only)
    with pytest.raises(ChartFontMissing, match="缺少字形"):
        indicator_chart(ROWS)
