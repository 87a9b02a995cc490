"""The registry's Excel template (dropdowns, instructions, a hidden ``__meta`` sheet naming the registry) and its
export in the same layout, so that an export re-imports unchanged. Written with openpyxl (data validation and
styles; the reading side uses python-calamine)."""

from __future__ import annotations

import io
from decimal import Decimal

import openpyxl
from openpyxl.styles import Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from kechuang.org.models import Unit

from ..config import RegistryConfig
from ..models import JURISDICTION_KINDS, Enterprise
from .cells import Column, columns_for, header_of
from .reading import MAX_ROWS

TEMPLATE_VERSION = "1"


def _safe(value):
    """Escape text that a spreadsheet would run as a formula."""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return value


def build_template(cfg: RegistryConfig) -> bytes:
    columns = columns_for(cfg)
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = cfg.title
    options = wb.create_sheet("选项")
    guide = wb.create_sheet("说明", 0)
    meta = wb.create_sheet("__meta")
    bold = Font(bold=True)
    required_font = Font(bold=True, color="C00000")
    fill = PatternFill("solid", fgColor="DDEBF7")
    opt_col = 0
    for idx, col in enumerate(columns, start=1):
        cell = ws.cell(row=1, column=idx, value=col.header)
        cell.font = required_font if col.required else bold
        cell.fill = fill
        letter = get_column_letter(idx)
        ws.column_dimensions[letter].width = max(12, len(col.header) * 2 + 4)
        choices = [label for _, label in col.choices]
        if col.kind == "bool":
            choices = ["是", "否"]
        if col.kind == "fk" and col.target is not None and col.target._meta.label == "org.Unit":
            choices = list(
                Unit.objects.filter(kind__in=JURISDICTION_KINDS, is_active=True).values_list("name", flat=True)
            )
        if choices:
            opt_col += 1
            opt_letter = get_column_letter(opt_col)
            options.cell(row=1, column=opt_col, value=col.header)
            for r, label in enumerate(choices, start=2):
                options.cell(row=r, column=opt_col, value=label)
            dv = DataValidation(
                type="list",
                formula1=f"=选项!${opt_letter}$2:${opt_letter}${len(choices) + 1}",
                allow_blank=not col.required,
                showErrorMessage=True,
                errorTitle="输入有误",
                error="请从下拉列表中选择",
            )
            ws.add_data_validation(dv)
            dv.add(f"{letter}2:{letter}{MAX_ROWS + 1}")
    ws.freeze_panes = "A2"
    options.sheet_state = "hidden"
    guide.append([f"{cfg.title}导入模板（版本 {TEMPLATE_VERSION}）"])
    guide["A1"].font = Font(bold=True, size=14)
    guide.append(["1. 在“" + cfg.title + "”工作表第2行起逐行填写，不要修改表头，不要合并单元格，不要使用公式。"])
    guide.append(
        ["2. 红色表头为必填项。日期可写 2022-03-05、2022/3/5 或 2022年3月5日；金额单位为元，可写“2.4亿元”“1,200万元”。"]
    )
    keys = "、".join(header_of(columns, n) for n in cfg.natural_key)
    guide.append([f"3. 以“{keys}”识别记录：已存在的记录将被更新，不会重复新增。"])
    guide.append([f"4. 每个文件最多 {MAX_ROWS:,} 行数据。导入前先预览，全部无误后才会写入。"])
    guide.append([])
    guide.append(["列名", "是否必填", "填写说明"])
    for c in guide[guide.max_row]:
        c.font = bold
    for col in columns:
        guide.append([col.header, "必填" if col.required else "选填", col.help])
    guide.column_dimensions["A"].width = 28
    guide.column_dimensions["C"].width = 80
    meta.append(["registry", cfg.key])
    meta.append(["version", TEMPLATE_VERSION])
    meta.append(["title", cfg.title])
    meta.sheet_state = "hidden"
    wb.active = 1
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def export_rows(cfg: RegistryConfig, queryset, *, unmask: bool = False) -> bytes:
    """Write ``queryset`` (already scoped by the caller) in the template's layout (re-importable)."""
    columns = columns_for(cfg)
    wb = openpyxl.Workbook(write_only=True)
    ws = wb.create_sheet(cfg.title)
    ws.append([c.header for c in columns])
    related = [c.name for c in columns if c.kind == "fk"]
    for obj in queryset.select_related(*related).iterator(chunk_size=2000):
        ws.append([_safe(_export_value(obj, c, unmask)) for c in columns])
    meta = wb.create_sheet("__meta")
    meta.append(["registry", cfg.key])
    meta.append(["version", TEMPLATE_VERSION])
    meta.append(["title", cfg.title])
    meta.sheet_state = "hidden"
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def _export_value(obj, col: Column, unmask: bool):
    if col.kind == "id_number":
        return obj.id_number if unmask else obj.id_number_masked
    if col.kind == "phone":
        return obj.phone if unmask else obj.phone_masked
    value = getattr(obj, col.name)
    if value is None:
        return None
    if col.kind == "fk":
        if isinstance(value, Enterprise):
            return value.uscc
        return str(value)
    if col.kind == "bool":
        return "是" if value else "否"
    if col.kind == "choice":
        return dict(col.choices).get(str(value), str(value))
    if col.kind == "money":
        return float(value) if abs(value) < Decimal("1e15") else str(value)
    return value
