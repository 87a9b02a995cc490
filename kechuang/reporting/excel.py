"""The monthly form as an Excel file: download pre-filled, fill offline, upload.

Sheets: 任务进展 (one row per task), 指标数据 (one row per indicator; figures the system has are shown
read-only), a hidden ``__meta`` sheet naming plan, unit, period and each row's version. The upload is
validated as a whole; every error names sheet, row, column and reason; nothing is written on any error.
"""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from decimal import Decimal

from django.conf import settings
from django.db import transaction
from openpyxl import Workbook, load_workbook
from openpyxl.styles import Alignment, Font, PatternFill, Protection
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from kechuang.audit.services import record_event
from kechuang.core.concurrency import ConflictError
from kechuang.core.error_workbook import annotate
from kechuang.core.uploads import UploadRefused, check_ooxml, read_limited

from . import plausibility, services
from .choices import ReportAction

FORMAT = "kechuang-monthly/1"
TASK_SHEET = "任务进展"
VALUE_SHEET = "指标数据"
META_SHEET = "__meta"
# A unit's monthly form has one row per task and indicator: a few hundred rows and well under a megabyte of XML.
# Anything far larger is refused from the archive's directory before openpyxl reads it (a 1.5 M-row file once
# took the server to 3.8 GB).
FORM_MAX_UNCOMPRESSED = 10 * 1024 * 1024
FORM_MAX_ROWS = 2000
TASK_COLUMNS = [
    "任务序号", "任务名称", "本单位角色", "状态", "完成进度（%）", "进展情况", "存在问题", "下步打算", "操作",
]
VALUE_COLUMNS = ["指标编码", "指标名称", "计量单位", "目标值", "状态", "系统取数", "数值", "说明", "操作"]
TASK_EDIT = {5: "percent_complete", 6: "narrative", 7: "problems", 8: "next_steps"}
VALUE_EDIT = {7: "value", 8: "note"}
ACTIONS = {"保存": "save", "报送": "submit"}
HEADER_FILL = PatternFill("solid", fgColor="DDE6F3")
LOCKED_FILL = PatternFill("solid", fgColor="EEEEEE")


def escape(value):
    """Neutralise formula injection: text starting with = + - @ (or a tab/CR) is prefixed with '."""
    if isinstance(value, str) and value and value[0] in "=+-@\t\r":
        return "'" + value
    return value


def unescape(value):
    if isinstance(value, str) and len(value) > 1 and value[0] == "'" and value[1] in "=+-@\t\r":
        return value[1:]
    return value


def _num(value):
    if value is None:
        return None
    return float(value) if isinstance(value, Decimal) else value


def _header(sh, columns, widths) -> None:
    sh.append(columns)
    for i, width in enumerate(widths, 1):
        cell = sh.cell(row=1, column=i)
        cell.font = Font(bold=True)
        cell.fill = HEADER_FILL
        cell.alignment = Alignment(wrap_text=True, vertical="center")
        sh.column_dimensions[get_column_letter(i)].width = width
    sh.freeze_panes = "A2"


def _choice_validation(title: str) -> DataValidation:
    return DataValidation(type="list", formula1='"保存,报送"', allow_blank=True, showErrorMessage=True,
                          errorTitle=title, error="请选择：保存 或 报送")


def _lock_row(sheet, r: int, width: int, editable: bool, unlocked, *, wrap: bool = False) -> None:
    """Grey and lock the row's cells, except the editable columns (``unlocked``) of an editable row."""
    for c in range(1, width + 1):
        cell = sheet.cell(row=r, column=c)
        if wrap:
            cell.alignment = Alignment(wrap_text=True, vertical="top")
        if editable and (c in unlocked or c == 9):
            cell.protection = Protection(locked=False)
        else:
            cell.fill = LOCKED_FILL


