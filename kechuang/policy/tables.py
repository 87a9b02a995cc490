"""The cultivation lists as declarations: one django-filter ``FilterSet`` (town and enterprise name, over the
user's enterprises) and one django-tables2 ``Table`` per list. The page renders the table, the Excel export
and the API read its export values (``Table.as_values``), so the three cannot disagree.

Each list is computed by ``services`` for a year (the rows are evaluations, not one model's rows), then narrowed
by the filter set; row scope is ``restrict()`` inside the services.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import django_filters
import django_tables2 as tables
from django import forms
from django.db.models import Q
from django.template.backends.utils import csrf_input
from django.urls import reverse
from django.utils.html import format_html

from kechuang.core.scoping import restrict
from kechuang.core.tables import TEMPLATE
from kechuang.org.models import Unit
from kechuang.registry.filtersets import jurisdiction_units
from kechuang.registry.models import Enterprise

from . import services
from .choices import Stage
from .engine.base import Status, pct
from .models import CultivationEntry


class ListFilterSet(django_filters.FilterSet):
    """``?town=<unit id>`` and ``?q=<name or pinyin initials>`` over the user's enterprises (the year is the
    list's parameter, not a filter)."""

    town = django_filters.ModelChoiceFilter(
        label="所在镇办", queryset=Unit.objects.none(), empty_label="所在镇办：全部",
        widget=forms.Select(attrs={"class": "form-select form-select-sm", "aria-label": "所在镇办"}))
    q = django_filters.CharFilter(method="search", label="企业名称", widget=forms.TextInput(attrs={
        "class": "form-control form-control-sm", "placeholder": "企业名称或拼音首字母", "aria-label": "企业名称"}))

    class Meta:
        model = Enterprise
        fields: list[str] = []

    def __init__(self, data=None, *, user, **kwargs):
        super().__init__(data, restrict(Enterprise.objects.all(), user), **kwargs)
        self.filters["town"].queryset = jurisdiction_units(user)

    def search(self, queryset, name, value):
        value = value.strip()
        return queryset.filter(Q(name__icontains=value) | Q(initials__contains=value.lower())) if value else queryset

    def narrows(self) -> bool:
        self.is_valid()
        return any(v not in (None, "") for v in self.form.cleaned_data.values())


class NameColumn(tables.Column):
    """The enterprise name, linked to its evaluation (or entry) page on screen, plain in exports."""

    def render(self, value, record):
        return format_html('<a href="{}">{}</a>', record["link"], value) if record.get("link") else value

    def value(self, value):
        return value


class ListTable(tables.Table):
    class Meta:
        template_name = TEMPLATE
        orderable = False
        default = "—"
        empty_text = "暂无数据"


class RerecognitionTable(ListTable):
    name = NameColumn(verbose_name="企业名称")
    town = tables.Column(verbose_name="所在镇办")
    number = tables.Column(verbose_name="证书编号")
    issued_on = tables.Column(verbose_name="发证日期")
    expires_on = tables.Column(verbose_name="有效期至")
    renewed = tables.Column(verbose_name="是否已重新取得证书")


class SmeRenewalTable(ListTable):
    name = NameColumn(verbose_name="企业名称")
    town = tables.Column(verbose_name="所在镇办")
    previous = tables.Column(verbose_name="上年登记编号")
    renewed = tables.Column(verbose_name="本年是否已入库")

    def __init__(self, data, year: int, **kwargs):
        super().__init__(data, **kwargs)
        self.columns["previous"].column.verbose_name = f"{year - 1}年登记编号"
        self.columns["renewed"].column.verbose_name = f"{year}年是否已入库"


