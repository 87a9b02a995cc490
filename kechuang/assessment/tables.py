"""The assessment sheet as a django-tables2 ``Table``: one declaration of the result columns, rendered per group on
the scheme page and written (all groups, with a 分组 column) as the 汇总 sheet of the Excel export."""

from __future__ import annotations

import django_tables2 as tables
from django.urls import reverse
from django.utils.html import format_html
from django.utils.safestring import mark_safe

from kechuang.core.tables import TEMPLATE

NOT_APPLICABLE = "不适用"
VETO_BADGE = mark_safe('<span class="badge text-bg-danger">一票否决</span>')


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


def _muted_when_not_applicable(value) -> str:
    return "text-muted" if value == NOT_APPLICABLE else ""


def _number(value):
    """A number for an Excel cell; words ("不适用", "—") stay words."""
    try:
        return float(value)
    except (TypeError, ValueError):
        return value


class ScoreColumn(tables.Column):
    """A score: text on the page, a number in Excel (words such as 不适用 stay words)."""

    def __init__(self, verbose_name, **kwargs):
        kwargs.setdefault("attrs", {"td": {"class": _muted_when_not_applicable}})
        super().__init__(verbose_name=verbose_name, empty_values=(), **kwargs)

    def value(self, value):
        return _number(value)


class ResultTable(tables.Table):
    """One row per unit (the dicts of ``cells``, plus the group name)."""

    group = tables.Column(verbose_name="分组")
    rank = tables.Column(verbose_name="名次", empty_values=())
    unit = tables.Column(verbose_name="单位")
    full = ScoreColumn("满分", attrs={})
    total = ScoreColumn("得分", attrs={})
    rate = tables.Column(verbose_name="得分率", empty_values=())
    indicator = ScoreColumn("指标得分")
    task = ScoreColumn("任务得分")
    deduction = ScoreColumn("扣分", attrs={})
    bonus = ScoreColumn("加分", attrs={})
    vetoed = tables.Column(verbose_name="一票否决", empty_values=())

    PAGE = ("rank", "unit", "full", "total", "rate", "indicator", "task", "deduction", "bonus", "vetoed")
    EXPORT = ("group", "rank", "unit", "total", "full", "rate", "indicator", "task", "deduction", "bonus", "vetoed")

    class Meta:
        template_name = TEMPLATE
        orderable = False
        empty_text = "暂无单位"
        row_attrs = {"data-testid": lambda record: f"result-{record['unit']}"}

    def __init__(self, data, *, scheme_id: int | None = None, export: bool = False, **kwargs):
        self.scheme_id = scheme_id
        sequence = self.EXPORT if export else self.PAGE
        exclude = () if export else ("group",)
        super().__init__(data, sequence=sequence, exclude=exclude, **kwargs)

    def render_unit(self, value, record):
        if self.scheme_id is None:
            return value
        url = reverse("assessment:unit_result", args=[self.scheme_id, record["unit_id"]])
        return format_html('<a href="{}">{}</a>', url, value)

    def value_unit(self, value):
        return value

    def render_total(self, value):
        return format_html("<strong>{}</strong>", value)

    def value_total(self, value):
        return _number(value)

    def render_vetoed(self, value):
        return VETO_BADGE if value else ""

    def value_vetoed(self, value):
        return "是" if value else ""


def rows_of(group: dict) -> list[dict]:
    return [{**cells(row), "group": group["name"]} for row in group["units"]]


def group_tables(data: dict, scheme_id: int) -> list[tuple[dict, ResultTable]]:
    """The scheme page: one table per group, in the scheme's order."""
    return [(group, ResultTable(rows_of(group), scheme_id=scheme_id,
                                attrs={"class": "table table-sm bg-white", "data-testid": f"group-{group['code']}"}))
            for group in data.get("groups", [])]


def summary_table(data: dict) -> ResultTable:
    """The 汇总 sheet: every group's units, group by group."""
    return ResultTable([row for group in data.get("groups", []) for row in rows_of(group)], export=True)
