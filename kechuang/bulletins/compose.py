"""The quarterly bulletin (季通报): data snapshot from the supervision engine, then the .docx.

``collect(plan, as_of, previous=None)`` gathers everything the bulletin shows into a JSON-ready dict
(the snapshot frozen when the bulletin is issued), including ranked highlight and problem
*candidates*; the office picks, reorders and rewords them. ``render_docx(snapshot, meta)`` builds
the GB/T 9704 document from the snapshot and the office's text alone, so an issued bulletin
renders the same forever: a short body (一、总体情况 二、工作亮点 三、存在问题 四、下步工作, one
half-page chart), the attachments list, signature and date, then 附件1–4 each on a new page.
Unit narratives stay in the snapshot for the HTML view; they are not printed.

Numbers come only from ``kechuang.supervision.engine`` (which resolves indicator values through
``kechuang.metrics.resolution.resolve``); every count in a sentence is a count of the same light
values the tables show. The composer never reads talents; free text typed by units is scrubbed of
anything shaped like an ID or mobile number.
"""

from __future__ import annotations

import datetime as dt
import logging
import re
from decimal import Decimal

from kechuang.documents.charts import ChartFontMissing, indicator_chart
from kechuang.documents.gbt9704 import OfficialDocument, cn_date, cn_number, keep_with_next
from kechuang.org.models import TOWN_KINDS, UnitKind
from kechuang.reporting.services import latest_approved_reports
from kechuang.supervision import engine
from kechuang.supervision.models import OrderStatus, SupervisionOrder

logger = logging.getLogger(__name__)

LIGHT_LONG = {"green": "绿灯", "yellow": "黄灯", "red": "红灯", "blue": "蓝灯", "grey": "暂无数据"}
DEFAULT_HEADER_TITLE = "科技创新工作通报"

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
    """{task_id: {unit_id: the latest APPROVED report for a month ended by ``as_of``}} (the reporting
    service's rule, shared with the supervision task page)."""
    return latest_approved_reports(plan, as_of)


GROUPS = (("departments", "市直部门"), ("towns", "镇（街道）"), ("zone", "开发区"))
GROUP_LABELS = dict(GROUPS)
CARD_LABELS = {"blue": "蓝牌", "yellow": "黄牌", "red": "红牌", "": "—"}
HIGHLIGHTS_DEFAULT = 4  # candidates picked for a new draft (the office picks 3–6)
PROBLEMS_DEFAULT = 5
NAMES_SHOWN = 3  # names listed in a grouped sentence before "等N个"


def unit_group(unit) -> str:
    """The ranking group of a unit: departments, towns and streets, or the development zone."""
    if unit.kind in TOWN_KINDS:
        return "towns"
    if unit.kind == UnitKind.ZONE:
        return "zone"
    return "departments"


def rank_within_groups(rows: list[dict]) -> dict:
    """{unit_id: rank within its group} from rows with ``unit_id``, ``group`` and ``score``; higher
    score first, equal scores share a rank (1, 1, 3)."""
    out = {}
    for group, _label in GROUPS:
        members = sorted((r for r in rows if r.get("group") == group),
                         key=lambda r: -Decimal(str(r["score"] or 0)))
        previous_score, previous_rank = None, 0
        for i, r in enumerate(members, 1):
            score = Decimal(str(r["score"] or 0))
            rank = previous_rank if score == previous_score else i
            out[str(r["unit_id"])] = rank
            previous_score, previous_rank = score, rank
    return out


def rank_card(plan, group_rank: int, score) -> str:
    """Colour card (亮牌, domain-rules.md §1e) from the plan's work rules: blue for the first
    ``rank_card_blue_top`` of a group, red below ``rank_card_red_score``, yellow below
    ``rank_card_yellow_score``, none otherwise."""
    score = Decimal(str(score or 0))
    if score < Decimal(str(plan.setting("rank_card_red_score"))):
        return "red"
    if score < Decimal(str(plan.setting("rank_card_yellow_score"))):
        return "yellow"
    if group_rank <= int(plan.setting("rank_card_blue_top")) and score > 0:
        return "blue"
    return ""


def names(items: list[str], shown: int = NAMES_SHOWN, noun: str = "个单位") -> str:
    """"甲、乙、丙" or "甲、乙、丙等5个单位"."""
    items = [i for i in dict.fromkeys(items) if i]
    if len(items) <= shown:
        return "、".join(items)
    return "、".join(items[:shown]) + f"等{len(items)}{noun}"