def _task_sheet(sheet, meta, ws_data) -> None:
    _header(sheet, TASK_COLUMNS, [8, 30, 10, 9, 12, 50, 30, 30, 8])
    pct = DataValidation(type="decimal", operator="between", formula1="0", formula2="100", allow_blank=True,
                         showErrorMessage=True, errorTitle="完成进度", error="请输入 0 到 100 之间的数字")
    act = _choice_validation("操作")
    sheet.add_data_validation(pct)
    sheet.add_data_validation(act)
    for r, item in enumerate(ws_data.tasks, start=2):
        rep = item.report
        sheet.append([
            item.task.number, escape(item.task.title), "牵头" if item.role == "lead" else "责任",
            rep.get_status_display(), _num(rep.percent_complete), escape(rep.narrative), escape(rep.problems),
            escape(rep.next_steps), "保存" if rep.is_editable else "",
        ])
        meta.append(["t", item.task.pk, rep.version if rep.pk else 0, item.task.number])
        editable = rep.is_editable and ws_data.period.is_open
        _lock_row(sheet, r, len(TASK_COLUMNS), editable, TASK_EDIT, wrap=True)
        if editable:
            pct.add(f"E{r}")
            act.add(f"I{r}")


def _value_sheet(vsheet, meta, ws_data) -> None:
    _header(vsheet, VALUE_COLUMNS, [22, 30, 8, 10, 9, 12, 12, 30, 8])
    vact = _choice_validation("操作")
    vnum = DataValidation(type="decimal", operator="between", formula1="-1E+15", formula2="1E+15",
                          allow_blank=True, showErrorMessage=True, errorTitle="数值", error="请输入数字")
    vsheet.add_data_validation(vact)
    vsheet.add_data_validation(vnum)
    for r, item in enumerate(ws_data.indicators, start=2):
        row, ind = item.row, item.indicator
        system = item.system.value if item.system is not None else None
        vsheet.append([
            ind.code, escape(ind.name), ind.measure, _num(ind.target),
            "系统取数" if system is not None else row.get_status_display(), _num(system),
            _num(row.value) if item.needs_entry else None, escape(row.note) if item.needs_entry else "",
            "保存" if item.needs_entry and row.is_editable else "",
        ])
        meta.append(["i", ind.pk, row.version if row.pk else 0, ind.code])
        editable = item.needs_entry and row.is_editable and ws_data.period.is_open
        _lock_row(vsheet, r, len(VALUE_COLUMNS), editable, VALUE_EDIT)
        if editable:
            vnum.add(f"G{r}")
            vact.add(f"I{r}")


def build_workbook(ws_data) -> bytes:
    """The unit's month as .xlsx bytes (from ``services.workspace``): the two protected sheets, only the cells the
    unit may still fill unlocked, and the hidden ``__meta`` sheet with the plan, unit, period and row versions."""
    wb = Workbook()
    sheet = wb.active
    sheet.title = TASK_SHEET
    meta = wb.create_sheet(META_SHEET)
    for key, value in (("format", FORMAT), ("plan", ws_data.plan.code), ("unit", ws_data.unit.code),
                       ("period", ws_data.period.code)):
        meta.append([key, value])
    _task_sheet(sheet, meta, ws_data)
    vsheet = wb.create_sheet(VALUE_SHEET, 1)
    _value_sheet(vsheet, meta, ws_data)
    for sh in (sheet, vsheet):
        sh.protection.sheet = True
        sh.protection.formatColumns = False  # widths may change
        sh.protection.formatRows = False
    meta.sheet_state = "veryHidden"
    meta.protection.sheet = True
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


@dataclass
class CellError:
    sheet: str
    row: int
    column: str
    message: str

    def __str__(self) -> str:
        if not self.sheet:
            return f"文件：{self.message}"
        where = f"工作表“{self.sheet}”" + (f"第 {self.row} 行" if self.row else "") + (
            f"“{self.column}”列" if self.column else "")
        return f"{where}：{self.message}"


@dataclass
class ImportResult:
    errors: list[CellError] = field(default_factory=list)
    saved: int = 0
    submitted: int = 0
    content: bytes = b""  # the upload as read (within the size limit), for the annotated error workbook

    @property
    def ok(self) -> bool:
        return not self.errors