class CandidatesTable(ListTable):
    rank = tables.Column(verbose_name="序号")
    name = NameColumn(verbose_name="企业名称")
    town = tables.Column(verbose_name="所在镇办")
    failing = tables.Column(verbose_name="不符合条件数")
    gaps = tables.Column(verbose_name="不符合的条件及差距")
    score = tables.Column(verbose_name="创新能力估算分")
    unknown = tables.Column(verbose_name="数据不足项")
    add = tables.Column(verbose_name="", exclude_from_export=True, empty_values=())

    def __init__(self, data, *, can_add=frozenset(), year: int = 0, http_request=None, **kwargs):
        # Not django-tables2's ``request=`` (that would paginate the ranked list by 25).
        super().__init__(data, **kwargs)
        self.can_add, self.pool_year, self.http_request = can_add, year + 1, http_request

    def render_add(self, record):
        """The button that puts a candidate in next year's pool, for the enterprises the user may change."""
        if record["enterprise_id"] not in self.can_add:
            return ""
        return format_html(
            '<form method="post" action="{}">{}<input type="hidden" name="year" value="{}">'
            '<button class="btn btn-sm btn-outline-primary text-nowrap">纳入培育库</button></form>',
            reverse("policy:entry_add", kwargs={"pk": record["enterprise_id"]}), csrf_input(self.http_request),
            self.pool_year)


class DeductionTable(ListTable):
    name = NameColumn(verbose_name="企业名称")
    town = tables.Column(verbose_name="所在镇办")
    rd_expense = tables.Column(verbose_name="研发费用（元）")
    category = tables.Column(verbose_name="适用类别")
    rate = tables.Column(verbose_name="加计扣除比例")
    extra_deduction = tables.Column(verbose_name="预计加计扣除额（元）")
    cit_rate = tables.Column(verbose_name="适用税率")
    tax_saved = tables.Column(verbose_name="预计减免税额（元）")
    note = tables.Column(verbose_name="说明")


class GrowthTable(ListTable):
    name = NameColumn(verbose_name="企业名称")
    town = tables.Column(verbose_name="所在镇办")
    classes = tables.Column(verbose_name="按标准测算")
    reasons = tables.Column(verbose_name="依据")
    labels = tables.Column(verbose_name="已登记称号")


class BoardTable(ListTable):
    name = NameColumn(verbose_name="企业名称")
    town = tables.Column(verbose_name="所在镇办")
    stage = tables.Column(verbose_name="阶段")
    note = tables.Column(verbose_name="备注")
    updated = tables.Column(verbose_name="更新时间")


@dataclass
class PolicyList:
    """One computed list: its rows (dicts keyed by the table's columns) and what the page says about it."""

    key: str
    title: str
    year: int
    year_label: str
    table_class: type[ListTable]
    rows: list[dict] = field(default_factory=list)
    note: str = ""

    @property
    def enterprise_ids(self) -> list[int]:
        return [row["enterprise_id"] for row in self.rows]

    def narrow(self, filterset: ListFilterSet) -> PolicyList:
        """Keep the rows of the enterprises the filter set selects (nothing to do when no filter is given)."""
        if filterset.narrows():
            keep = set(filterset.qs.values_list("pk", flat=True))
            self.rows = [row for row in self.rows if row["enterprise_id"] in keep]
        return self

    def table(self, **kwargs) -> ListTable:
        if self.table_class in (SmeRenewalTable, CandidatesTable):
            kwargs["year"] = self.year
        return self.table_class(self.rows, **kwargs)


def _eval_url(enterprise, year) -> str:
    return reverse("policy:evaluate", kwargs={"pk": enterprise.pk}) + f"?year={year}"


def _row(enterprise, link: str, **values) -> dict:
    town = enterprise.town.name if enterprise.town_id else ""
    return {"enterprise_id": enterprise.pk, "name": enterprise.name, "town": town, "link": link, **values}


def _yes_no(value: bool) -> str:
    return "是" if value else "否"


def rerecognition(user, year: int) -> PolicyList:
    out = PolicyList("rerecognition", "高新技术企业重新认定名单", year, "计划年度", RerecognitionTable,
                     note=f"由证书库生成：{year - 3}年发证、{year}年到期的高新技术企业（国科发火〔2016〕32号 第九条）")
    for c in services.rerecognition_list(user, year):
        out.rows.append(_row(c.enterprise, _eval_url(c.enterprise, year - 1), number=c.number, issued_on=c.issued_on,
                             expires_on=c.expires_on, renewed=_yes_no(c.renewed)))
    return out


