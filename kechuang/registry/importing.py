"""Excel import/export for every registry.

The column spec of a registry is derived from its ``RegistryConfig`` (config.py): one column per
editable field, Chinese header = the field's verbose name, type from the field class, dropdown
choices from the field's choices, foreign keys by natural key (enterprises by USCC or exact
name, units by name). Talents' ID/phone are virtual columns encrypted on save.

Import = ``run_import``: the whole file is parsed and validated first (every error located by
sheet, row as Excel shows it, column letter and header, with the value and a Chinese reason);
only a file without errors is committed, in ONE transaction, with bulk_create/bulk_update (and
their simple_history counterparts), keyed by the natural key: re-importing updates, never
duplicates, and unchanged rows are counted as such.

Hostile files are refused before any XML is parsed: not a zip/xlsx; uncompressed size over
``MAX_UNCOMPRESSED`` or a suspicious compression ratio (zip bomb); any DOCTYPE/ENTITY in an XML
part (entity bomb; defusedxml is not installed). The data sheet is then streamed by
``xlsxreader`` (values only, one row in memory at a time — several times faster than openpyxl's
read-only mode, which is still used to write templates and exports) and reading stops at
``MAX_ROWS`` + 1 data rows. On SQLite, new rows and their "+" history rows are written with
``executemany`` (``fast_insert_with_history``); on PostgreSQL with simple_history's bulk helpers.
"""

from __future__ import annotations

import datetime as dt
import io
import logging
import re
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django.db import DatabaseError, connection, models, transaction
from openpyxl.utils import get_column_letter

from kechuang.core.scoping import CHANGE, VIEW, restrict
from kechuang.core.uploads import UploadRefused, check_ooxml
from kechuang.org.services import suggest_name

from .config import RegistryConfig, get_registry
from .conflicts import HIDDEN_MESSAGE, file_conflicts, hidden_ids
from .models import JURISDICTION_KINDS, Enterprise, decrypt_pii, encrypt_pii, pii_hash, pinyin_initials
from .plausibility import ERROR, build_context, is_excel_error, validate
from .signals import import_committed
from .validators import CheckError, check_id_number, check_phone, check_uscc

logger = logging.getLogger(__name__)

TEMPLATE_VERSION = "1"
MAX_ROWS = 50_000
MAX_UNCOMPRESSED = 200 * 1024 * 1024  # bytes, all members together
MAX_RATIO = 150  # compressed → uncompressed, per member larger than 1 MB
MAX_ERRORS = 500  # listed; the total is always counted
SPECIAL_SHEETS = ("说明", "选项", "__meta", "错误清单")  # 错误清单: added by the annotated error workbook
BATCH = 2000

FULLWIDTH = {c: c - 0xFEE0 for c in range(0xFF01, 0xFF5F)}
FULLWIDTH[0x3000] = 0x20


class ImportRefused(Exception):
    """The file as a whole cannot be read (not xlsx, hostile, too large)."""


@dataclass
class CellError:
    sheet: str
    row: int | None
    column: str  # letter
    header: str
    value: str
    reason: str

    def __str__(self) -> str:
        where = f"“{self.sheet}”工作表"
        if self.row:
            where += f" 第{self.row}行"
        if self.column:
            where += f" {self.column}列"
        if self.header:
            where += f"（{self.header}）"
        value = f"（值：{self.value}）" if self.value not in ("", None) else ""
        return f"{where}：{self.reason}{value}"

    def as_dict(self) -> dict:
        return {
            "sheet": self.sheet,
            "row": self.row,
            "column": self.column,
            "header": self.header,
            "value": self.value,
            "reason": self.reason,
            "text": str(self),
        }


@dataclass
class ImportResult:
    registry: str
    total_rows: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    committed: bool = False
    errors: list[CellError] = field(default_factory=list)
    error_count: int = 0
    warnings: list[str] = field(default_factory=list)
    preview: list[dict] = field(default_factory=list)
    sheet: str = ""  # the worksheet the rows were read from
    row_warnings: list[CellError] = field(default_factory=list)  # plausibility warnings, row by row
    row_warning_count: int = 0
    # Records outside the user's sight whose key a row used (filed for the office, never shown to the user).
    conflicts: list[int] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.error_count == 0

    def add_error(self, *args) -> None:
        self.error_count += 1
        if len(self.errors) < MAX_ERRORS:
            self.errors.append(CellError(*args))

    def add_row_warning(self, *args) -> None:
        self.row_warning_count += 1
        if len(self.row_warnings) < MAX_ERRORS:
            self.row_warnings.append(CellError(*args))

    def summary(self) -> dict:
        return {
            "sheet": self.sheet,
            "row_warning_count": self.row_warning_count,
            "total_rows": self.total_rows,
            "created": self.created,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "committed": self.committed,
            "error_count": self.error_count,
        }


# ------------------------------------------------------------------------------ columns


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


def columns_for(cfg: RegistryConfig) -> list[Column]:
    cols: list[Column] = []
    for f in cfg.editable_fields():
        cols.append(_column_for_field(cfg, f))
        if f.name == "name" and cfg.virtual:
            for v in cfg.virtual:
                if v == "id_number":
                    cols.append(
                        Column(
                            "id_number", "身份证号码", "id_number", required=True, help="18位，校验位按 GB 11643 检验"
                        )
                    )
                elif v == "phone":
                    cols.append(Column("phone", "联系电话", "phone", help="手机号11位或带区号的固定电话"))
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


# ------------------------------------------------------------------------------ parsing values


