"""The quarterly bulletin (季通报): data snapshot from the supervision engine, then the .docx.

``collect(plan, as_of, previous=None)`` gathers everything the bulletin shows into a JSON-ready dict
(the snapshot frozen when the bulletin is issued). ``render_docx(snapshot, meta)`` builds the
GB/T 9704 document from the snapshot alone, so an issued bulletin renders the same forever.

Numbers come only from ``kechuang.supervision.engine`` (which resolves indicator values through
``kechuang.metrics.resolution.resolve``); nothing is recomputed here. The composer never reads
talents; free text typed by units is scrubbed of anything shaped like an ID or mobile number.
"""

from __future__ import annotations

import datetime as dt
import io
import re
from decimal import Decimal

from .gbt9704 import OfficialDocument, cn_date, cn_number

LIGHT_WORDS = {"green": "绿", "yellow": "黄", "red": "红", "blue": "蓝", "grey": "灰"}
LIGHT_LONG = {"green": "绿灯", "yellow": "黄灯", "red": "红灯", "blue": "蓝灯", "grey": "暂无数据"}
DEFAULT_HEADER_TITLE = "科技创新工作通报"
DEFAULT_NEXT_STEPS = (
    "各牵头单位要对照年度目标和序时进度，逐项梳理滞后指标和任务，明确措施、时限和责任人，确保按期完成。",
    "各责任单位要按月及时、准确报送工作进展，对红灯事项和督办单限时办理、按时反馈。",
    "领导小组办公室将持续跟踪调度，对进展滞后的单位和事项加大督办力度，结果纳入年终考核。",
)

# An 18-character resident ID number or an 11-digit mainland mobile number, not inside a longer number.
ID_PATTERN = re.compile(r"(?<!\d)\d{17}[\dXx](?![\dXx])")
PHONE_PATTERN = re.compile(r"(?<!\d)1[3-9]\d{9}(?!\d)")
REDACTED = "［已隐去］"


def scrub(text: str) -> str:
    """Remove ID and phone numbers from free text before it enters a bulletin."""
    if not text:
        return ""
    return PHONE_PATTERN.sub(REDACTED, ID_PATTERN.sub(REDACTED, text))


def quarter_end(year: int, quarter: int) -> dt.date:
    month = quarter * 3
    nxt = dt.date(year + (month == 12), month % 12 + 1, 1)
    return nxt - dt.timedelta(days=1)


def parse_quarter(text: str) -> tuple[int, int]:
    """"2022Q2" → (2022, 2)."""
    match = re.fullmatch(r"\s*(\d{4})\s*[Qq]([1-4])\s*", text or "")
    if not match:
        raise ValueError(f"季度格式应为 2022Q2：{text}")
    return int(match.group(1)), int(match.group(2))


def _num(value) -> str | None:
    """A Decimal as compact text ("12", "3.5"), None stays None."""
    if value is None:
        return None
    if not isinstance(value, Decimal):
        value = Decimal(str(value))
    value = value.quantize(Decimal("0.01"))
    text = f"{value.normalize():f}"
    return text


def _pct(value) -> str | None:
    """A percentage (already in points) with one decimal."""
    if value is None:
        return None
    if not isinstance(value, Decimal):
        value = Decimal(str(value))
    return f"{value.quantize(Decimal('0.1'))}"


def _unit_names(units) -> list[str]:
    return [u.name for u in units if u is not None]


KIND_LABELS = {"indicator": "指标", "task": "任务", "decision": "例会议定事项"}


def _subject_name(obj) -> str:
    number = getattr(obj, "number", None)
    title = getattr(obj, "title", None)
    if number and title:  # a task
        return f"{number}{title}"
    return str(getattr(obj, "name", None) or title or obj)


def _red_item(item) -> dict:
    """A row of engine.red_items (SupervisedItem: kind, obj, light, reason, units)."""
    return {
        "kind": KIND_LABELS.get(item.kind, "事项"), "name": scrub(_subject_name(item.obj)),
        "units": _unit_names(item.units or []), "detail": scrub(item.reason or ""),
    }


def approved_reports(plan, as_of: dt.date) -> dict[int, dict[int, object]]:
    """{task_id: {unit_id: the latest APPROVED report for a month ended by ``as_of``}} (one query)."""
    from kechuang.reporting.choices import SubmissionStatus
    from kechuang.reporting.models import TaskReport

    out: dict[int, dict[int, object]] = {}
    months = [m for m in range(1, 13) if dt.date(plan.year, m, 1) <= as_of]
    qs = (
        TaskReport.objects.filter(plan=plan, status=SubmissionStatus.APPROVED, period__year=plan.year,
                                  period__month__in=months)
        .select_related("unit", "period")
        .order_by("period__month", "pk")
    )
    for report in qs:
        if report.period.end <= as_of:
            out.setdefault(report.task_id, {})[report.unit_id] = report  # later months win
    return out


