"""Excel exports (results with a breakdown sheet per group; commendation candidates) and the
.docx results notice in the GB/T 9704 layout."""

from __future__ import annotations

import datetime as dt
import io
import json

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter

from kechuang.documents.gbt9704 import OfficialDocument, cn_date, keep_with_next

CATEGORY_LABELS = {
    "indicator": "指标得分", "task": "任务得分", "deduction": "扣分", "bonus": "加分", "veto": "一票否决",
}


NOT_APPLICABLE = "不适用"


def cells(row: dict) -> dict:
    """How one unit's result reads on the page, in Excel and in the notice: 满分, 得分, 得分率, and "不适用"
    (not 0) for what does not apply to the unit. Results frozen before 满分 existed show "—" for it."""
    applies = row.get("applies") or {"indicator": True, "task": True}
    sub = row["subtotals"]
    rate = row.get("rate")
    has_full = "full" in row
    return {
        "rank": row["rank"] if row["rank"] is not None else NOT_APPLICABLE,
        "unit": row["unit"], "unit_id": row["unit_id"], "vetoed": row["vetoed"],
        "total": row["total"],
        "full": row["full"] if has_full else "—",
        "rate": f"{rate}%" if rate is not None else (NOT_APPLICABLE if has_full else "—"),
        "indicator": sub["indicator"] if applies["indicator"] else NOT_APPLICABLE,
        "task": sub["task"] if applies["task"] else NOT_APPLICABLE,
        "deduction": sub["deduction"], "bonus": sub["bonus"],
    }


def _num(value):
    """A number for an Excel cell; words ("不适用", "—") stay words."""
    try:
        return float(value)
    except (TypeError, ValueError):
        return value


def _sheet_title(name: str, used: set) -> str:
    title = "".join(ch for ch in name if ch not in "[]:*?/\\")[:28] or "分组"
    base, n = title, 2
    while title in used:
        title, n = f"{base}{n}", n + 1
    used.add(title)
    return title


def _autosize(ws, widths):
    for i, w in enumerate(widths, 1):
        ws.column_dimensions[get_column_letter(i)].width = w
    for cell in ws[1]:
        cell.font = Font(bold=True)
        cell.alignment = Alignment(horizontal="center")
    ws.freeze_panes = "A2"


def _source_text(source: dict) -> str:
    parts = []
    for key, label in (("indicator_id", "指标ID"), ("code", "指标编码"), ("actual", "完成值"), ("target", "目标值"),
                       ("ratio", "完成比"), ("light", "灯色"), ("rule", "规则"), ("report_ids", "报告ID"),
                       ("order_id", "督办单ID"), ("number", "督办单号"), ("bonus_id", "加分ID"),
                       ("veto_id", "否决ID"), ("reason", "事由")):
        if source.get(key) not in (None, "", []):
            parts.append(f"{label}：{source[key]}")
    if source.get("tasks"):
        parts.append("任务：" + "；".join(
            f"{t['task']} {t['percent'] or '无'}%（报告ID {t['report_id'] or '—'}）" for t in source["tasks"]))
    return "，".join(parts) or json.dumps(source, ensure_ascii=False)


def results_xlsx(data: dict, title: str = "") -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.title = "汇总"
    ws.append(["分组", "名次", "单位", "得分", "满分", "得分率", "指标得分", "任务得分", "扣分", "加分", "一票否决"])
    for group in data.get("groups", []):
        for row in group["units"]:
            c = cells(row)
            ws.append([group["name"], c["rank"], c["unit"], _num(c["total"]), _num(c["full"]), c["rate"],
                       _num(c["indicator"]), _num(c["task"]), _num(c["deduction"]), _num(c["bonus"]),
                       "是" if c["vetoed"] else ""])
    _autosize(ws, [14, 8, 22, 10, 10, 10, 10, 10, 10, 10, 10])
    used = {"汇总"}
    for group in data.get("groups", []):
        gs = wb.create_sheet(_sheet_title(f"{group['name']}明细", used))
        gs.append(["名次", "单位", "类别", "项目", "分值", "数据来源"])
        for row in group["units"]:
            rank = cells(row)["rank"]
            for item in row["items"]:
                gs.append([rank, row["unit"], CATEGORY_LABELS.get(item["category"], item["category"]),
                           item["label"], float(item["points"]), _source_text(item["source"])])
            c = cells(row)
            gs.append([rank, row["unit"], "合计", f"满分 {c['full']}，得分率 {c['rate']}", float(row["total"]), ""])
        _autosize(gs, [8, 22, 10, 36, 10, 80])
    info = wb.create_sheet("说明")
    info.append(["考核方案", title or data.get("scheme", "")])
    info.append(["数据截止", data.get("as_of", "")])
    info.append(["说明", "每一分均注明来源：指标（指标ID、完成值、目标值、灯色）、任务报告ID、督办单ID、加分ID。"])
    info.append(["满分与得分率", "满分为本单位适用的指标权重与任务权重之和；得分率＝得分÷满分。"
                 "本单位不承担的指标或任务记为“不适用”，不计0分。"])
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def _group_sentence(group: dict) -> str:
    """One sentence per group: the first three, the last, any veto."""
    units = group["units"]
    if not units:
        return ""
    ranked = [r for r in units if not r["vetoed"] and r["rank"] is not None]
    top = "、".join(r["unit"] for r in ranked[:3])
    text = f"{group['name']}（{len(units)}个）：{top}位列前{min(3, len(ranked))}名" if ranked else f"{group['name']}："
    if len(ranked) > 3:
        last = cells(ranked[-1])
        score = f"得分率{last['rate']}" if last["rate"] not in ("—", NOT_APPLICABLE) else f"{last['total']}分"
        text += f"，{last['unit']}排名最后（{score}）"
    vetoed = [r["unit"] for r in units if r["vetoed"]]
    if vetoed:
        text += f"；{'、'.join(vetoed)}被一票否决"
    return text + "。"