def previous_quarter_end(as_of: dt.date, year: int) -> dt.date | None:
    """The end of the quarter before the one ``as_of`` falls in, within the plan year."""
    quarter = (as_of.month - 1) // 3 + 1
    if as_of != quarter_end(as_of.year, quarter):
        quarter -= 1  # a mid-quarter date: compare with the last full quarter
    prev = quarter - 1
    return quarter_end(year, prev) if prev >= 1 and as_of.year == year else None


def collect(plan, as_of: dt.date, previous: dict | None = None) -> dict:
    """Everything the bulletin shows, as a JSON-ready dict. ``previous`` is the snapshot of the
    previous issued bulletin (change in rank, newly green or red items)."""
    tp = engine.time_progress(plan, as_of)
    statuses = engine.indicator_statuses(plan, as_of)
    prev_day = previous_quarter_end(as_of, plan.year)
    indicators = _indicator_rows(plan, statuses, prev_day)
    tasks = _task_rows(plan, as_of)
    cells = engine.completeness(plan, as_of)
    rankings = _ranking_rows(plan, as_of, statuses, cells, previous)
    red = [_red_item(item) for item in engine.supervised_items(plan, as_of, lights=(engine.RED,),
                                                               indicators=statuses, tasks=[])]
    snapshot = {
        "plan": {"code": plan.code, "title": plan.title, "year": plan.year,
                 "report_due_day": plan.setting("report_due_day")},
        "as_of": as_of.isoformat(),
        "previous_as_of": prev_day.isoformat() if prev_day else None,
        "time_progress_pct": _pct(Decimal(tp) * 100),
        "indicators": indicators,
        "tasks": tasks,
        "rankings": rankings,
        "red_items": red,
        "orders": _order_rows(plan, as_of),
        "reporting": reporting_summary(cells, as_of, rankings),
        "counts": light_counts(indicators),
        "task_counts": light_counts(tasks),
    }
    snapshot["candidates"] = candidates(snapshot, previous)
    return snapshot


def _indicator_rows(plan, statuses, prev_day: dt.date | None) -> list[dict]:
    """One row per indicator status, with the change in completion since ``prev_day``."""
    before = {s.indicator.pk: s for s in engine.indicator_statuses(plan, prev_day)} if prev_day else {}
    indicators = []
    for st in statuses:
        ind = st.indicator
        old = before.get(ind.pk)
        change = None
        if old is not None and old.completion_pct is not None and st.completion_pct is not None:
            change = st.completion_pct - old.completion_pct
        indicators.append({
            "id": ind.pk, "code": ind.code, "name": ind.name, "measure": ind.measure,
            "target": ind.target_display, "actual": _num(st.actual), "expected": _num(st.expected),
            "completion_pct": _pct(st.completion_pct), "time_progress_pct": _pct(st.time_progress_pct),
            "gap_points": _pct(st.gap_points), "light": st.light, "reason": scrub(st.reason),
            "cumulative": ind.progress_mode == "cumulative",
            "owner": ind.owner_unit.name if ind.owner_unit_id else "",
            "previous_actual": _num(old.actual) if old is not None else None,
            "change_points": _pct(change),
        })
    return indicators


def _task_rows(plan, as_of: dt.date) -> list[dict]:
    """One row per task status, with the units' latest approved progress and the units lagging behind."""
    approved = approved_reports(plan, as_of)
    yellow_points = Decimal(str(plan.setting("light_yellow_points")))
    leads = engine._lead_units(plan)  # every task's lead units from the plan's roles, read once (not per task)
    tasks = []
    for st in engine.task_statuses(plan, as_of):
        task = st.task
        latest = approved.get(task.pk, {})
        progress = [
            {"unit": r.unit.name, "period": r.period.label, "report_id": r.pk,
             "percent": _pct(r.percent_complete), "narrative": scrub(r.narrative)[:300]}
            for r in sorted(latest.values(), key=lambda r: r.unit.path)
        ]
        lagging = [r.unit.name for r in st.reports if r.percent_complete is not None
                   and r.percent_complete < st.time_progress_pct - yellow_points]
        lagging += [m.unit.name for m in st.overdue_milestones if m.unit_id]
        tasks.append({
            "id": task.pk, "number": task.number, "title": task.title, "light": st.light,
            "percent": _pct(st.percent), "time_progress_pct": _pct(st.time_progress_pct),
            "gap_points": _pct(st.gap_points), "reason": scrub(st.reason),
            "overdue_milestones": len(st.overdue_milestones or []),
            "lead_units": _unit_names(leads.get(task.pk, [])), "lagging_units": list(dict.fromkeys(lagging)),
            "progress": progress,
        })
    return tasks