def sme_renewal(user, year: int) -> PolicyList:
    out = PolicyList("sme_renewal", "科技型中小企业年度续评名单", year, "评价年度", SmeRenewalTable,
                     note="入库登记编号当年有效，上年入库企业须在本年度重新评价（国科发政〔2017〕115号）")
    for row in services.tech_sme_renewal_list(user, year):
        out.rows.append(_row(row.enterprise, _eval_url(row.enterprise, year - 1),
                             previous=row.values["previous"].number, renewed=_yes_no(row.values["renewed"])))
    return out


def candidates(user, year: int) -> PolicyList:
    out = PolicyList("candidates", "高新技术企业培育候选（按差距排序）", year, "数据年度", CandidatesTable,
                     note="按可计算条件的差距排序；知识产权、技术领域、安全环保事故须人工核实")
    for i, row in enumerate(services.hnte_candidates(user, year), 1):
        ev = row.evaluation
        gaps = "；".join(_gap_text(c) for c in ev.failing)
        unknown = "、".join(c.title for c in ev.checks if c.status == Status.UNKNOWN)
        out.rows.append(_row(row.enterprise, _eval_url(row.enterprise, year), rank=i, failing=len(ev.failing),
                             gaps=gaps or "无", score=ev.score, unknown=unknown))
    return out


def _gap_text(check) -> str:
    if check.unit == "ratio":
        return f"{check.title}：{pct(check.actual)}，要求{pct(check.required)}，差{pct(check.gap)}"
    if check.unit == "score":
        return f"{check.title}：{check.actual}分，须达{check.required}分"
    if check.unit == "days":
        return f"{check.title}：满一年尚差{check.gap}天"
    return f"{check.title}：{check.actual}，要求{check.required}"


def deduction(user, year: int) -> PolicyList:
    out = PolicyList("deduction", "研发费用加计扣除应减尽减名单", year, "纳税年度", DeductionTable,
                     note="有研发费用但未享受加计扣除的企业；估算口径：费用化研发支出×加计比例×企业所得税税率")
    for row in services.deduction_list(user, year):
        v = row.values
        out.rows.append(_row(row.enterprise, _eval_url(row.enterprise, year), rd_expense=v["rd_expense"],
                             category=v["category_label"], rate=pct(v["rate"]), extra_deduction=v["extra_deduction"],
                             cit_rate=pct(v["cit_rate"]), tax_saved=v["tax_saved"], note=v["note"]))
    return out


def growth(user, year: int) -> PolicyList:
    classes = services.growth_classes()
    basis = "；".join(f"{c['label']}：{c['basis']}" + ("" if c.get("enabled") else "（未启用）") for c in classes)
    out = PolicyList("growth", "瞪羚/独角兽企业", year, "数据年度", GrowthTable, note=basis)
    for row in services.growth_list(user, year):
        out.rows.append(_row(row.enterprise, _eval_url(row.enterprise, year),
                             classes="、".join(c["label"] for c in row.values["classes"]) or "—",
                             reasons="；".join(c["reasons"] for c in row.values["classes"]),
                             labels="、".join(row.values["labels"]) or "—"))
    return out


def board(user, year: int) -> PolicyList:
    out = PolicyList("board", "高新技术企业培育库", year, "年度", BoardTable)
    qs = restrict(CultivationEntry.objects.filter(year=year), user).select_related("enterprise", "enterprise__town")
    order = {s: i for i, s in enumerate(Stage.values)}
    for e in sorted(qs, key=lambda e: (order[e.stage], e.enterprise.name)):
        out.rows.append(_row(e.enterprise, reverse("policy:entry_detail", kwargs={"pk": e.pk}),
                             stage=e.get_stage_display(), note=e.note,
                             updated=e.last_updated.strftime("%Y-%m-%d %H:%M")))
    return out


TABLES = {"rerecognition": rerecognition, "sme_renewal": sme_renewal, "candidates": candidates,
          "deduction": deduction, "growth": growth, "board": board}