def results_notice_docx(data: dict, *, year: int, issuer: str, date: dt.date, fonts: dict | None = None,
                        published: bool = True) -> bytes:
    """考核结果通报 (GB/T 9704): a short body naming the first and last of each group, the requirements,
    then the full results per group in one attachment on its own page; signature and date kept with
    the body."""
    doc = OfficialDocument(fonts=fonts)
    doc.title(f"关于{year}年度科技创新工作目标责任考核结果的通报")
    doc.paragraph(
        f"根据年度科技创新工作目标责任考核方案，领导小组办公室依据{cn_date(dt.date.fromisoformat(data['as_of']))}前"
        f"各单位指标完成、任务推进、按月报送和督办落实情况，对各单位{year}年度科技创新工作进行了考核"
        + ("。现将结果通报如下。" if published else "（草稿，未公布）。"))
    doc.heading(1, "考核结果")
    for group in data.get("groups", []):
        sentence = _group_sentence(group)
        if sentence:
            doc.paragraph(sentence)
    doc.paragraph("各单位得分、排名及分项得分见附件。")
    doc.heading(1, "有关要求")
    keep_with_next(doc.paragraph("各单位要对照考核结果查找差距，对扣分事项认真整改；考核明细（每项得分的数据来源）"
                                 "可在平台查阅。"))
    attachment = f"{year}年度科技创新工作目标责任考核结果"
    doc.attachment_list([attachment])
    doc.signature(issuer, date)
    doc.attachment(None, attachment)
    for group in data.get("groups", []):
        doc.caption(f"{group['name']}考核结果")
        rows = []
        for r in group["units"]:
            c = cells(r)
            rows.append([c["rank"], c["unit"], c["full"], c["total"], c["rate"], c["indicator"], c["task"],
                         c["deduction"], c["bonus"], "一票否决" if c["vetoed"] else ""])
        doc.table(["名次", "单位", "满分", "得分", "得分率", "指标", "任务", "扣分", "加分", "备注"], rows,
                  widths_mm=[12, 34, 13, 13, 15, 15, 13, 13, 13, 15], font_size=9)
    return doc.to_bytes()


def commendation_xlsx(lists: dict, labels: dict) -> bytes:
    wb = Workbook()
    wb.remove(wb.active)
    used: set = set()
    columns = {
        "hnte_new": (["企业", "所属镇办", "认定日期", "推荐理由"], ["enterprise", "town", "date", "reason"]),
        "platforms_new": (["企业", "平台", "所属镇办", "备案日期", "推荐理由"],
                          ["enterprise", "platform", "town", "date", "reason"]),
        "talent_building": (["企业", "所属镇办", "引进人才（团队）数", "推荐理由"],
                            ["enterprise", "town", "count", "reason"]),
        "top_units": (["分组", "单位", "名次", "总分", "推荐理由"], ["group", "unit", "rank", "total", "reason"]),
    }
    for key, (headers, fields) in columns.items():
        ws = wb.create_sheet(_sheet_title(labels.get(key, key), used))
        ws.append(["选定", *headers])
        for row in lists.get(key, []):
            ws.append(["", *[row.get(f) if not isinstance(row.get(f), dt.date) else row[f].isoformat()
                             for f in fields]])
        _autosize(ws, [6, 30, 24, 14, 14, 30])
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()