def _ranking_rows(plan, as_of: dt.date, statuses, cells: dict, previous: dict | None) -> list[dict]:
    """The unit rankings, each with its rank in its group, the change since ``previous`` and its card."""
    ranks = engine.unit_rankings(plan, as_of, statuses=statuses, cells=cells)
    rankings = [{
        "unit_id": r.unit.pk, "unit": r.unit.name, "unit_code": r.unit.code, "group": unit_group(r.unit),
        "on_time": r.on_time, "late": r.late, "missing": r.missing,
        "timeliness_rate": _pct(r.timeliness_rate), "completion_rate": _pct(r.completion_rate),
        "score": _num(r.score), "rank": r.rank,
    } for r in ranks]
    group_ranks = rank_within_groups(rankings)
    prev_ranks = {}
    if previous:
        prev_rows = previous.get("rankings", [])
        if prev_rows and all("group_rank" in r for r in prev_rows):
            prev_ranks = {str(r["unit_id"]): r["group_rank"] for r in prev_rows}
        else:  # a snapshot from before group ranks: rank its scores within today's groups
            groups = {str(r["unit_id"]): r["group"] for r in rankings}
            prev_ranks = rank_within_groups([{**r, "group": groups.get(str(r["unit_id"]))} for r in prev_rows])
    for r in rankings:
        r["group_rank"] = group_ranks[str(r["unit_id"])]
        prev = prev_ranks.get(str(r["unit_id"]))
        r["previous_rank"] = prev
        r["change"] = (prev - r["group_rank"]) if prev is not None else None
        r["card"] = rank_card(plan, r["group_rank"], r["score"])
    return rankings


def _order_rows(plan, as_of: dt.date) -> list[dict]:
    """The year's 督办单 issued by ``as_of`` (neither proposed nor dismissed)."""
    orders = []
    year_orders = (
        SupervisionOrder.objects.filter(plan=plan, year=plan.year, issued_on__lte=as_of)
        .exclude(status__in=(OrderStatus.PROPOSED, OrderStatus.DISMISSED))
        .select_related("unit", "indicator", "task", "decision")
        .order_by("number", "pk")
    )
    for order in year_orders:
        orders.append({
            "id": order.pk, "number": order.display_number, "unit": order.unit.name,
            "subject": scrub(_subject_name(order.subject)), "reason": scrub(order.reason)[:200],
            "issued_on": order.issued_on.isoformat() if order.issued_on else None,
            "reply_due": order.reply_due.isoformat() if order.reply_due else None,
            "status": order.status, "status_label": order.get_status_display(),
            "open": order.status in (OrderStatus.ISSUED, OrderStatus.REPLIED),
            "overdue": order.is_overdue(as_of),
        })
    return orders


def reporting_summary(cells: dict, as_of: dt.date, rankings: list[dict]) -> dict:
    """Reporting timeliness in the quarter of ``as_of`` (months whose deadline has passed) and the
    units late or missing more than once in it."""
    quarter = (as_of.month - 1) // 3
    months = {m for (_u, m) in cells if quarter * 3 < m <= quarter * 3 + 3}
    names_by_id = {r["unit_id"]: r["unit"] for r in rankings}
    per_unit: dict[int, dict] = {}
    totals = {"on_time": 0, "late": 0, "missing": 0}
    for (unit_id, month), state in cells.items():
        if month not in months or state not in totals:
            continue
        totals[state] += 1
        per_unit.setdefault(unit_id, {"late": 0, "missing": 0, "on_time": 0})[state] += 1
    judged = sum(totals.values())
    repeated = sorted(
        ({"unit": names_by_id.get(uid, ""), "late": c["late"], "missing": c["missing"]}
         for uid, c in per_unit.items() if c["late"] + c["missing"] >= 2 and uid in names_by_id),
        key=lambda r: (-(r["late"] + r["missing"]), r["unit"]))
    return {
        "months": sorted(months), **totals, "judged": judged,
        "rate": _pct(Decimal(totals["on_time"]) / judged * 100) if judged else None,
        "repeated": repeated,
    }