def error_workbook(result: ImportResult) -> bytes:
    """The user's own form with each error marked on its cell (see ``kechuang.core.error_workbook``); file-level
    errors appear only in its 错误清单 sheet. Raises AnnotationUnavailable when the file cannot be annotated."""
    columns = {TASK_SHEET: TASK_COLUMNS, VALUE_SHEET: VALUE_COLUMNS}
    errors = []
    for e in result.errors:
        names = columns.get(e.sheet, [])
        letter = get_column_letter(names.index(e.column) + 1) if e.column in names else ""
        errors.append({"sheet": e.sheet, "row": e.row, "column": letter, "header": e.column, "reason": e.message})
    return annotate(result.content, errors)


def _same(stored, new) -> bool:
    if isinstance(stored, Decimal) or isinstance(new, Decimal):
        return stored == new
    return (stored or "") == (new or "")


# ------------------------------------------------------------------------------ import: read / validate / apply


@dataclass
class Planned:
    """One filled row of the upload: what it changes, the version it was downloaded at, and where it is."""

    kind: str  # "t" (task report) or "i" (indicator value)
    item: object  # the workspace item (task or indicator of the unit's month)
    new: dict  # cleaned field values
    version: int | None  # from __meta; None: the row was not in the downloaded form
    action: str  # "save" or "submit"
    sheet: str
    row: int
    changed: bool = False


def _open(fileobj, err: list[CellError]):
    """The upload's bytes and workbook, or (bytes, None) with the reason in ``err``."""
    try:
        data = read_limited(fileobj, settings.IMPORT_MAX_BYTES)
        check_ooxml(data, kind="xlsx", max_uncompressed=FORM_MAX_UNCOMPRESSED)
    except UploadRefused as exc:
        err.append(CellError("", 0, "", f"无法读取该文件：{exc}（请上传从本系统下载的 .xlsx 填报表）"))
        return b"", None
    try:
        return data, load_workbook(io.BytesIO(data), data_only=True)
    except Exception:  # noqa: BLE001 - any unreadable file is one Chinese error
        err.append(CellError("", 0, "", "无法读取该文件，请上传从本系统下载的 .xlsx 填报表"))
        return data, None


def _check_form(wb, plan, unit, period, err: list[CellError]) -> dict | None:
    """Our form for this plan, unit and month? Returns the row versions of __meta, or None (reasons in ``err``)."""
    for ws_ in wb.worksheets:
        if ws_.max_row > FORM_MAX_ROWS:
            err.append(CellError(ws_.title, FORM_MAX_ROWS + 1, "", f"行数超过 {FORM_MAX_ROWS}，不是本系统的填报表"))
    if err:
        return None
    for name in (TASK_SHEET, VALUE_SHEET):
        if name not in wb.sheetnames:
            err.append(CellError(name, 0, "", "缺少该工作表，请使用本系统下载的填报表"))
    if META_SHEET not in wb.sheetnames:
        # The hidden sheet is ours, not the user's: name the problem, not the sheet.
        err.append(CellError("", 0, "", "文件缺少本系统填报表的隐藏信息（可能是另存或复制出的新文件），"
                                        "请重新下载填报表后填写"))
    if err:
        return None
    meta_rows = [r for r in wb[META_SHEET].iter_rows(values_only=True) if r and r[0]]
    header = {r[0]: r[1] for r in meta_rows if r[0] in ("format", "plan", "unit", "period")}
    expect = {"format": FORMAT, "plan": plan.code, "unit": unit.code, "period": period.code}
    for key, label in (("format", "格式"), ("plan", "方案"), ("unit", "单位"), ("period", "填报期")):
        if str(header.get(key, "")) != expect[key]:
            err.append(CellError(
                "", 0, "", f"该文件的{label}（{header.get(key) or '无'}）与当前页面（{expect[key]}）不一致"
            ))
    if err:
        return None
    return {(r[0], int(r[1])): int(r[2] or 0) for r in meta_rows if r[0] in ("t", "i")}