def collect(plan, as_of: dt.date, previous: dict | None = None) -> dict:
    """Everything the bulletin shows, as a JSON-ready dict. ``previous`` is the snapshot of the
    previous issued bulletin (for the change in rank)."""
    from kechuang.supervision import engine

    tp = engine.time_progress(plan, as_of)
    indicators = []
    for st in engine.indicator_statuses(plan, as_of):
        ind = st.indicator
        indicators.append({
            "id": ind.pk, "code": ind.code, "name": ind.name, "measure": ind.measure,
            "target": ind.target_display, "actual": _num(st.actual), "expected": _num(st.expected),
            "completion_pct": _pct(st.completion_pct), "time_progress_pct": _pct(st.time_progress_pct),
            "gap_points": _pct(st.gap_points), "light": st.light,
            "owner": ind.owner_unit.name if ind.owner_unit_id else "",
        })
    approved = approved_reports(plan, as_of)
    tasks = []
    for st in engine.task_statuses(plan, as_of):
        task = st.task
        latest = approved.get(task.pk, {})
        progress = [
            {"unit": r.unit.name, "period": r.period.label, "report_id": r.pk,
             "percent": _pct(r.percent_complete), "narrative": scrub(r.narrative)[:300]}
            for r in sorted(latest.values(), key=lambda r: r.unit.path)
        ]
        tasks.append({
            "id": task.pk, "number": task.number, "title": task.title, "light": st.light,
            "percent": _pct(st.percent), "time_progress_pct": _pct(st.time_progress_pct),
            "overdue_milestones": len(st.overdue_milestones or []),
            "lead_units": _unit_names(task.lead_units()), "progress": progress,
        })
    prev_ranks = {}
    if previous:
        prev_ranks = {str(r["unit_id"]): r["rank"] for r in previous.get("rankings", [])}
    rankings = []
    for r in engine.unit_rankings(plan, as_of):
        prev = prev_ranks.get(str(r.unit.pk))
        rankings.append({
            "unit_id": r.unit.pk, "unit": r.unit.name, "on_time": r.on_time, "late": r.late, "missing": r.missing,
            "timeliness_rate": _pct(r.timeliness_rate), "completion_rate": _pct(r.completion_rate),
            "score": _num(r.score), "rank": r.rank, "previous_rank": prev,
            "change": (prev - r.rank) if prev is not None else None,
        })
    red = [_red_item(item) for item in engine.red_items(plan, as_of)]
    orders = []
    from kechuang.supervision.models import OrderStatus, SupervisionOrder

    open_orders = (
        SupervisionOrder.objects.filter(plan=plan, status__in=(OrderStatus.ISSUED, OrderStatus.REPLIED),
                                        issued_on__lte=as_of)
        .select_related("unit", "indicator", "task", "decision")
        .order_by("number", "pk")
    )
    for order in open_orders:
        orders.append({
            "id": order.pk, "number": order.display_number, "unit": order.unit.name,
            "subject": scrub(_subject_name(order.subject)), "reason": scrub(order.reason)[:200],
            "reply_due": order.reply_due.isoformat() if order.reply_due else None,
            "status": order.status, "status_label": order.get_status_display(),
            "overdue": order.is_overdue(as_of),
        })
    return {
        "plan": {"code": plan.code, "title": plan.title, "year": plan.year},
        "as_of": as_of.isoformat(),
        "time_progress_pct": _pct(Decimal(tp) * 100),
        "indicators": indicators,
        "tasks": tasks,
        "rankings": rankings,
        "red_items": red,
        "orders": orders,
        "counts": light_counts(indicators),
    }


def light_counts(indicators: list[dict]) -> dict:
    counts = {"total": len(indicators), "on_track": 0, "ahead": 0, "behind": 0, "yellow": 0, "red": 0, "no_data": 0}
    for row in indicators:
        light = row["light"]
        if light in ("green", "blue"):
            counts["on_track"] += 1
            if row["gap_points"] is not None and Decimal(row["gap_points"]) > 0:  # ahead of 序时进度
                counts["ahead"] += 1
        elif light in ("yellow", "red"):
            counts["behind"] += 1
            counts[light] += 1
        else:
            counts["no_data"] += 1
    return counts