def _text(value) -> str:
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).translate(FULLWIDTH).strip()


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
        text = _text(value).replace("，", ",").replace(" ", "")
        factor = Decimal(1)
        for suffix, mult in _UNITS:
            if text.endswith(suffix):
                text, factor = text[: -len(suffix)], mult
                break
        if integer:
            text = re.sub(r"(人|家|个|件|项|年)$", "", text)
        if "," in text:
            # Thousands separators are read only where they group by three (1,234,567.5);
            # anything else (1,23 or 12,34,567) is refused rather than guessed.
            if not _GROUPED_RE.match(text):
                raise ValueError("千位分隔符位置不对（应每三位一个逗号，如 1,234,567.5），请核对")
            text = text.replace(",", "")
        if not _NUM_RE.match(text):
            raise ValueError("不是有效的数字")
        number = Decimal(text) * factor
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
        text = _text(value)
        match = _DATE_RE.match(text)
        if match:
            return _date(int(match[1]), int(match[2]), int(match[3]))
        if re.fullmatch(r"\d{8}", text):
            return _date(int(text[:4]), int(text[4:6]), int(text[6:]))
        if re.fullmatch(r"\d{1,6}(\.\d+)?", text):
            number = float(text)
        else:
            raise ValueError("无法识别的日期格式（请写成 2022-03-05、2022/3/5 或 2022年3月5日）")
    if 19000101 <= number <= 21001231 and float(number).is_integer():
        text = str(int(number))
        return _date(int(text[:4]), int(text[4:6]), int(text[6:]))
    if 1 <= number < 2958466:
        from openpyxl.utils.datetime import from_excel

        return from_excel(number).date()
    raise ValueError("无法识别的日期")


_TRUE = {"是", "y", "yes", "true", "1", "√", "有", "✓", "对"}
_FALSE = {"否", "n", "no", "false", "0", "×", "无", "x", "不是"}


def parse_bool(value) -> bool:
    if isinstance(value, bool):
        return value
    text = _text(value).lower()
    if text in _TRUE:
        return True
    if text in _FALSE:
        return False
    raise ValueError("应填“是”或“否”")


# ------------------------------------------------------------------------------ hostile files


def check_archive(data: bytes) -> None:
    """Refuse anything that is not a sane .xlsx before openpyxl reads it (the shared upload guard)."""
    try:
        check_ooxml(data, kind="xlsx", max_uncompressed=MAX_UNCOMPRESSED)
    except UploadRefused as exc:
        raise ImportRefused(str(exc)) from exc


# ------------------------------------------------------------------------------ lookups


def _scoped(qs, user, action):
    """``restrict`` for a signed-in user; the command line (user None) acts as the system."""
    return qs if user is None else restrict(qs, user, action)


class Lookups:
    """Resolve foreign-key cells in bulk (one query per target model)."""

    def __init__(self, cfg: RegistryConfig, user, columns: list[Column]):
        self.user = user
        self.cache: dict[type, dict[str, object]] = {}
        self.columns = columns
        self.unit_names: set[str] = set()  # for "您是否要填写：杨寨镇？"

    def prepare(self, col: Column, raw_values: set[str]) -> None:
        target = col.target
        found = self.cache.setdefault(target, {})
        wanted = [v for v in raw_values if v not in found]
        if not wanted:
            return
        if target is Enterprise:
            qs = _scoped(Enterprise.objects.all(), self.user, VIEW)
            for i in range(0, len(wanted), 5000):
                chunk = wanted[i : i + 5000]
                for pk, uscc, _name, town_id in qs.filter(uscc__in=chunk).values_list("pk", "uscc", "name", "town_id"):
                    found[uscc] = (pk, town_id)
                names = [v for v in chunk if v not in found]
                if names:
                    rows = list(qs.filter(name__in=names).values_list("pk", "name", "town_id"))
                    counts: dict[str, int] = {}
                    for _, name, _ in rows:
                        counts[name] = counts.get(name, 0) + 1
                    for pk, name, town_id in rows:
                        found[name] = (pk, town_id) if counts[name] == 1 else "ambiguous"
        elif target._meta.label == "org.Unit":
            from kechuang.org.models import Unit, UnitAlias

            for pk, name in Unit.objects.filter(kind__in=JURISDICTION_KINDS).values_list("pk", "name"):
                found[name] = (pk, pk)
                self.unit_names.add(name)
            for pk, alias in UnitAlias.objects.filter(unit__kind__in=JURISDICTION_KINDS).values_list(
                "unit_id", "alias"
            ):
                found.setdefault(alias, (pk, pk))
        else:
            label_field = "name" if any(f.name == "name" for f in target._meta.fields) else "title"
            lookup = getattr(target, "town_lookup", None)
            qs = _scoped(target.objects.all(), self.user, VIEW)
            values = [label_field, "pk"] + ([lookup] if lookup else [])
            for row in qs.filter(**{f"{label_field}__in": wanted}).values_list(*values):
                key = row[0]
                found[key] = "ambiguous" if key in found else (row[1], row[2] if lookup else None)

    def get(self, col: Column, value: str):
        return self.cache.get(col.target, {}).get(value)


# ------------------------------------------------------------------------------ the import


def _user_jurisdiction(user, cfg: RegistryConfig):
    """None: no restriction on new rows (office). An int: the unit every row must belong to."""
    from kechuang.accounts.models import Role

    if user is None or user.has_role(Role.OFFICE):
        return None
    return user.unit_id


