"""The cultivation lists as plain tables (headers + rows of plain values): the page, the Excel export
and the API all read the same rows, so they cannot disagree."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.urls import reverse

from . import services
from .choices import Stage
from .engine.base import Status, pct
from .models import CultivationEntry


@dataclass
class Table:
    key: str
    title: str
    year: int
    year_label: str
    headers: list[str]
    rows: list[list] = field(default_factory=list)
    links: list[str | None] = field(default_factory=list)  # per row: the enterprise evaluation page
    enterprise_ids: list[int] = field(default_factory=list)  # per row (lists of enterprises)
    note: str = ""


def _eval_url(enterprise, year) -> str:
    return reverse("policy:evaluate", kwargs={"pk": enterprise.pk}) + f"?year={year}"


def _town(ent) -> str:
    return ent.town.name if ent.town_id else ""


def rerecognition(user, year: int) -> Table:
    t = Table("rerecognition", "高新技术企业重新认定名单", year, "计划年度",
              ["企业名称", "所在镇办", "证书编号", "发证日期", "有效期至", "是否已重新取得证书"],
              note=f"由证书库生成：{year - 3}年发证、{year}年到期的高新技术企业（国科发火〔2016〕32号 第九条）")
    for c in services.rerecognition_list(user, year):
        t.rows.append([c.enterprise.name, _town(c.enterprise), c.number, c.issued_on, c.expires_on,
                       "是" if c.renewed else "否"])
        t.links.append(_eval_url(c.enterprise, year - 1))
    return t


def sme_renewal(user, year: int) -> Table:
    t = Table("sme_renewal", "科技型中小企业年度续评名单", year, "评价年度",
              ["企业名称", "所在镇办", f"{year - 1}年登记编号", f"{year}年是否已入库"],
              note="入库登记编号当年有效，上年入库企业须在本年度重新评价（国科发政〔2017〕115号）")
    for row in services.tech_sme_renewal_list(user, year):
        t.rows.append([row.enterprise.name, _town(row.enterprise), row.values["previous"].number,
                       "是" if row.values["renewed"] else "否"])
        t.links.append(_eval_url(row.enterprise, year - 1))
    return t


def candidates(user, year: int) -> Table:
    t = Table("candidates", "高新技术企业培育候选（按差距排序）", year, "数据年度",
              ["序号", "企业名称", "所在镇办", "不符合条件数", "不符合的条件及差距", "创新能力估算分", "数据不足项"],
              note="按可计算条件的差距排序；知识产权、技术领域、安全环保事故须人工核实")
    for i, row in enumerate(services.hnte_candidates(user, year), 1):
        ev = row.evaluation
        gaps = "；".join(_gap_text(c) for c in ev.failing)
        unknown = "、".join(c.title for c in ev.checks if c.status == Status.UNKNOWN)
        t.rows.append([i, row.enterprise.name, _town(row.enterprise), len(ev.failing), gaps or "无", ev.score,
                       unknown])
        t.links.append(_eval_url(row.enterprise, year))
        t.enterprise_ids.append(row.enterprise.pk)
    return t


def _gap_text(check) -> str:
    if check.unit == "ratio":
        return f"{check.title}：{pct(check.actual)}，要求{pct(check.required)}，差{pct(check.gap)}"
    if check.unit == "score":
        return f"{check.title}：{check.actual}分，须达{check.required}分"
    if check.unit == "days":
        return f"{check.title}：满一年尚差{check.gap}天"
    return f"{check.title}：{check.actual}，要求{check.required}"


def deduction(user, year: int) -> Table:
    t = Table("deduction", "研发费用加计扣除应减尽减名单", year, "纳税年度",
              ["企业名称", "所在镇办", "研发费用（元）", "适用类别", "加计扣除比例", "预计加计扣除额（元）",
               "适用税率", "预计减免税额（元）", "说明"],
              note="有研发费用但未享受加计扣除的企业；估算口径：费用化研发支出×加计比例×企业所得税税率")
    for row in services.deduction_list(user, year):
        v = row.values
        t.rows.append([row.enterprise.name, _town(row.enterprise), v["rd_expense"], v["category_label"],
                       pct(v["rate"]), v["extra_deduction"], pct(v["cit_rate"]), v["tax_saved"], v["note"]])
        t.links.append(_eval_url(row.enterprise, year))
    return t


def growth(user, year: int) -> Table:
    classes = services.growth_classes()
    basis = "；".join(f"{c['label']}：{c['basis']}" + ("" if c.get("enabled") else "（未启用）") for c in classes)
    t = Table("growth", "瞪羚/独角兽企业", year, "数据年度",
              ["企业名称", "所在镇办", "按标准测算", "依据", "已登记称号"], note=basis)
    for row in services.growth_list(user, year):
        t.rows.append([row.enterprise.name, _town(row.enterprise),
                       "、".join(c["label"] for c in row.values["classes"]) or "—",
                       "；".join(c["reasons"] for c in row.values["classes"]),
                       "、".join(row.values["labels"]) or "—"])
        t.links.append(_eval_url(row.enterprise, year))
    return t


def board(user, year: int) -> Table:
    from kechuang.core.scoping import restrict

    t = Table("board", "高新技术企业培育库", year, "年度", ["企业名称", "所在镇办", "阶段", "备注", "更新时间"])
    qs = restrict(CultivationEntry.objects.filter(year=year), user).select_related("enterprise", "enterprise__town")
    order = {s: i for i, s in enumerate(Stage.values)}
    for e in sorted(qs, key=lambda e: (order[e.stage], e.enterprise.name)):
        t.rows.append([e.enterprise.name, _town(e.enterprise), e.get_stage_display(), e.note,
                       e.last_updated.strftime("%Y-%m-%d %H:%M")])
        t.links.append(reverse("policy:entry_detail", kwargs={"pk": e.pk}))
    return t


TABLES = {"rerecognition": rerecognition, "sme_renewal": sme_renewal, "candidates": candidates,
          "deduction": deduction, "growth": growth, "board": board}