def draft_summary(snapshot: dict) -> str:
    """The opening paragraph, drafted from the data; the office edits it before issuing."""
    as_of = dt.date.fromisoformat(snapshot["as_of"])
    c = snapshot["counts"]
    text = (
        f"截至{cn_date(as_of)}，序时进度为{snapshot['time_progress_pct']}%。全市{c['total']}项量化指标中，"
        f"{c['on_track']}项达到或超过序时进度（其中{c['ahead']}项超序时进度），"
        f"{c['behind']}项滞后于序时进度（黄灯{c['yellow']}项、红灯{c['red']}项）"
    )
    text += f"，{c['no_data']}项暂无数据。" if c["no_data"] else "。"
    ranked = sorted(snapshot["rankings"], key=lambda r: (r["rank"], r["unit"]))
    top = [r for r in ranked if r["rank"] <= 3 and r["score"] and Decimal(r["score"]) > 0][:3]
    if top:
        text += f"综合报送及时率和任务完成率，{'、'.join(r['unit'] for r in top)}表现突出"
        worst = ranked[-1]["rank"] if ranked else 0
        bottom = [r["unit"] for r in ranked if r["rank"] == worst and r["rank"] > top[-1]["rank"]]
        if bottom:
            names = "、".join(bottom[:3]) + (f"等{len(bottom)}个单位" if len(bottom) > 3 else "")
            text += f"；{names}相对滞后，需加快进度。"
        else:
            text += "。"
    if snapshot["red_items"]:
        text += f"目前红灯事项{len(snapshot['red_items'])}项"
        text += f"，未办结督办单{len(snapshot['orders'])}份。" if snapshot["orders"] else "。"
    return text


def _change_text(change) -> str:
    if change is None:
        return "—"
    if change > 0:
        return f"↑{change}"
    if change < 0:
        return f"↓{-change}"
    return "持平"


# -- charts ------------------------------------------------------------------------------------------

def cjk_font_path() -> str | None:
    from matplotlib import font_manager

    for font in font_manager.fontManager.ttflist:
        if font.name in ("Noto Sans CJK SC", "Noto Sans CJK JP") and "Bold" not in font.fname:
            return font.fname
    for font in font_manager.fontManager.ttflist:
        if "CJK" in font.name or "AR PL" in font.name:
            return font.fname
    return None


def indicator_chart(indicators: list[dict]) -> bytes | None:
    """Bars of each indicator's completion against the 序时进度 line, PNG."""
    rows = [r for r in indicators if r["completion_pct"] is not None]
    if not rows:
        return None
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure
    from matplotlib.font_manager import FontProperties

    path = cjk_font_path()
    font = FontProperties(fname=path, size=8) if path else FontProperties(size=8)
    colours = {"green": "#2e7d32", "yellow": "#f9a825", "red": "#c62828", "blue": "#1565c0", "grey": "#9e9e9e"}
    fig = Figure(figsize=(7.5, 0.32 * len(rows) + 1.2), dpi=150)
    FigureCanvasAgg(fig)
    ax = fig.add_subplot(111)
    names = [r["name"][:18] for r in rows][::-1]
    values = [min(float(r["completion_pct"]), 150.0) for r in rows][::-1]
    ax.barh(range(len(rows)), values, color=[colours.get(r["light"], "#9e9e9e") for r in rows][::-1])
    tp = rows[0]["time_progress_pct"]
    if tp is not None:
        ax.axvline(float(tp), color="#333333", linestyle="--", linewidth=1)
        ax.text(float(tp), len(rows) - 0.4, f"序时进度{tp}%", fontproperties=font, ha="left")
    ax.set_yticks(range(len(rows)))
    ax.set_yticklabels(names, fontproperties=font)
    ax.set_xlabel("完成率（%）", fontproperties=font)
    ax.set_title("主要指标完成情况", fontproperties=FontProperties(fname=path, size=10) if path else None)
    fig.tight_layout()
    buf = io.BytesIO()
    fig.savefig(buf, format="png")
    return buf.getvalue()


def ranking_chart(rankings: list[dict]) -> bytes | None:
    rows = [r for r in rankings if r["score"] is not None]
    if not rows:
        return None
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure
    from matplotlib.font_manager import FontProperties

    path = cjk_font_path()
    font = FontProperties(fname=path, size=7) if path else FontProperties(size=7)
    rows = sorted(rows, key=lambda r: r["rank"])
    fig = Figure(figsize=(7.5, 3.2), dpi=150)
    FigureCanvasAgg(fig)
    ax = fig.add_subplot(111)
    ax.bar(range(len(rows)), [float(r["score"]) for r in rows], color="#1565c0")
    ax.set_xticks(range(len(rows)))
    ax.set_xticklabels([r["unit"] for r in rows], fontproperties=font, rotation=60, ha="right")
    ax.set_ylabel("综合得分", fontproperties=font)
    ax.set_title("单位综合排名", fontproperties=FontProperties(fname=path, size=10) if path else None)
    fig.tight_layout()
    buf = io.BytesIO()
    fig.savefig(buf, format="png")
    return buf.getvalue()


# -- document ----------------------------------------------------------------------------------------

def bulletin_title(year: int, quarter: int) -> str:
    return f"关于{year}年第{cn_number(quarter)}季度科技创新工作推进情况的通报"