def light_counts(rows: list[dict]) -> dict:
    """Counts of lights (green, yellow, red, blue, grey) of indicator or task rows, and how many of
    the green and blue ones are at or ahead of 序时进度 (gap ≥ 0) — a green row may be a little
    behind (within ``light_yellow_points``), and is then not "达到序时进度"."""
    counts = {"total": len(rows), "green": 0, "yellow": 0, "red": 0, "blue": 0, "grey": 0, "on_schedule": 0}
    for row in rows:
        counts[row["light"]] = counts.get(row["light"], 0) + 1
        if row["light"] in ("green", "blue") and row.get("gap_points") is not None \
                and Decimal(row["gap_points"]) >= 0:
            counts["on_schedule"] += 1
    return counts


# -- curation: highlight and problem candidates ---------------------------------------------------------

def _cand(key: str, text: str, score) -> dict:
    return {"key": key, "text": text, "score": float(score)}


def candidates(snapshot: dict, previous: dict | None = None) -> dict:
    """Highlight and problem candidates computed from the snapshot, best first. The office picks,
    reorders and rewords them; nothing here is printed unless picked."""
    prev_ind = {str(r["id"]): r["light"] for r in (previous or {}).get("indicators", [])}
    prev_task = {str(r["id"]): r["light"] for r in (previous or {}).get("tasks", [])}
    highs = _indicator_highlights(snapshot, prev_ind) + _task_highlights(snapshot, prev_task) \
        + _unit_highlights(snapshot)
    probs = _indicator_problems(snapshot, prev_ind) + _task_problems(snapshot) + _overdue_problems(snapshot)
    highs.sort(key=lambda c: -c["score"])
    probs.sort(key=lambda c: -c["score"])
    return {"highlights": highs, "problems": probs}


def _indicator_highlights(snapshot: dict, prev_ind: dict) -> list[dict]:
    """Indicators met early, turned green since the previous bulletin, or ahead of 序时进度."""
    highs = []
    for r in snapshot["indicators"]:
        if r["completion_pct"] is None or r["gap_points"] is None:
            continue
        c, gap = Decimal(r["completion_pct"]), Decimal(r["gap_points"])
        owner = f"（{r['owner']}）" if r["owner"] else ""
        actual = f"{r['actual']}{r['measure']}" if r["actual"] is not None else ""
        was = prev_ind.get(str(r["id"]))
        if r["light"] == "green" and r["cumulative"] and c >= 100:
            highs.append(_cand(f"ind-met-{r['id']}", f"“{r['name']}”已完成{actual}，完成率{r['completion_pct']}%，"
                               f"提前完成年度目标{owner}。", 300 + c))
        elif r["light"] == "green" and was in ("yellow", "red"):
            highs.append(_cand(f"ind-green-{r['id']}", f"“{r['name']}”由上期{LIGHT_LONG[was]}转为绿灯，完成{actual}，"
                               f"完成率{r['completion_pct']}%{owner}。", 200 + gap))
        elif r["light"] == "green" and gap > 0:
            highs.append(_cand(f"ind-ahead-{r['id']}", f"“{r['name']}”完成{actual}，完成率{r['completion_pct']}%，"
                               f"超序时进度{r['gap_points']}个百分点{owner}。", 100 + gap))
    return highs


def _task_highlights(snapshot: dict, prev_task: dict) -> list[dict]:
    """Key tasks turned green since the previous bulletin, or well ahead of 序时进度."""
    highs = []
    for t in snapshot["tasks"]:
        if t["gap_points"] is None:
            continue
        gap = Decimal(t["gap_points"])
        lead = f"（牵头单位：{names(t['lead_units'])}）" if t["lead_units"] else ""
        was = prev_task.get(str(t["id"]))
        if t["light"] == "green" and was in ("yellow", "red"):
            highs.append(_cand(f"task-green-{t['id']}", f"重点任务“{t['number']}{t['title']}”由上期{LIGHT_LONG[was]}"
                               f"转为绿灯，完成{t['percent']}%{lead}。", 180 + gap))
        elif t["light"] == "green" and gap >= 5:
            highs.append(_cand(f"task-ahead-{t['id']}", f"重点任务“{t['number']}{t['title']}”完成{t['percent']}%，"
                               f"超序时进度{t['gap_points']}个百分点{lead}。", 80 + gap))
    return highs