def run_import(
    registry: str,
    data: bytes,
    user,
    *,
    commit: bool = False,
    progress: Callable[[int], None] | None = None,
    filename: str = "",
) -> ImportResult:
    """Validate ``data`` (an .xlsx) for ``registry`` and, when ``commit`` and error-free, write it."""
    cfg = get_registry(registry)
    result = ImportResult(registry)
    progress = progress or (lambda pct: None)
    if filename and not filename.lower().endswith(".xlsx"):
        result.add_error("", None, "", "", filename, "只接受 .xlsx 格式的 Excel 文件（.xls/.csv/.et 请先另存为 .xlsx）")
        return result
    if user is not None and cfg.model.scope_rule(user, CHANGE) in (False, None):
        result.add_error("", None, "", "", "", f"您没有修改“{cfg.title}”的权限")
        return result
    try:
        check_archive(data)
    except ImportRefused as exc:
        result.add_error("", None, "", "", "", str(exc))
        return result

    from xml.etree.ElementTree import ParseError

    from .xlsxreader import Workbook

    try:
        wb = Workbook(data)
        parsed = _parse(cfg, wb, data, user, result, progress)
    except (KeyError, ParseError, ValueError, IndexError, zipfile.BadZipFile, EOFError, OSError):
        result.add_error("", None, "", "", "", "无法读取 Excel 文件（文件结构损坏），"
                                               "请用 Excel 或 WPS 打开后另存为 .xlsx 再上传")
        return result
    except Exception:  # noqa: BLE001 - any file, any cell: a message, never a traceback
        logger.exception("registry import: unreadable file")
        result.add_error("", None, "", "", "", "无法读取 Excel 文件（系统内部错误，已记录日志），未写入任何数据")
        return result
    if not result.ok or parsed is None:
        return result
    try:
        plan = _plan_changes(cfg, parsed, user, result)
    except Exception:  # noqa: BLE001
        logger.exception("registry import: validation failed")
        result.add_error("", None, "", "", "", "校验时出错（系统内部错误，已记录日志），未写入任何数据")
        return result
    if result.conflicts:
        file_conflicts(cfg.key, user, result.conflicts, "import")
    if not result.ok:
        return result
    if commit:
        try:
            _commit(cfg, plan, user, result, progress)
        except DatabaseError:
            # The validator passed the file, so this is a bug or a race (another import at the same time).
            logger.exception("registry import: commit refused by the database")
            result.committed = False
            result.add_error(
                "", None, "", "", "", "写入数据库失败（可能有人同时导入），已全部撤销，未写入任何数据，请稍后重试"
            )
            return result
    progress(100)
    return result


@dataclass
class ParsedRow:
    row: int
    values: dict
    key: tuple = ()


def _header_match(columns, header_row) -> tuple[int, int]:
    """(cells matching a template header, non-empty cells) of a sheet's first row."""
    expected = {_norm_header(c.header) for c in columns}
    cells = [_norm_header(v) for v in header_row or () if v is not None and str(v).strip()]
    return sum(1 for c in cells if c in expected), len(cells)


def _has_data(rows) -> bool:
    for _, values in rows:
        if values and any(v is not None and not (isinstance(v, str) and not v.strip()) for v in values):
            return True
    return False


def _find_data_sheet(cfg: RegistryConfig, wb, columns, result: ImportResult) -> str | None:
    """The sheet carrying the template's header, visible or hidden. Several such sheets with data:
    refused, naming them (never half-read). No sheet with the header: the registry's own sheet or
    the first ordinary one, so that the header errors are reported on it."""
    shaped, with_data, others = [], [], []
    for name in wb.sheetnames:
        if name in SPECIAL_SHEETS:
            continue
        rows = wb.rows(name)
        first = next(rows, None)
        if first is None:
            continue
        matched, cells = _header_match(columns, first[1])
        if matched and matched * 2 >= cells:
            shaped.append(name)
            if _has_data(rows):
                with_data.append(name)
        elif cells:
            others.append(name)
    if len(with_data) > 1:
        names = "、".join(f"“{n}”" for n in with_data)
        result.add_error(
            "",
            None,
            "",
            "",
            "",
            f"工作簿中有 {len(with_data)} 个工作表都带有模板表头和数据（{names}），"
            "系统不会只导入其中一个；请合并到一个工作表，或分成多个文件分别导入",
        )
        return None
    chosen = (with_data or shaped or [None])[0]
    if chosen is None:
        if cfg.title in wb.sheetnames:
            chosen = cfg.title
        else:
            chosen = next((n for n in wb.sheetnames if n not in SPECIAL_SHEETS), None)
    if chosen is None:
        return None
    hidden = wb.states.get(chosen, "visible") != "visible"
    result.sheet = chosen
    result.warnings.append(f"数据取自工作表“{chosen}”" + ("（该工作表为隐藏工作表）" if hidden else ""))
    ignored = [n for n in others + shaped if n != chosen]
    if ignored:
        result.warnings.append("已忽略没有模板数据的工作表：" + "、".join(f"“{n}”" for n in ignored))
    return chosen


def _norm_header(value) -> str:
    text = _text(value) if value is not None else ""
    text = text.replace("*", "").replace("(", "（").replace(")", "）").replace(" ", "")
    return text