def _filled_rows(sheet, width: int):
    """(row number, values padded to ``width``) of every row below the header with anything in it."""
    for r, values in enumerate(sheet.iter_rows(min_row=2, values_only=True), start=2):
        values = list(values) + [None] * (width - len(values))
        if not all(v is None or str(v).strip() == "" for v in values):
            yield r, values


def _cleaned(values, edit: dict, columns: list[str], clean, sheet: str, r: int, err: list[CellError]) -> dict:
    new = {}
    for col, name in edit.items():
        try:
            new.update(clean({name: unescape(values[col - 1])}))
        except services.InvalidData as exc:
            err.extend(CellError(sheet, r, columns[col - 1], m) for m in exc.messages)
    return new


def _action(values, columns: list[str], sheet: str, r: int, err: list[CellError]) -> str | None:
    action = ACTIONS.get(str(values[8] or "保存").strip())
    if action is None:
        err.append(CellError(sheet, r, columns[8], "操作只能为“保存”或“报送”"))
    return action


def _read_tasks(wb, ws, versions: dict, err: list[CellError]) -> list[Planned]:
    """任务进展: one planned change per task row of the unit's month."""
    by_number = {item.task.number: item for item in ws.tasks}
    out, seen = [], set()
    for r, values in _filled_rows(wb[TASK_SHEET], len(TASK_COLUMNS)):
        number = str(values[0] or "").strip()
        item = by_number.get(number)
        if item is None or number in seen:
            reason = "不是本单位本月的任务" if item is None else "重复出现"
            err.append(CellError(TASK_SHEET, r, TASK_COLUMNS[0], f"任务“{number}”{reason}"))
            continue
        seen.add(number)
        new = _cleaned(values, TASK_EDIT, TASK_COLUMNS, services.clean_task_data, TASK_SHEET, r, err)
        action = _action(values, TASK_COLUMNS, TASK_SHEET, r, err)
        if action is not None:
            out.append(Planned("t", item, new, versions.get(("t", item.task.pk)), action, TASK_SHEET, r))
    return out


def _read_values(wb, ws, versions: dict, batch: dict, err: list[CellError]) -> list[Planned]:
    """指标数据: one planned change per indicator the unit enters; ``batch`` collects the new values (the
    plausibility rules compare indicators of the same upload)."""
    by_code = {item.indicator.code: item for item in ws.indicators}
    out, seen = [], set()
    for r, values in _filled_rows(wb[VALUE_SHEET], len(VALUE_COLUMNS)):
        code = str(values[0] or "").strip()
        item = by_code.get(code)
        if item is None or code in seen:
            reason = "不是本单位负责的指标" if item is None else "重复出现"
            err.append(CellError(VALUE_SHEET, r, VALUE_COLUMNS[0], f"指标“{code}”{reason}"))
            continue
        seen.add(code)
        if not item.needs_entry:
            if values[6] not in (None, ""):
                err.append(CellError(VALUE_SHEET, r, VALUE_COLUMNS[6], "该指标由系统自动取数，无需填写"))
            continue
        new = _cleaned(values, VALUE_EDIT, VALUE_COLUMNS, services.clean_value_data, VALUE_SHEET, r, err)
        if "value" in new:
            batch[item.indicator.pk] = new["value"]
        action = _action(values, VALUE_COLUMNS, VALUE_SHEET, r, err)
        if action is not None:
            out.append(Planned("i", item, new, versions.get(("i", item.indicator.pk)), action, VALUE_SHEET, r))
    return out


EDIT_COLUMNS = {"t": {v: TASK_COLUMNS[k - 1] for k, v in TASK_EDIT.items()},
                "i": {v: VALUE_COLUMNS[k - 1] for k, v in VALUE_EDIT.items()}}