def _unit_highlights(snapshot: dict) -> list[dict]:
    """The first of each ranking group, and the units that rose three places or more."""
    highs = []
    for group, label in GROUPS:
        members = [r for r in snapshot["rankings"] if r["group"] == group]
        if len(members) < 2:
            continue
        top = [r for r in members if r["group_rank"] == 1 and r["score"] and Decimal(r["score"]) > 0]
        if top:
            highs.append(_cand(f"unit-top-{group}", f"{label}中，{names([r['unit'] for r in top])}综合得分"
                               f"{top[0]['score']}分，位列第一。", 120 + Decimal(top[0]["score"]) / 10))
        risers = sorted((r for r in members if r["change"] and r["change"] >= 3), key=lambda r: -r["change"])
        for r in risers[:2]:
            highs.append(_cand(f"unit-up-{r['unit_id']}", f"{r['unit']}位次较上期上升{r['change']}位，"
                               f"列{label}第{r['group_rank']}位（得分{r['score']}分）。", 90 + r["change"]))

    return highs


def _indicator_problems(snapshot: dict, prev_ind: dict) -> list[dict]:
    """Red indicators one by one, yellow ones together."""
    probs = []
    yellow_ind, red_ind = [], []
    for r in snapshot["indicators"]:
        if r["light"] == "red":
            red_ind.append(r)
        elif r["light"] == "yellow":
            yellow_ind.append(r)
    for r in red_ind:
        owner = f"（责任单位：{r['owner']}）" if r["owner"] else ""
        new = "，本季度新转红灯" if prev_ind.get(str(r["id"])) not in (None, "red") else ""
        behind = f"完成率{r['completion_pct']}%，" if r["completion_pct"] is not None else ""
        gap = -Decimal(r["gap_points"]) if r["gap_points"] is not None else Decimal(50)
        probs.append(_cand(f"ind-red-{r['id']}", f"“{r['name']}”{behind}{r['reason'] or '亮红灯'}{new}{owner}。",
                           300 + gap + (50 if new else 0)))
    if yellow_ind:
        items = [f"{r['name']}（{r['reason'].replace('落后序时进度', '落后')}）" for r in yellow_ind]
        owners = [r["owner"] for r in yellow_ind]
        probs.append(_cand("ind-yellow", f"{len(yellow_ind)}项指标滞后于序时进度（黄灯）：{names(items, 3, '项')}，"
                           f"涉及{names(owners)}。", 150 + 10 * len(yellow_ind)))
    return probs


def _task_problems(snapshot: dict) -> list[dict]:
    """Red key tasks one by one, yellow ones together."""
    probs = []
    red_tasks = [t for t in snapshot["tasks"] if t["light"] == "red"]
    yellow_tasks = [t for t in snapshot["tasks"] if t["light"] == "yellow"]
    for t in red_tasks:
        lag = f"；滞后单位：{names(t['lagging_units'])}" if t["lagging_units"] else ""
        probs.append(_cand(f"task-red-{t['id']}", f"重点任务“{t['number']}{t['title']}”亮红灯（{t['reason']}；"
                           f"牵头单位：{names(t['lead_units'])}{lag}）。", 280))
    if yellow_tasks:
        items = [f"{t['number']}{t['title']}（{t['reason']}）" for t in yellow_tasks]
        lagging = [u for t in yellow_tasks for u in t["lagging_units"]]
        lag = f"，滞后单位主要是{names(lagging)}" if lagging else ""
        probs.append(_cand("task-yellow", f"{len(yellow_tasks)}项重点任务进度滞后或工作节点逾期（黄灯）："
                           f"{names(items, 3, '项')}{lag}。", 140 + 10 * len(yellow_tasks)))
    return probs


def _overdue_problems(snapshot: dict) -> list[dict]:
    """Overdue 督办单, overdue meeting decisions, and units late or missing with their reports more than once."""
    probs = []
    overdue = [o for o in snapshot["orders"] if o.get("overdue")]
    if overdue:
        items = [f"{o['number']}（{o['unit']}）" for o in overdue]
        probs.append(_cand("orders-overdue", f"{len(overdue)}份督办单逾期未反馈：{names(items, 3, '份')}。",
                           250 + 10 * len(overdue)))
    decisions = [i for i in snapshot["red_items"] if i["kind"] == KIND_LABELS["decision"]]
    if decisions:
        items = [f"{i['name']}（{names(i['units'])}）" for i in decisions]
        probs.append(_cand("decisions-overdue", f"{len(decisions)}项例会议定事项逾期未办结：{names(items, 2, '项')}。",
                           240 + 10 * len(decisions)))
    repeated = snapshot["reporting"]["repeated"]
    if repeated:
        items = [f"{r['unit']}（逾期{r['late']}次、未报{r['missing']}次）" for r in repeated]
        text = f"{len(repeated)}个单位本季度月报多次逾期或未报：{names(items, 3, '个单位')}。"
        probs.append(_cand("reports-late", text, 200 + 10 * len(repeated)))
    return probs