def _parse(cfg, wb, data, user, result: ImportResult, progress) -> list[ParsedRow] | None:
    columns = columns_for(cfg)
    sheet = _find_data_sheet(cfg, wb, columns, result)
    if sheet is None:
        if result.ok:
            result.add_error("", None, "", "", "", "工作簿中没有数据工作表")
        return None
    if "__meta" in wb.sheetnames:
        meta = {r[0]: r[1] for _, r in wb.rows("__meta") if len(r) >= 2 and r[0]}
        if meta.get("registry") and meta.get("registry") != cfg.key:
            result.add_error(
                sheet,
                None,
                "",
                "",
                str(meta.get("registry")),
                f"这是“{meta.get('title') or meta.get('registry')}”的模板，不能导入到“{cfg.title}”",
            )
            return None
    for ref in wb.merged_ranges(sheet):
        first = ref.split(":")[0]
        result.add_error(
            sheet,
            int(re.sub(r"\D", "", first)),
            re.sub(r"\d", "", first),
            "",
            ref,
            f"数据区域不允许合并单元格（{ref}），请取消合并并在每一行填写完整",
        )
    if not result.ok:
        return None

    rows = wb.rows(sheet)
    first = next(rows, None)
    if first is None or first[0] != 1:
        result.add_error(sheet, 1, "", "", "", "第1行应为表头（请使用模板，不要在表头上方插入行）")
        return None
    header_row = first[1]
    expected = {_norm_header(c.header): c for c in columns}
    position: dict[int, Column] = {}
    seen_headers: dict[str, int] = {}
    for idx, raw in enumerate(header_row or ()):
        if raw is None or str(raw).strip() == "":
            continue
        name = _norm_header(raw)
        letter = get_column_letter(idx + 1)
        col = expected.get(name)
        if col is None:
            result.add_error(sheet, 1, letter, str(raw), str(raw), "无法识别的表头（请使用模板中的列名）")
            continue
        if name in seen_headers:
            result.add_error(sheet, 1, letter, str(raw), str(raw), "表头重复")
            continue
        seen_headers[name] = idx
        position[idx] = col
    for col in columns:
        if _norm_header(col.header) not in seen_headers:
            if col.required:
                result.add_error(sheet, 1, "", col.header, "", f"缺少必填列“{col.header}”")
            else:
                result.warnings.append(f"未提供“{col.header}”列：已有记录的该项保持不变")
    order = [position[i].header for i in sorted(position)]
    template_order = [c.header for c in columns if c.header in order]
    if order != template_order and result.ok:
        result.warnings.append("列的顺序与模板不同，已按表头名称对应（" + "、".join(order) + "）")
    if not result.ok:
        return None

    parsed: list[ParsedRow] = []
    raw_refs: dict[str, set[str]] = {}
    letters = {i: get_column_letter(i + 1) for i in position}
    count = 0
    for excel_row, values in rows:
        if not values or all(v is None or (isinstance(v, str) and not v.strip()) for v in values):
            continue
        count += 1
        if count > MAX_ROWS:
            result.add_error(sheet, excel_row, "", "", "", f"数据超过 {MAX_ROWS:,} 行，已拒绝；请拆分为多个文件后导入")
            return None
        if count % 2000 == 0:
            progress(min(40, count * 40 // MAX_ROWS + 1))
        out = {}
        for idx, col in position.items():
            value = values[idx] if idx < len(values) else None
            if isinstance(value, str):
                stripped = value.strip()
                if stripped.startswith("="):
                    result.add_error(
                        sheet,
                        excel_row,
                        letters[idx],
                        col.header,
                        value[:50],
                        "不允许公式（文件中没有公式的计算结果），请复制后“选择性粘贴为数值”",
                    )
                    continue
                if is_excel_error(stripped):
                    result.add_error(
                        sheet,
                        excel_row,
                        letters[idx],
                        col.header,
                        stripped,
                        "单元格是 Excel 错误值，请修正后填写实际值",
                    )
                    continue
                if stripped[:2] in ("'=", "'+", "'-", "'@"):
                    value = stripped[1:]  # our own exports escape formula-like text this way
            if value is None or (isinstance(value, str) and not value.strip()):
                if col.required:
                    result.add_error(sheet, excel_row, letters[idx], col.header, "", "必填项为空")
                out[col.name] = None
                continue
            try:
                out[col.name] = _convert(col, value, out)
            except (ValueError, CheckError, InvalidOperation) as exc:
                result.add_error(sheet, excel_row, letters[idx], col.header, _text(value)[:50], str(exc))
                continue
            if col.kind == "fk":
                raw_refs.setdefault(col.name, set()).add(out[col.name])
        parsed.append(ParsedRow(excel_row, out))
    result.total_rows = count
    if count == 0:
        result.add_error(sheet, None, "", "", "", "没有数据行")
    progress(45)
    # Foreign keys, in bulk.
    lookups = Lookups(cfg, user, columns)
    fk_cols = {c.name: c for c in position.values() if c.kind == "fk"}
    for name, refs in raw_refs.items():
        lookups.prepare(fk_cols[name], refs)
    letter_of = {c.name: letters[i] for i, c in position.items()}
    for prow in parsed:
        for name, col in fk_cols.items():
            raw = prow.values.get(name)
            if raw is None:
                continue
            hit = lookups.get(col, raw)
            if hit is None:
                what = col.target._meta.verbose_name
                message = f"找不到该{what}（或不在您的查看范围内）"
                nearest = suggest_name(raw, lookups.unit_names) if col.target._meta.label == "org.Unit" else None
                if nearest:
                    message = f"找不到单位“{raw}”。您是否要填写：{nearest}？"
                result.add_error(sheet, prow.row, letter_of[name], col.header, raw, message)
            elif hit == "ambiguous":
                result.add_error(
                    sheet, prow.row, letter_of[name], col.header, raw, "名称对应多条记录，请改填统一社会信用代码"
                )
            else:
                prow.values[name] = hit  # (pk, jurisdiction unit id)
    result._sheet = sheet  # type: ignore[attr-defined]
    result._letters = letter_of  # type: ignore[attr-defined]
    result._headers = {c.name: c.header for c in position.values()}  # type: ignore[attr-defined]
    return parsed


def _convert(col: Column, value, row_values: dict):
    kind = col.kind
    if kind == "text" or kind == "fk":
        text = _text(value)
        if col.max_length and len(text) > col.max_length:
            raise ValueError(f"长度超过 {col.max_length} 个字符")
        return text
    if kind == "uscc":
        code, warning = check_uscc(value)
        row_values["uscc_warning"] = warning
        return code
    if kind == "id_number":
        text = _text(value)
        if "*" in text:
            raise CheckError("身份证号码是脱敏后的号码，不能导入")
        return check_id_number(text)
    if kind == "phone":
        text = _text(value)
        if "*" in text:
            raise CheckError("电话号码是脱敏后的号码，不能导入")
        return check_phone(text)
    if kind == "int":
        number = int(parse_number(value, integer=True))
        if number < 0 and isinstance(col.model_field, models.PositiveIntegerField):
            raise ValueError(f"{col.header}不能为负数")
        return number
    if kind == "year":
        year = int(parse_number(value, integer=True))
        if not 1949 <= year <= 2100:
            raise ValueError("年份不合理")
        return year
    if kind == "money":
        number = parse_number(value).quantize(Decimal("0.01"))
        if abs(number) >= Decimal("1e14"):
            raise ValueError("金额过大")
        return number
    if kind == "date":
        day = parse_date(value)
        if not dt.date(1900, 1, 1) <= day <= dt.date(2100, 12, 31):
            raise ValueError("日期不合理")
        return day
    if kind == "bool":
        return parse_bool(value)
    if kind == "choice":
        text = _text(value)
        for stored, label in col.choices:
            if text in (stored, label):
                return stored
        raise ValueError("不在可选值范围内（可选：" + "、".join(label for _, label in col.choices) + "）")
    raise ValueError(f"未知的列类型 {kind}")  # pragma: no cover


# ------------------------------------------------------------------------------ diff against DB


@dataclass
class Plan:
    create: list = field(default_factory=list)
    update: list = field(default_factory=list)
    update_fields: set = field(default_factory=set)


def _key_of(cfg: RegistryConfig, values: dict) -> tuple:
    out = []
    for name in cfg.natural_key:
        v = values.get(name)
        if isinstance(v, tuple):
            v = v[0]
        if name == "id_number":
            v = pii_hash(v) if v else None
        out.append(v)
    return tuple(out)


def _db_key(cfg: RegistryConfig, obj) -> tuple:
    out = []
    for name in cfg.natural_key:
        if name == "id_number":
            out.append(obj.id_hash)
        elif isinstance(cfg.model._meta.get_field(name), models.ForeignKey):
            out.append(getattr(obj, f"{name}_id"))
        else:
            out.append(getattr(obj, name))
    return tuple(out)


def _existing(cfg: RegistryConfig, keys: list[tuple]) -> dict[tuple, models.Model]:
    model = cfg.model
    first = cfg.natural_key[0]
    lookup_field = (
        "id_hash"
        if first == "id_number"
        else (f"{first}_id" if isinstance(model._meta.get_field(first), models.ForeignKey) else first)
    )
    firsts = list({k[0] for k in keys if k[0] is not None})
    found: dict[tuple, models.Model] = {}
    for i in range(0, len(firsts), 5000):
        for obj in model.objects.filter(**{f"{lookup_field}__in": firsts[i : i + 5000]}):
            found[_db_key(cfg, obj)] = obj
    return found


def _jurisdiction(cfg: RegistryConfig, values: dict, existing):
    """The unit a row belongs to (for a town user's permission), from the row or the DB row."""
    lookup = cfg.model.town_lookup
    if lookup is None:
        return None
    first = lookup.split("__")[0]
    v = values.get(first)
    if isinstance(v, tuple):
        return v[1]
    if first in values:
        return None
    if existing is not None:
        obj = existing
        for part in lookup.split("__"):
            obj = getattr(obj, part, None) if obj is not None else None
        return getattr(obj, "pk", obj)
    return None


def _plan_changes(cfg: RegistryConfig, parsed: list[ParsedRow], user, result: ImportResult) -> Plan:
    sheet = result._sheet  # type: ignore[attr-defined]
    letters = result._letters  # type: ignore[attr-defined]
    headers = result._headers  # type: ignore[attr-defined]
    key_col = cfg.natural_key[0]
    key_letter, key_header = letters.get(key_col, ""), headers.get(key_col, "")
    # Duplicates within the file.
    first_row: dict[tuple, int] = {}
    for prow in parsed:
        key = prow.key = _key_of(cfg, prow.values)
        if key in first_row:
            result.add_error(
                sheet,
                prow.row,
                key_letter,
                key_header,
                _shown_key(cfg, prow.values),
                f"与第{first_row[key]}行重复（同一{_key_label(cfg, headers)}出现多次）",
            )
        else:
            first_row[key] = prow.row
    if not result.ok:
        return Plan()
    existing = _existing(cfg, list(first_row))
    changeable = set()
    if existing and user is not None:
        ids = [o.pk for o in existing.values()]
        for i in range(0, len(ids), 5000):
            changeable.update(
                restrict(cfg.model.objects.filter(pk__in=ids[i : i + 5000]), user, CHANGE).values_list("pk", flat=True)
            )
    own_unit = _user_jurisdiction(user, cfg)
    # The enterprise a row belongs to: an existing row matched by its key must not silently move.
    owner_fk = None
    for f in cfg.model._meta.concrete_fields:
        if isinstance(f, models.ForeignKey) and f.related_model is Enterprise:
            owner_fk = f.name
            break
    # The owning enterprises (name for the row's label and search initials), loaded in bulk.
    owners: dict[int, Enterprise] = {}
    if owner_fk:
        ids = list({p.values[owner_fk][0] for p in parsed if isinstance(p.values.get(owner_fk), tuple)})
        for i in range(0, len(ids), 5000):
            for ent in Enterprise.objects.filter(pk__in=ids[i : i + 5000]).only("pk", "name", "uscc", "town_id"):
                owners[ent.pk] = ent
    plan = Plan()
    fields = [f for f in cfg.editable_fields()]
    # name → (is a foreign key, attname, value stored for an empty cell)
    field_info = {}
    for f in fields:
        empty = None
        if not f.null:
            empty = f.get_default()
            if empty is None and isinstance(f, (models.CharField, models.TextField)):
                empty = ""
        field_info[f.name] = (isinstance(f, models.ForeignKey), f.attname, empty)
    unique_checks = _other_unique_fields(cfg)
    unique_seen: dict[str, dict] = {name: {} for name in unique_checks}
    model = cfg.model
    checked: list[tuple[int, models.Model]] = []  # (Excel row, the row as it would be stored)
    for prow in parsed:
        values = prow.values
        key = prow.key
        obj = existing.get(key)
        if obj is not None and user is not None and obj.pk not in changeable:
            hidden = bool(hidden_ids(model, user, [obj.pk]))
            if hidden:
                result.conflicts.append(obj.pk)
            result.add_error(
                sheet,
                prow.row,
                key_letter,
                key_header,
                _shown_key(cfg, values),
                HIDDEN_MESSAGE if hidden else "该记录已存在且不在您的管辖范围内，不能修改",
            )
            continue
        if own_unit is not None:
            if model is Enterprise and values.get("town") is None and "town" not in values and obj is None:
                values["town"] = (own_unit, own_unit)
            if model is Enterprise and values.get("town") is None and "town" in values:
                values["town"] = (own_unit, own_unit)
            unit = _jurisdiction(cfg, values, obj)
            if unit != own_unit:
                col = model.town_lookup.split("__")[0] if model.town_lookup else key_col
                result.add_error(
                    sheet,
                    prow.row,
                    letters.get(col, key_letter),
                    headers.get(col, key_header),
                    _shown_key(cfg, values),
                    "只能导入本辖区的记录（该记录属于其他镇办或未关联本辖区企业）",
                )
                continue
        if obj is not None and owner_fk and owner_fk not in cfg.natural_key:
            ref = values.get(owner_fk)
            current = getattr(obj, f"{owner_fk}_id")
            if isinstance(ref, tuple) and current is not None and ref[0] != current:
                owner = getattr(obj, owner_fk)
                result.add_error(
                    sheet,
                    prow.row,
                    letters.get(owner_fk, key_letter),
                    headers.get(owner_fk, key_header),
                    _shown_key(cfg, values),
                    f"与库中已有记录冲突：该{key_header}已登记在“{owner}”名下",
                )
                continue
        target = obj if obj is not None else model()
        changed = set()
        for name, value in values.items():
            if name in ("id_number", "phone"):
                current = (
                    decrypt_pii(target.id_number_enc if name == "id_number" else target.phone_enc)
                    if obj is not None
                    else None
                )
                if value != current:
                    if name == "id_number":
                        target.set_id_number(value or "")
                        changed.update({"id_number_enc", "id_hash"})
                    else:
                        target.set_phone(value or "")
                        changed.update({"phone_enc", "phone_hash"})
                continue
            if name == "uscc_warning":
                if target.uscc_warning != value:
                    target.uscc_warning = value
                    changed.add(name)
                continue
            info = field_info.get(name)
            if info is None:
                continue
            is_fk, attname, empty = info
            if is_fk:
                pk = value[0] if value else None
                if getattr(target, attname) != pk:
                    setattr(target, attname, pk)
                    changed.add(attname)
                if name == owner_fk and pk in owners:
                    target._state.fields_cache[name] = owners[pk]  # no query per row for labels
                continue
            if value is None:
                value = empty
            if getattr(target, name) != value:
                setattr(target, name, value)
                changed.add(name)
        if hasattr(target, "expires_on") and getattr(target, "issued_on", None) and not target.expires_on:
            from .models import add_years

            target.expires_on = add_years(target.issued_on, 3)
            changed.add("expires_on")
        for name, seen in unique_seen.items():
            v = getattr(target, name)
            if v in (None, ""):
                continue
            if v in seen and seen[v] != prow.row:
                result.add_error(
                    sheet,
                    prow.row,
                    letters.get(name, ""),
                    headers.get(name, ""),
                    str(v),
                    f"与第{seen[v]}行的{headers.get(name, name)}重复",
                )
            seen[v] = prow.row
        checked.append((prow.row, target))
        if obj is None:
            if getattr(model, "initials_source", None):
                target.initials = pinyin_initials(str(_initials_text(target)))
            plan.create.append(target)
            result.created += 1
            action = "新增"
        elif changed:
            if cfg.model.initials_source in changed:
                target.initials = pinyin_initials(str(_initials_text(target)))
                changed.add("initials")
            plan.update.append(target)
            plan.update_fields |= changed
            result.updated += 1
            action = "更新"
        else:
            result.unchanged += 1
            action = "无变化"
        if len(result.preview) < 50:
            result.preview.append(
                {
                    "row": prow.row,
                    "action": action,
                    "key": _shown_key(cfg, values),
                    "label": str(_initials_text(target))[:60],
                    "changed": sorted(changed),
                }
            )
    _check_rules(cfg, checked, result, sheet, letters, headers)
    _check_db_unique(cfg, plan, result, sheet, letters, headers, first_row, user)
    return plan


def _check_rules(cfg: RegistryConfig, checked, result: ImportResult, sheet, letters, headers) -> None:
    """The registry's plausibility rules (plausibility.py) on every row as it would be stored: errors
    block the file, warnings are listed in the preview and kept on the job."""
    if not cfg.rules or not checked:
        return
    ctx = build_context(cfg.key, [obj for _, obj in checked])
    for row, obj in checked:
        for v in validate(cfg.key, obj, ctx):
            header = headers.get(v.field) or str(cfg.model._meta.get_field(v.field).verbose_name)
            value = getattr(obj, v.field, None)
            args = (sheet, row, letters.get(v.field, ""), header, "" if value is None else str(value), v.message)
            if v.severity == ERROR:
                result.add_error(*args)
            else:
                result.add_row_warning(*args)


def _initials_text(obj) -> str:
    source = obj.initials_source
    try:
        return getattr(obj, source, "") or ""
    except Exception:  # noqa: BLE001 - a related object not yet loaded
        return ""


def _other_unique_fields(cfg: RegistryConfig) -> list[str]:
    out = [
        f.name
        for f in cfg.model._meta.concrete_fields
        if f.unique and not f.primary_key and f.name not in cfg.natural_key and f.name != "id_hash" and f.editable
    ]
    return out


def _check_db_unique(cfg, plan: Plan, result, sheet, letters, headers, first_row, user) -> None:
    """A unique field other than the natural key (e.g. a certificate number) already used by another row."""
    for name in _other_unique_fields(cfg):
        objs = plan.create + plan.update
        values = [getattr(o, name) for o in objs if getattr(o, name) not in (None, "")]
        if not values:
            continue
        taken = {}
        for i in range(0, len(values), 5000):
            taken.update(
                dict(cfg.model.objects.filter(**{f"{name}__in": values[i : i + 5000]}).values_list(name, "pk"))
            )
        clashes = {taken[getattr(o, name)] for o in objs if getattr(o, name) in taken}
        hidden = hidden_ids(cfg.model, user, clashes)
        for obj in objs:
            v = getattr(obj, name)
            if v in taken and taken[v] != obj.pk:
                row = first_row.get(_db_key_for_new(cfg, obj))
                if taken[v] in hidden:
                    result.conflicts.append(taken[v])
                result.add_error(
                    sheet,
                    row,
                    letters.get(name, ""),
                    headers.get(name, name),
                    str(v),
                    HIDDEN_MESSAGE if taken[v] in hidden else f"与库中已有记录的{headers.get(name, name)}冲突",
                )


def _db_key_for_new(cfg, obj) -> tuple:
    return _db_key(cfg, obj)


def _shown_key(cfg: RegistryConfig, values: dict) -> str:
    parts = []
    for name in cfg.natural_key:
        v = values.get(name)
        if name == "id_number" and v:
            from .validators import mask_id

            v = mask_id(v)
        if isinstance(v, tuple):
            v = v[0]
        parts.append(str(v) if v is not None else "")
    return " / ".join(parts)


def _key_label(cfg: RegistryConfig, headers: dict) -> str:
    return "、".join(headers.get(n, n) for n in cfg.natural_key)


# ------------------------------------------------------------------------------ commit


def _commit(cfg: RegistryConfig, plan: Plan, user, result: ImportResult, progress) -> None:
    from simple_history.utils import bulk_create_with_history, bulk_update_with_history

    from kechuang.audit.services import record_event

    model = cfg.model
    reason = "Excel导入"
    hist_user = user if getattr(user, "pk", None) else None
    # Visible to other processes: the progress updates inside the write transaction are seen only at its commit.
    progress(50)
    with transaction.atomic():
        done, total = 0, max(1, len(plan.create) + len(plan.update))
        for i in range(0, len(plan.create), BATCH * 5):
            batch = plan.create[i : i + BATCH * 5]
            if connection.vendor == "sqlite":
                fast_insert_with_history(model, batch, getattr(hist_user, "pk", None), reason)
            elif connection.vendor == "postgresql":
                copy_insert_with_history(model, batch, getattr(hist_user, "pk", None), reason)
            else:
                bulk_create_with_history(
                    batch, model, batch_size=BATCH, default_user=hist_user, default_change_reason=reason
                )
            done += len(batch)
            progress(50 + done * 50 // total)
        fields = sorted(plan.update_fields | {"last_updated"})
        now = dt.datetime.now(dt.UTC)
        for obj in plan.update:
            obj.last_updated = now
        for i in range(0, len(plan.update), BATCH):
            batch = plan.update[i : i + BATCH]
            bulk_update_with_history(
                batch, model, fields, batch_size=BATCH, default_user=hist_user, default_change_reason=reason
            )
            done += len(batch)
            progress(50 + done * 50 // total)
        record_event("registry.import", user=user, detail={"registry": cfg.key, **result.summary(), "committed": True})
    result.committed = True
    # Listeners (the data-quality check) run their work after the transaction commits.
    import_committed.send(sender=ImportResult, registry=cfg.key, user=user, result=result)


def _converter(f, conn):
    if isinstance(f, models.DateTimeField):
        return lambda v: conn.ops.adapt_datetimefield_value(v) if v is not None else None
    if isinstance(f, models.DateField):
        return lambda v: v.isoformat() if v is not None else None
    if isinstance(f, models.DecimalField):
        return lambda v: str(v) if v is not None else None
    if isinstance(f, models.BooleanField):
        return lambda v: None if v is None else int(v)
    if isinstance(f, models.JSONField):  # pragma: no cover - registries have none
        return lambda v: f.get_db_prep_save(v, conn)
    return None  # stored as is (text, integers, foreign-key ids)


def fast_insert_with_history(model, objs, user_id, reason) -> None:
    """SQLite: insert ``objs`` and their "+" history rows with two ``executemany`` calls.

    Must run inside the import's transaction. SQLite serialises writers, so the AUTOINCREMENT ids
    handed out are consecutive; this is verified before the ids are assigned to the objects."""
    from django.utils import timezone

    if not objs:
        return
    connection.ensure_connection()
    raw = connection.connection.cursor()
    now = timezone.now()
    table = model._meta.db_table
    qn = connection.ops.quote_name
    fields = [f for f in model._meta.concrete_fields if not f.primary_key]
    for obj in objs:
        for f in fields:
            if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False):
                setattr(obj, f.attname, now)
    convs = [(f.attname, _converter(f, connection)) for f in fields]
    rows = [tuple(c(getattr(o, a)) if c else getattr(o, a) for a, c in convs) for o in objs]
    raw.execute(f"SELECT COALESCE(MAX(id), 0) FROM {qn(table)}")  # noqa: S608
    start = raw.fetchone()[0]
    raw.execute("SELECT seq FROM sqlite_sequence WHERE name = ?", (table,))
    seq = raw.fetchone()
    start = max(start, seq[0] if seq else 0)
    cols = ", ".join(qn(f.column) for f in fields)
    raw.executemany(f"INSERT INTO {qn(table)} ({cols}) VALUES ({', '.join('?' * len(fields))})", rows)  # noqa: S608
    raw.execute(f"SELECT MIN(id), MAX(id), COUNT(*) FROM {qn(table)} WHERE id > ?", (start,))  # noqa: S608
    low, high, count = raw.fetchone()
    if (low, high, count) != (start + 1, start + len(objs), len(objs)):
        raise RuntimeError("unexpected ids after bulk insert")
    for offset, obj in enumerate(objs):
        obj.pk = start + 1 + offset
        obj._state.adding = False
        obj._state.db = connection.alias
    hmodel = model.history.model
    hfields = [f for f in hmodel._meta.concrete_fields if not f.primary_key]
    stamp = connection.ops.adapt_datetimefield_value(now)
    special = {"history_date": stamp, "history_change_reason": reason, "history_type": "+", "history_user_id": user_id}
    plan = []
    for f in hfields:
        if f.attname in special:
            plan.append((None, special[f.attname]))
        else:
            plan.append((f.attname, _converter(f, connection)))
    # (attname, converter) for copied fields; (None, constant) for the history_* fields.
    hrows = [tuple(x if a is None else (x(getattr(o, a)) if x else getattr(o, a)) for a, x in plan) for o in objs]
    hcols = ", ".join(qn(f.column) for f in hfields)
    raw.executemany(
        f"INSERT INTO {qn(hmodel._meta.db_table)} ({hcols}) VALUES ({', '.join('?' * len(hfields))})",
        hrows,  # noqa: S608
    )


def copy_insert_with_history(model, objs, user_id, reason) -> None:
    """PostgreSQL: reserve ids from the table's sequence, then ``COPY`` the rows and their "+"
    history rows (psycopg 3 adapts dates, decimals and booleans). Runs inside the import's transaction."""
    from django.utils import timezone

    if not objs:
        return
    connection.ensure_connection()
    raw = connection.connection.cursor()
    now = timezone.now()
    table = model._meta.db_table
    qn = connection.ops.quote_name
    raw.execute("SELECT nextval(pg_get_serial_sequence(%s, 'id')) FROM generate_series(1, %s)", (table, len(objs)))
    ids = [r[0] for r in raw.fetchall()]
    fields = [f for f in model._meta.concrete_fields if not f.primary_key]
    for obj, pk in zip(objs, ids, strict=True):
        obj.pk = pk
        obj._state.adding = False
        obj._state.db = connection.alias
        for f in fields:
            if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False):
                setattr(obj, f.attname, now)
    attnames = ["id"] + [f.attname for f in fields]
    cols = ", ".join(qn(c) for c in ["id"] + [f.column for f in fields])
    with raw.copy(f"COPY {qn(table)} ({cols}) FROM STDIN") as copy:
        for obj in objs:
            copy.write_row([getattr(obj, a) for a in attnames])
    hmodel = model.history.model
    hfields = [f for f in hmodel._meta.concrete_fields if not f.primary_key]
    special = {"history_date": now, "history_change_reason": reason, "history_type": "+", "history_user_id": user_id}
    hcols = ", ".join(qn(f.column) for f in hfields)
    plan = [(f.attname in special, special.get(f.attname, f.attname)) for f in hfields]
    with raw.copy(f"COPY {qn(hmodel._meta.db_table)} ({hcols}) FROM STDIN") as copy:
        for obj in objs:
            copy.write_row([x if is_const else getattr(obj, x) for is_const, x in plan])


# ------------------------------------------------------------------------------ templates & exports


def _safe(value):
    """Escape text that a spreadsheet would run as a formula."""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return value


def build_template(cfg: RegistryConfig) -> bytes:
    import openpyxl
    from openpyxl.styles import Font, PatternFill
    from openpyxl.worksheet.datavalidation import DataValidation

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
            from kechuang.org.models import Unit

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
    keys = "、".join(_header_of(columns, n) for n in cfg.natural_key)
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


def _header_of(columns, name) -> str:
    for c in columns:
        if c.name == name:
            return c.header
    return name


def export_rows(cfg: RegistryConfig, queryset, *, unmask: bool = False) -> bytes:
    """Write ``queryset`` (already scoped by the caller) in the template's layout (re-importable)."""
    import openpyxl

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


# kept for the CLI and views
__all__ = ["ImportResult", "build_template", "columns_for", "encrypt_pii", "export_rows", "run_import"]
