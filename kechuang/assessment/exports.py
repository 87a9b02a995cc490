"""Excel exports (results with a breakdown sheet per group; commendation candidates) and the
.docx results notice in the GB/T 9704 layout."""

from __future__ import annotations

import datetime as dt
import json

from kechuang.core.tables import sheet
from kechuang.core.xlsx import Sheet, sheet_title, workbook_bytes
from kechuang.documents.gbt9704 import OfficialDocument, cn_date, keep_with_next

from .tables import NOT_APPLICABLE, cells, summary_table

CATEGORY_LABELS = {
    "indicator": "指标得分", "task": "任务得分", "deduction": "扣分", "bonus": "加分", "veto": "一票否决",
}


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


def _breakdown(group: dict):
    """The rows of one group's 明细 sheet: every scored item with its source, then the unit's total."""
    for row in group["units"]:
        c = cells(row)
        for item in row["items"]:
            yield [c["rank"], row["unit"], CATEGORY_LABELS.get(item["category"], item["category"]), item["label"],
                   float(item["points"]), _source_text(item["source"])]
        yield [c["rank"], row["unit"], "合计", f"满分 {c['full']}，得分率 {c['rate']}", float(row["total"]), ""]


def results_xlsx(data: dict, title: str = "") -> bytes:
    """汇总 (the assessment sheet's table, all groups), one 明细 sheet per group, and 说明."""
    used = {"汇总"}
    details = [Sheet(sheet_title(f"{group['name']}明细", used), ["名次", "单位", "类别", "项目", "分值", "数据来源"],
                     _breakdown(group), widths=[8, 22, 10, 36, 10, 80]) for group in data.get("groups", [])]
    summary = sheet(summary_table(data), "汇总")
    summary.widths = [14, 8, 22, 10, 10, 10, 10, 10, 10, 10, 10]
    info = Sheet("说明", ["项目", "内容"], [
        ["考核方案", title or data.get("scheme", "")],
        ["数据截止", data.get("as_of", "")],
        ["说明", "每一分均注明来源：指标（指标ID、完成值、目标值、灯色）、任务报告ID、督办单ID、加分ID。"],
        ["满分与得分率", "满分为本单位适用的指标权重与任务权重之和；得分率＝得分÷满分。"
         "本单位不承担的指标或任务记为“不适用”，不计0分。"],
    ], widths=[14, 100])
    return workbook_bytes(summary, *details, info)


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


COMMENDATION_COLUMNS = {
    "hnte_new": (["企业", "所属镇办", "认定日期", "推荐理由"], ["enterprise", "town", "date", "reason"]),
    "platforms_new": (["企业", "平台", "所属镇办", "备案日期", "推荐理由"],
                      ["enterprise", "platform", "town", "date", "reason"]),
    "talent_building": (["企业", "所属镇办", "引进人才（团队）数", "推荐理由"],
                        ["enterprise", "town", "count", "reason"]),
    "top_units": (["分组", "单位", "名次", "总分", "推荐理由"], ["group", "unit", "rank", "total", "reason"]),
}


def commendation_xlsx(lists: dict, labels: dict) -> bytes:
    """One sheet per candidate list, with an empty 选定 column for the office to tick."""
    return workbook_bytes(*[
        Sheet(labels.get(key, key), ["选定", *headers],
              [["", *[row.get(f) for f in fields]] for row in lists.get(key, [])], widths=[6, 30, 24, 14, 14, 30])
        for key, (headers, fields) in COMMENDATION_COLUMNS.items()])