def default_picks(snapshot: dict) -> tuple[list[dict], list[dict]]:
    """The candidates a new draft starts with: the best few of each list (key and text)."""
    cands = snapshot.get("candidates") or {"highlights": [], "problems": []}
    pick = lambda rows, n: [{"key": c["key"], "text": c["text"]} for c in rows[:n]]  # noqa: E731
    return pick(cands["highlights"], HIGHLIGHTS_DEFAULT), pick(cands["problems"], PROBLEMS_DEFAULT)


def draft_summary(snapshot: dict) -> str:
    """总体情况, drafted from the data: light counts of indicators and tasks (the same values as 附件1
    and 附件3), reporting timeliness and the headline figures with their change on the previous
    quarter. The office may edit it before issuing."""
    as_of = dt.date.fromisoformat(snapshot["as_of"])
    c = snapshot["counts"]
    text = (f"截至{cn_date(as_of)}，序时进度为{snapshot['time_progress_pct']}%。{c['total']}项主要指标中，"
            f"绿灯{c['green']}项（其中{c['on_schedule']}项达到或超过序时进度）、黄灯{c['yellow']}项、红灯{c['red']}项")
    extra = [f"蓝灯（即将到期）{c['blue']}项" if c["blue"] else "", f"暂无数据{c['grey']}项" if c["grey"] else ""]
    text += "".join(f"、{e}" for e in extra if e) + "。"
    t = snapshot.get("task_counts")
    if t and t["total"]:
        text += f"{t['total']}项重点任务中，绿灯{t['green']}项、黄灯{t['yellow']}项、红灯{t['red']}项"
        text += (f"、其他{t['blue'] + t['grey']}项" if t["blue"] + t["grey"] else "") + "。"
    rep = snapshot.get("reporting") or {}
    if rep.get("judged"):
        months = rep["months"]
        span = f"{months[0]}月" if len(months) == 1 else f"{months[0]}—{months[-1]}月"
        text += (f"{span}应报月度报告{rep['judged']}份，按时报送{rep['on_time']}份（及时率{rep['rate']}%），"
                 f"逾期{rep['late']}份、未报{rep['missing']}份。")
    heads = []
    for r in snapshot["indicators"]:
        if r["actual"] is None or not r["cumulative"]:
            continue
        part = f"{r['name']}{r['actual']}{r['measure']}（完成率{r['completion_pct']}%"
        if r.get("change_points") is not None:
            change = Decimal(r["change_points"])
            part += f"，较上季度末{'提高' if change >= 0 else '下降'}{abs(change)}个百分点"
        heads.append(part + "）")
        if len(heads) == 3:
            break
    if heads:
        text += "主要指标中，" + "，".join(heads) + "。"
    return text


def draft_next_steps(snapshot: dict) -> str:
    """下步工作, drafted from the red and yellow items; the office edits it."""
    as_of = dt.date.fromisoformat(snapshot["as_of"])
    month = as_of.month % 12 + 1
    lines = []
    lagging = [r for r in snapshot["indicators"] if r["light"] in ("red", "yellow")]
    if lagging:
        owners = names([r["owner"] for r in lagging])
        lines.append(f"紧盯滞后指标。{names([r['name'] for r in lagging], 3, '项指标')}的责任单位（{owners}）要对照"
                     f"序时进度查找差距，制定追赶措施，{month}月底前明显改观。")
    tasks = [t for t in snapshot["tasks"] if t["light"] in ("red", "yellow")]
    if tasks:
        leads = names([u for t in tasks for u in t["lead_units"]])
        lines.append(f"加快重点任务推进。{names([t['number'] + t['title'] for t in tasks], 3, '项任务')}的牵头单位"
                     f"（{leads}）要倒排工期，逾期工作节点于{month}月底前完成。")
    if any(o.get("open") for o in snapshot["orders"]):
        lines.append("抓好督办落实。未办结督办单的责任单位要按时限反馈办理情况，逾期未反馈的在下期通报中点名。")
    due_day = (snapshot.get("plan") or {}).get("report_due_day") or 5
    late = [r["unit"] for r in (snapshot.get("reporting") or {}).get("repeated", [])]
    who = f"，{names(late)}要指定专人负责" if late else ""
    lines.append(f"规范按月报送。各单位每月{due_day}日前报送上月进展{who}，杜绝迟报漏报。")
    return "\n".join(f"{i}.{line}" for i, line in enumerate(lines, 1))


