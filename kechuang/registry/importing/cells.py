"""Columns of a registry's workbook and the Chinese cell parsers.

The column spec of a registry is derived from its ``RegistryConfig`` (config.py): one column per
editable field, Chinese header = the field's verbose name, type from the field class, dropdown
choices from the field's choices, foreign keys by natural key (enterprises by USCC or exact
name, units by name). Talents' ID/phone are virtual columns encrypted on save.

``convert`` turns one cell into the value stored (or raises ``ValueError``/``CheckError`` with the
Chinese reason); the import's widgets (resource.py) call it.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django.db import models
from openpyxl.utils.datetime import from_excel

from ..config import RegistryConfig
from ..models import Enterprise
from ..plausibility import is_excel_error
from ..validators import CheckError, check_id_number, check_phone, check_uscc

FULLWIDTH = {c: c - 0xFEE0 for c in range(0xFF01, 0xFF5F)}
FULLWIDTH[0x3000] = 0x20

FORMULA_MESSAGE = "不允许公式（文件中没有公式的计算结果），请复制后“选择性粘贴为数值”"
EXCEL_ERROR_MESSAGE = "单元格是 Excel 错误值，请修正后填写实际值"


@dataclass
class Column:
    name: str  # field name or virtual (id_number, phone)
    header: str
    kind: str  # text, int, year, decimal, money, date, bool, choice, uscc, id_number, phone, fk
    required: bool = False
    choices: list[tuple[str, str]] = field(default_factory=list)  # (stored value, label)
    model_field: models.Field | None = None
    target: type[models.Model] | None = None
    help: str = ""
    max_length: int | None = None


VIRTUAL = {
    "id_number": Column("id_number", "身份证号码", "id_number", required=True, help="18位，校验位按 GB 11643 检验"),
    "phone": Column("phone", "联系电话", "phone", help="手机号11位或带区号的固定电话"),
}


def columns_for(cfg: RegistryConfig) -> list[Column]:
    cols: list[Column] = []
    for f in cfg.editable_fields():
        cols.append(_column_for_field(cfg, f))
        if f.name == "name":
            cols.extend(VIRTUAL[v] for v in cfg.virtual)
    return cols


def _column_for_field(cfg: RegistryConfig, f: models.Field) -> Column:
    header = str(f.verbose_name)
    required = not (f.blank or f.null or f.has_default()) or f.name in cfg.natural_key
    if isinstance(f, models.BooleanField):
        required = False
    col = Column(f.name, header, "text", required=required, model_field=f, max_length=getattr(f, "max_length", None))
    if f.name == "uscc":
        col.kind, col.help = "uscc", "18位；校验位不符的早期代码可导入，但会标记待核实"
    elif isinstance(f, models.ForeignKey):
        col.kind, col.target = "fk", f.related_model
        if f.related_model is Enterprise:
            col.header = f"{header}（统一社会信用代码）"
            col.help = "填写已在企业库中的企业的统一社会信用代码（或完整企业名称）"
        elif f.related_model._meta.label == "org.Unit":
            col.help = "填写镇、街道或开发区名称"
        else:
            col.help = f"填写已有{f.related_model._meta.verbose_name}的名称"
    elif f.choices:
        col.kind = "choice"
        col.choices = [(str(v), str(label)) for v, label in f.choices]
        col.help = "从下拉列表选择：" + "、".join(label for _, label in col.choices)
    elif isinstance(f, models.BooleanField):
        col.kind, col.help = "bool", "填“是”或“否”"
    elif isinstance(f, models.DecimalField):
        col.kind, col.help = "money", "单位：元；可写“2.4亿元”“1,200万元”"
    elif isinstance(f, models.DateField):
        col.kind, col.help = "date", "如 2022-03-05、2022/3/5、2022年3月5日"
    elif isinstance(f, models.IntegerField):
        col.kind = "year" if f.name == "year" else "int"
        col.help = "四位年份，如 2022" if f.name == "year" else "整数"
    return col


def header_of(columns: list[Column], name: str) -> str:
    return next((c.header for c in columns if c.name == name), name)


# ------------------------------------------------------------------------------ parsing values


def text(value) -> str:
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    value = str(value)
    return value.strip() if value.isascii() else value.translate(FULLWIDTH).strip()


def is_blank(value) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


_UNITS = (
    ("亿元", Decimal(100_000_000)),
    ("万元", Decimal(10_000)),
    ("千元", Decimal(1000)),
    ("亿", Decimal(100_000_000)),
    ("万", Decimal(10_000)),
    ("千", Decimal(1000)),
    ("元", Decimal(1)),
)
_NUM_RE = re.compile(r"^[-+]?\d+(\.\d+)?$")
_GROUPED_RE = re.compile(r"^[-+]?\d{1,3}(,\d{3})+(\.\d+)?$")


def parse_number(value, *, integer: bool = False) -> Decimal:
    if isinstance(value, bool):
        raise ValueError("应为数字")
    if isinstance(value, int):
        return Decimal(value)
    if isinstance(value, float):
        number = Decimal(repr(value))
    else:
        cell = text(value).replace("，", ",").replace(" ", "")
        factor = Decimal(1)
        for suffix, mult in _UNITS:
            if cell.endswith(suffix):
                cell, factor = cell[: -len(suffix)], mult
                break
        if integer:
            cell = re.sub(r"(人|家|个|件|项|年)$", "", cell)
        if "," in cell:
            # Thousands separators are read only where they group by three (1,234,567.5);
            # anything else (1,23 or 12,34,567) is refused rather than guessed.
            if not _GROUPED_RE.match(cell):
                raise ValueError("千位分隔符位置不对（应每三位一个逗号，如 1,234,567.5），请核对")
            cell = cell.replace(",", "")
        if not _NUM_RE.match(cell):
            raise ValueError("不是有效的数字")
        number = Decimal(cell) * factor
    if integer and number != number.to_integral_value():
        raise ValueError("应为整数")
    return number


_DATE_RE = re.compile(r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?(\s+\d{1,2}:\d{2}(:\d{2})?)?$")


def _date(year: int, month: int, day: int) -> dt.date:
    """dt.date with the reason in Chinese: Python's own ("day is out of range for month") must not reach a user."""
    if not 1 <= month <= 12:
        raise ValueError(f"月份“{month}”不存在（应为 1–12）")
    try:
        return dt.date(year, month, day)
    except ValueError:
        raise ValueError(f"日期不存在：{year}年{month}月没有{day}日") from None