def _row_blocked(p: Planned, row, period, err: list[CellError]) -> bool:
    """Locked, closed or changed since the download: the row is skipped (an error if it meant to change)."""
    changed = [name for name, value in p.new.items() if not _same(getattr(row, name), value)]
    p.changed = bool(changed)
    first_col = EDIT_COLUMNS[p.kind][changed[0]] if changed else ""
    wants = p.changed or p.action == "submit"
    if not row.is_editable:
        if p.changed or p.action == "submit" and row.status != "submitted":
            msg = ("该行已审核通过并锁定，不能修改（需领导小组办公室重新开放）" if row.is_locked
                   else "该行已报送，正在审核，不能修改")
            err.append(CellError(p.sheet, p.row, first_col, msg))
        return True
    if not period.is_open and wants:
        err.append(CellError(p.sheet, p.row, first_col, f"{period.label}填报期已关闭"))
        return True
    if p.version is None or p.version != (row.version if row.pk else 0):
        if wants:
            err.append(CellError(p.sheet, p.row, first_col, "该行在下载后已被修改，请重新下载填报表后再填写"))
        return True
    return False


def _validate(planned: list[Planned], unit, period, batch: dict, err: list[CellError]) -> list[Planned]:
    """Lock, version and rule checks, row by row (all errors collected); the rows to write."""
    work = []
    for p in planned:
        row = p.item.report if p.kind == "t" else p.item.row
        if _row_blocked(p, row, period, err):
            continue
        for name, value in p.new.items():
            setattr(row, name, value)
        if p.kind == "i":
            check = plausibility.check_value(p.item.indicator, unit, period, row.value, row.note, batch=batch)
            err.extend(CellError(p.sheet, p.row, VALUE_COLUMNS[6], m) for m in check.errors)
            if p.action == "submit" and not check.errors:
                if row.value is None:
                    err.append(CellError(p.sheet, p.row, VALUE_COLUMNS[6], "报送前请填写数值"))
                for m in check.warnings if not (row.note or "").strip() else []:
                    err.append(CellError(p.sheet, p.row, VALUE_COLUMNS[7], f"{m}，请在说明中注明原因"))
        elif p.action == "submit":
            for m in services.submission_problems(row):
                err.append(CellError(p.sheet, p.row, TASK_COLUMNS[4] if "进度" in m else TASK_COLUMNS[5], m))
        work.append(p)
    return work


def _apply(work: list[Planned], plan, unit, period, *, user, batch: dict, result: ImportResult) -> None:
    """Write everything or nothing (one transaction); a conflict or workflow error becomes a file-level error."""
    try:
        with transaction.atomic():
            for p in work:
                if p.kind == "t":
                    row, created = services.ensure_task_report(plan, p.item.task, unit, period, user=user)
                else:
                    row, created = services.ensure_indicator_value(plan, p.item.indicator, unit, period, user=user)
                if p.version == 0 and not created:
                    raise ConflictError()
                expected = row.version if p.version == 0 else p.version
                if p.changed or created:
                    services.save_draft(row, user=user, data=p.new, expected_version=expected,
                                        action=ReportAction.IMPORTED)
                    result.saved += 1
                    expected = row.version
                if p.action == "submit":
                    services.submit(row, user=user, expected_version=expected, batch=batch)
                    result.submitted += 1
            record_event("reporting.excel_import", user=user, obj=period,
                         detail={"unit": unit.code, "saved": result.saved, "submitted": result.submitted})
    except ConflictError as exc:
        result.errors.append(CellError("", 0, "", exc.message))
        result.saved = result.submitted = 0
    except services.WorkflowError as exc:
        result.errors.extend(CellError("", 0, "", m) for m in exc.messages)
        result.saved = result.submitted = 0


def import_workbook(plan, unit, period, *, user, fileobj) -> ImportResult:
    """Read and validate the whole file first; write only when there is no error at all."""
    result = ImportResult()
    err = result.errors
    result.content, wb = _open(fileobj, err)
    versions = _check_form(wb, plan, unit, period, err) if wb is not None else None
    if versions is None:
        return result
    ws = services.workspace(plan, unit, period)
    batch: dict = {}
    planned = _read_tasks(wb, ws, versions, err) + _read_values(wb, ws, versions, batch, err)
    work = _validate(planned, unit, period, batch, err)
    if not err:
        _apply(work, plan, unit, period, user=user, batch=batch, result=result)
    return result
