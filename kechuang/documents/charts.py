"""Charts for official documents, drawn by matplotlib with a CJK font registered from its file.

A chart is PNG bytes for ``OfficialDocument.picture``; a missing font or glyph raises
``ChartFontMissing`` (the caller decides to leave the chart out) instead of printing empty boxes.
matplotlib is imported inside the drawing functions on purpose: importing it may build its font cache
(seconds), which processes that never draw a chart (web workers) should not pay at start-up.
"""

from __future__ import annotations

import contextlib
import io
import os
import warnings
from decimal import Decimal
from pathlib import Path

from django.conf import settings

# CJK font files tried in order (Debian fonts-noto-cjk, fonts-wqy-*, fonts-arphic-*); the setting
# KECHUANG_CHART_FONT names another file.
CJK_FONT_FILES = ("NotoSansCJK-Regular.ttc", "NotoSansCJKsc-Regular.otf", "NotoSansSC-Regular.otf",
                  "wqy-microhei.ttc", "wqy-zenhei.ttc", "NotoSerifCJK-Regular.ttc", "uming.ttc", "ukai.ttc")
FONT_DIRS = ("/usr/share/fonts", "/usr/local/share/fonts", "~/.local/share/fonts", "~/.fonts")
_registered: dict[str, str] = {}


class ChartFontMissing(RuntimeError):
    """No CJK font file on this machine: a chart would show empty boxes instead of Chinese."""


def _matplotlib():
    """matplotlib, imported on first use: the one lazy import point here (see the module docstring)."""
    import matplotlib.backends.backend_agg
    import matplotlib.figure
    import matplotlib.font_manager

    return matplotlib


def cjk_font_path() -> str:
    """The CJK font file charts use, registered with matplotlib's font manager from the file itself
    (``addfont``) — never looked up in the font cache, which may have been built before the fonts
    were installed. The setting or environment variable ``KECHUANG_CHART_FONT`` names a file;
    otherwise the first of ``CJK_FONT_FILES`` found. Raises ``ChartFontMissing`` when none is."""
    font_manager = _matplotlib().font_manager
    wanted = getattr(settings, "KECHUANG_CHART_FONT", None) or os.environ.get("KECHUANG_CHART_FONT")
    found = wanted if wanted and Path(wanted).exists() else None
    if found is None and "auto" in _registered and Path(_registered["auto"]).exists():
        found = _registered["auto"]
    if found is None:
        for name in CJK_FONT_FILES:
            for root in FONT_DIRS:
                base = Path(root).expanduser()
                hits = sorted(base.rglob(name)) if base.is_dir() else []
                if hits:
                    found = _registered["auto"] = str(hits[0])
                    break
            if found:
                break
    if found is None:
        raise ChartFontMissing("服务器未安装中文字体（如 fonts-noto-cjk），无法绘制统计图")
    if _registered.get("path") != found:
        font_manager.fontManager.addfont(found)
        _registered["path"] = found
        _registered["name"] = font_manager.FontProperties(fname=found).get_name()
    return found


@contextlib.contextmanager
def _chart_context():
    """matplotlib settings for drawing one chart: the registered CJK font for every text element.
    A glyph missing from the font (matplotlib's "Glyph … missing from font(s)" warning, drawn as an
    empty box) raises ``ChartFontMissing`` instead of passing silently."""
    matplotlib = _matplotlib()
    cjk_font_path()
    with warnings.catch_warnings(record=True) as caught, matplotlib.rc_context(
            {"font.family": [_registered["name"]], "axes.unicode_minus": False}):
        warnings.simplefilter("always")
        yield
    missing = [str(w.message) for w in caught if "missing from font" in str(w.message)]
    if missing:
        raise ChartFontMissing(f"统计图字体缺少字形：{missing[0]}")


def _png(fig) -> bytes:
    buf = io.BytesIO()
    fig.savefig(buf, format="png")
    return buf.getvalue()


CHART_ROWS = 20  # at most this many indicators in the body chart (the furthest behind first)
COLOURS = {"green": "#2e7d32", "yellow": "#f9a825", "red": "#c62828", "blue": "#1565c0", "grey": "#9e9e9e"}


def indicator_chart(indicators: list[dict]) -> bytes | None:
    """Half an A4 page: each indicator's completion (bar, in its light's colour) against the
    序时进度 line. PNG; None when no indicator has a figure yet."""
    rows = [r for r in indicators if r["completion_pct"] is not None]
    if not rows:
        return None
    if len(rows) > CHART_ROWS:
        rows = sorted(rows, key=lambda r: Decimal(r["gap_points"] or 0))[:CHART_ROWS]
    mpl = _matplotlib()
    with _chart_context():
        fig = mpl.figure.Figure(figsize=(6.2, 3.4), dpi=160)  # 150 × 82 mm in the document: under half a page
        mpl.backends.backend_agg.FigureCanvasAgg(fig)
        ax = fig.add_subplot(111)
        names_ = [r["name"] if len(r["name"]) <= 14 else r["name"][:13] + "…" for r in rows][::-1]
        values = [min(float(r["completion_pct"]), 150.0) for r in rows][::-1]
        ax.barh(range(len(rows)), values, color=[COLOURS.get(r["light"], "#9e9e9e") for r in rows][::-1],
                height=0.65)
        tp = rows[0]["time_progress_pct"]
        if tp is not None:
            ax.axvline(float(tp), color="#333333", linestyle="--", linewidth=1)
            ax.text(float(tp) + 1, len(rows) - 0.6, f"序时进度{tp}%", fontsize=7, ha="left")
        ax.set_yticks(range(len(rows)))
        ax.set_yticklabels(names_, fontsize=6.5)
        ax.tick_params(axis="x", labelsize=7)
        ax.set_xlim(0, 155)
        ax.set_xlabel("完成率（%，超过150%按150%绘制）", fontsize=7)
        fig.tight_layout()
        png = _png(fig)
    return png