def render_docx(snapshot: dict, meta: dict, fonts: dict | None = None, charts: bool = True) -> bytes:
    """The .docx of a bulletin. ``meta``: year, quarter, issue_label (2022年第2期), issuer, date,
    header_title, summary, next_steps."""
    year, quarter = meta["year"], meta["quarter"]
    doc = OfficialDocument(fonts=fonts)
    date = meta.get("date") or dt.date.fromisoformat(snapshot["as_of"])
    doc.issuing_header(meta.get("header_title") or DEFAULT_HEADER_TITLE, meta["issue_label"], meta["issuer"], date)
    doc.title(bulletin_title(year, quarter))
    summary = scrub(meta.get("summary") or draft_summary(snapshot))
    for para in [p for p in summary.splitlines() if p.strip()]:
        doc.paragraph(para.strip())

    doc.heading(1, "主要指标完成情况")
    rows = []
    for i, r in enumerate(snapshot["indicators"], 1):
        rows.append([
            i, r["name"], r["target"], "—" if r["actual"] is None else f"{r['actual']}{r['measure']}",
            "—" if r["completion_pct"] is None else f"{r['completion_pct']}%",
            "—" if r["time_progress_pct"] is None else f"{r['time_progress_pct']}%",
            LIGHT_WORDS.get(r["light"], "灰"),
        ])
    doc.table(["序号", "指标", "目标", "完成值", "完成率", "序时进度", "灯"], rows,
              widths_mm=[14, 50, 22, 22, 18, 18, 12])
    if charts:
        png = indicator_chart(snapshot["indicators"])
        if png:
            doc.picture(png, width_mm=150, caption="图1 主要指标完成情况")

    doc.heading(1, "重点任务推进情况")
    for task in snapshot["tasks"]:
        units = "、".join(task["lead_units"])
        head = f"{task['title']}（{LIGHT_LONG.get(task['light'], '暂无数据')}"
        head += f"，完成{task['percent']}%）" if task["percent"] is not None else "）"
        doc.heading(2, head, mark=task["number"] if task["number"].startswith("（") else None)
        if units:
            doc.paragraph(f"牵头单位：{units}。" + (
                f"有{task['overdue_milestones']}个节点逾期未完成。" if task["overdue_milestones"] else ""))
        if not task["progress"]:
            doc.paragraph("本季度暂无审核通过的进展报告。")
        for p in task["progress"]:
            percent = f"（完成{p['percent']}%）" if p["percent"] is not None else ""
            doc.paragraph(f"{p['unit']}{percent}：{p['narrative'] or '已报送，无文字说明。'}")

    doc.heading(1, "单位报送及排名情况")
    rank_rows = [
        [r["rank"], r["unit"], f"{r['on_time']}/{r['late']}/{r['missing']}",
         "—" if r["timeliness_rate"] is None else f"{r['timeliness_rate']}%",
         "—" if r["completion_rate"] is None else f"{r['completion_rate']}%",
         r["score"] or "—", _change_text(r["change"])]
        for r in sorted(snapshot["rankings"], key=lambda r: (r["rank"], r["unit"]))
    ]
    doc.table(["名次", "单位", "按时/迟报/未报", "及时率", "完成率", "得分", "位次变化"], rank_rows,
              widths_mm=[14, 40, 28, 18, 18, 18, 20])
    if charts:
        png = ranking_chart(snapshot["rankings"])
        if png:
            doc.picture(png, width_mm=150, caption="图2 单位综合排名")

    doc.heading(1, "存在的主要问题")
    if snapshot["red_items"]:
        doc.heading(2, "红灯事项")
        for item in snapshot["red_items"]:
            units = "、".join(item["units"]) or "相关单位"
            detail = f"（{item['detail']}）" if item["detail"] else ""
            doc.paragraph(f"{item['kind']}“{item['name']}”亮红灯{detail}，责任单位：{units}。")
    else:
        doc.paragraph("本季度无红灯事项。")
    doc.heading(2, "督办事项办理情况")
    if snapshot["orders"]:
        for o in snapshot["orders"]:
            due = f"，要求{cn_date(dt.date.fromisoformat(o['reply_due']))}前反馈" if o["reply_due"] else ""
            late = "，已逾期未反馈" if o["overdue"] else ""
            doc.paragraph(f"督办单{o['number']}：{o['unit']}，“{o['subject']}”{due}（{o['status_label']}{late}）。")
    else:
        doc.paragraph("本季度无未办结的督办单。")

    doc.heading(1, "下步工作安排")
    steps = scrub(meta.get("next_steps") or "\n".join(DEFAULT_NEXT_STEPS))
    for para in [p for p in steps.splitlines() if p.strip()]:
        doc.paragraph(para.strip())
    doc.signature(meta["issuer"], date)
    return doc.to_bytes()