def parse_date(value) -> dt.date:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        number = value
    else:
        cell = text(value)
        match = _DATE_RE.match(cell)
        if match:
            return _date(int(match[1]), int(match[2]), int(match[3]))
        if re.fullmatch(r"\d{8}", cell):
            return _date(int(cell[:4]), int(cell[4:6]), int(cell[6:]))
        if re.fullmatch(r"\d{1,6}(\.\d+)?", cell):
            number = float(cell)
        else:
            raise ValueError("无法识别的日期格式（请写成 2022-03-05、2022/3/5 或 2022年3月5日）")
    if 19000101 <= number <= 21001231 and float(number).is_integer():
        digits = str(int(number))
        return _date(int(digits[:4]), int(digits[4:6]), int(digits[6:]))
    if 1 <= number < 2958466:
        return from_excel(number).date()
    raise ValueError("无法识别的日期")


_TRUE = {"是", "y", "yes", "true", "1", "√", "有", "✓", "对"}
_FALSE = {"否", "n", "no", "false", "0", "×", "无", "x", "不是"}


def parse_bool(value) -> bool:
    if isinstance(value, bool):
        return value
    cell = text(value).lower()
    if cell in _TRUE:
        return True
    if cell in _FALSE:
        return False
    raise ValueError("应填“是”或“否”")


_SUSPECT = frozenset("=#'")  # or whitespace: what a formula, an error value or an escaped text starts with


def refuse_formula_or_error(value):
    """A formula without its result or an Excel error value is refused in any column; our own exports escape
    formula-like text with a leading apostrophe, which is dropped here."""
    if not isinstance(value, str) or not value or (value[0] not in _SUSPECT and not value[0].isspace()):
        return value
    stripped = value.strip()
    if stripped.startswith("="):
        raise ValueError(FORMULA_MESSAGE)
    if is_excel_error(stripped):
        raise ValueError(EXCEL_ERROR_MESSAGE)
    if stripped[:2] in ("'=", "'+", "'-", "'@"):
        return stripped[1:]
    return value


def _masked_refused(value, what: str) -> str:
    cell = text(value)
    if "*" in cell:
        raise CheckError(f"{what}是脱敏后的号码，不能导入")
    return cell


def _text_cell(col: Column, value) -> str:
    cell = text(value)
    if col.max_length and len(cell) > col.max_length:
        raise ValueError(f"长度超过 {col.max_length} 个字符")
    return cell


def _int_cell(col: Column, value) -> int:
    number = int(parse_number(value, integer=True))
    if number < 0 and isinstance(col.model_field, models.PositiveIntegerField):
        raise ValueError(f"{col.header}不能为负数")
    return number


def _year_cell(col: Column, value) -> int:
    year = int(parse_number(value, integer=True))
    if not 1949 <= year <= 2100:
        raise ValueError("年份不合理")
    return year


def _money_cell(col: Column, value) -> Decimal:
    number = parse_number(value).quantize(Decimal("0.01"))
    if abs(number) >= Decimal("1e14"):
        raise ValueError("金额过大")
    return number


def _date_cell(col: Column, value) -> dt.date:
    day = parse_date(value)
    if not dt.date(1900, 1, 1) <= day <= dt.date(2100, 12, 31):
        raise ValueError("日期不合理")
    return day


def _choice_cell(col: Column, value) -> str:
    cell = text(value)
    for stored, label in col.choices:
        if cell in (stored, label):
            return stored
    raise ValueError("不在可选值范围内（可选：" + "、".join(label for _, label in col.choices) + "）")


CONVERTERS = {
    "text": _text_cell,
    "fk": _text_cell,
    "uscc": lambda col, value: check_uscc(value),  # (code, warning)
    "id_number": lambda col, value: check_id_number(_masked_refused(value, "身份证号码")),
    "phone": lambda col, value: check_phone(_masked_refused(value, "电话号码")),
    "int": _int_cell,
    "year": _year_cell,
    "money": _money_cell,
    "date": _date_cell,
    "bool": lambda col, value: parse_bool(value),
    "choice": _choice_cell,
}


def convert(col: Column, value):
    """One non-blank cell → the value stored (a USCC gives (code, warning)); ``ValueError``/``CheckError`` with the
    Chinese reason otherwise."""
    return CONVERTERS[col.kind](col, value)


def cell_parser(col: Column):
    """The column's whole cell rule as one function (built once per column, called once per cell): a formula or
    an Excel error refused, a blank cell None (or "必填项为空"), else ``convert``; ``ValueError`` with the reason."""
    converter, required = CONVERTERS[col.kind], col.required

    def parse(value):
        if isinstance(value, str):
            if value and (value[0] in _SUSPECT or value[0].isspace()):
                value = refuse_formula_or_error(value)
            if not value.strip():
                value = None
        if value is None:
            if required:
                raise ValueError("必填项为空")
            return None
        try:
            return converter(col, value)
        except InvalidOperation:
            raise ValueError("数值过大或无效") from None

    return parse