def _change_text(change) -> str:
    if change is None:
        return "—"
    if change > 0:
        return f"↑{change}"
    if change < 0:
        return f"↓{-change}"
    return "持平"


# -- document ----------------------------------------------------------------------------------------

ATTACHMENTS = ("主要指标完成情况表", "单位排名情况表", "重点任务推进情况表", "督办事项清单")
TABLE_SIZE = 10.5  # 5号 in attachment tables


def bulletin_title(year: int, quarter: int) -> str:
    return f"关于{year}年第{cn_number(quarter)}季度科技创新工作推进情况的通报"


def _short_date(iso: str | None) -> str:
    if not iso:
        return "—"
    day = dt.date.fromisoformat(iso)
    return f"{day.month}月{day.day}日"


def _items(meta: dict, key: str, snapshot: dict) -> list[str]:
    picked = meta.get(key)
    if picked is None:
        highs, probs = default_picks(snapshot)
        picked = highs if key == "highlights" else probs
    return [scrub(i["text"] if isinstance(i, dict) else str(i)).strip() for i in picked if i]


def render_docx(snapshot: dict, meta: dict, fonts: dict | None = None, charts: bool = True) -> bytes:
    """The .docx of a bulletin (GB/T 9704): 版头, title, body 一、总体情况 二、工作亮点 三、存在问题
    四、下步工作 (at most one half-page chart), 附件说明, signature and date, then the four
    attachments each on a new page. ``meta``: year, quarter, issue_label ("2022年第2期" or
    "（草稿）"), issuer, date, header_title, summary, highlights, problems, next_steps."""
    year, quarter = meta["year"], meta["quarter"]
    doc = OfficialDocument(fonts=fonts)
    date = meta.get("date") or dt.date.fromisoformat(snapshot["as_of"])
    doc.issuing_header(meta.get("header_title") or DEFAULT_HEADER_TITLE, meta["issue_label"], meta["issuer"], date)
    doc.title(bulletin_title(year, quarter))
    _write_overview(doc, snapshot, meta, charts)
    doc.heading(1, "工作亮点")
    _write_numbered(doc, _items(meta, "highlights", snapshot), "本季度各项工作按计划推进。")
    doc.heading(1, "存在问题")
    _write_numbered(doc, _items(meta, "problems", snapshot), "本季度未发现需要通报的突出问题。")
    doc.heading(1, "下步工作")
    steps = scrub(meta.get("next_steps") or draft_next_steps(snapshot))
    last = None
    for para in [p for p in steps.splitlines() if p.strip()]:
        last = doc.paragraph(para.strip())
    if last is not None:
        keep_with_next(last)
    doc.attachment_list(list(ATTACHMENTS))
    doc.signature(meta["issuer"], date)

    period = f"{year}年第{cn_number(quarter)}季度"
    _write_indicator_table(doc, snapshot, period)
    _write_ranking_tables(doc, snapshot, period)
    _write_task_table(doc, snapshot, period)
    _write_order_table(doc, snapshot, period)
    return doc.to_bytes()


def _write_overview(doc: OfficialDocument, snapshot: dict, meta: dict, charts: bool) -> None:
    """一、总体情况: the summary, then the indicator chart (left out when no CJK font is installed)."""
    doc.heading(1, "总体情况")
    summary = scrub(meta.get("summary") or draft_summary(snapshot))
    for para in [p for p in summary.splitlines() if p.strip()]:
        doc.paragraph(para.strip())
    if charts:
        try:
            png = indicator_chart(snapshot["indicators"])
        except ChartFontMissing as exc:
            logger.warning("bulletin chart left out: %s", exc)
            png = None  # no CJK font: leave the chart out rather than print boxes
        if png:
            doc.picture(png, width_mm=150, caption="图1 主要指标完成率与序时进度")


def _write_numbered(doc: OfficialDocument, items: list[str], empty: str) -> None:
    for i, text in enumerate(items, 1):
        doc.paragraph(f"{i}.{text}")
    if not items:
        doc.paragraph(empty)


def _write_indicator_table(doc: OfficialDocument, snapshot: dict, period: str) -> None:
    doc.attachment(1, f"{period}{ATTACHMENTS[0]}")
    rows = [[i, r["name"], r["target"], "—" if r["actual"] is None else f"{r['actual']}{r['measure']}",
             "—" if r["completion_pct"] is None else f"{r['completion_pct']}%",
             "—" if r["time_progress_pct"] is None else f"{r['time_progress_pct']}%",
             "—" if r.get("change_points") is None else f"{Decimal(r['change_points']):+}",
             LIGHT_LONG.get(r["light"], "暂无数据")]
            for i, r in enumerate(snapshot["indicators"], 1)]
    doc.table(["序号", "指标", "年度目标", "完成值", "完成率", "序时进度", "较上季度", "灯"], rows,
              widths_mm=[9, 41, 20, 20, 17, 18, 18, 13], font_size=TABLE_SIZE, left_columns=(1,))


def _write_ranking_tables(doc: OfficialDocument, snapshot: dict, period: str) -> None:
    doc.attachment(2, f"{period}{ATTACHMENTS[1]}")
    previous = snapshot.get("previous_bulletin")
    basis = f"较上期：与{previous['issue_label']}相比的位次变化" if previous else "较上期：无上期通报"
    for group, label in GROUPS:
        members = sorted((r for r in snapshot["rankings"] if r.get("group") == group),
                         key=lambda r: (r["group_rank"], r["unit"]))
        if not members:
            continue
        doc.caption(f"{label}（{len(members)}个）")
        doc.table(["位次", "单位", "按时/逾期/未报", "及时率", "完成率", "得分", "较上期", "亮牌"], [
            [r["group_rank"], r["unit"], f"{r['on_time']}/{r['late']}/{r['missing']}",
             "—" if r["timeliness_rate"] is None else f"{r['timeliness_rate']}%",
             "—" if r["completion_rate"] is None else f"{r['completion_rate']}%",
             r["score"] or "—", _change_text(r["change"]), CARD_LABELS.get(r.get("card") or "", "—")]
            for r in members], widths_mm=[11, 36, 29, 17, 17, 15, 16, 15], font_size=TABLE_SIZE)
    doc.paragraph(f"注：得分=报送及时率×50%+任务和指标完成率×50%；{basis}。", indent=False)


def _write_task_table(doc: OfficialDocument, snapshot: dict, period: str) -> None:
    doc.attachment(3, f"{period}{ATTACHMENTS[2]}")
    doc.table(["序号", "重点任务", "牵头单位", "完成进度", "序时进度", "灯", "滞后单位"], [
        [t["number"], t["title"], "、".join(t["lead_units"]) or "—",
         "—" if t["percent"] is None else f"{t['percent']}%",
         "—" if t["time_progress_pct"] is None else f"{t['time_progress_pct']}%",
         LIGHT_LONG.get(t["light"], "暂无数据"), names(t["lagging_units"]) or "—"]
        for t in snapshot["tasks"]], widths_mm=[14, 40, 26, 18, 18, 13, 27], font_size=TABLE_SIZE,
        left_columns=(1, 6))


def _write_order_table(doc: OfficialDocument, snapshot: dict, period: str) -> None:
    doc.attachment(4, f"{period}{ATTACHMENTS[3]}")
    order_rows = [[o["number"], o["subject"], o["unit"], _short_date(o.get("issued_on")), _short_date(o["reply_due"]),
                   o["status_label"] + ("（逾期）" if o["overdue"] else "")] for o in snapshot["orders"]]
    order_rows += [[f"议定事项{i}", item["name"], "、".join(item["units"]) or "—", "—", "—", "逾期未办结"]
                   for i, item in enumerate((x for x in snapshot["red_items"]
                                             if x["kind"] == KIND_LABELS["decision"]), 1)]
    if not order_rows:
        order_rows = [["—", "本期无督办事项", "—", "—", "—", "—"]]
    doc.table(["编号", "督办事项", "责任单位", "下发日期", "反馈时限", "办理状态"], order_rows,
              widths_mm=[30, 42, 26, 18, 18, 22], font_size=TABLE_SIZE, left_columns=(1,))
