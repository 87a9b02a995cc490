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


def build_workbook(ws_data) -> bytes:
    """The unit's month as .xlsx bytes (from ``services.workspace``)."""
    wb = Workbook()
    sheet = wb.active
    sheet.title = TASK_SHEET
    meta = wb.create_sheet(META_SHEET)
    meta.append(["format", FORMAT])
    meta.append(["plan", ws_data.plan.code])
    meta.append(["unit", ws_data.unit.code])
    meta.append(["period", ws_data.period.code])

    def header(sh, columns, widths):
        sh.append(columns)
        for i, width in enumerate(widths, 1):
            cell = sh.cell(row=1, column=i)
            cell.font = Font(bold=True)
            cell.fill = HEADER_FILL
            cell.alignment = Alignment(wrap_text=True, vertical="center")
            sh.column_dimensions[get_column_letter(i)].width = width
        sh.freeze_panes = "A2"

    header(sheet, TASK_COLUMNS, [8, 30, 10, 9, 12, 50, 30, 30, 8])
    pct = DataValidation(type="decimal", operator="between", formula1="0", formula2="100", allow_blank=True,
                         showErrorMessage=True, errorTitle="完成进度", error="请输入 0 到 100 之间的数字")
    act = DataValidation(type="list", formula1='"保存,报送"', allow_blank=True, showErrorMessage=True,
                         errorTitle="操作", error="请选择：保存 或 报送")
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
        for c in range(1, len(TASK_COLUMNS) + 1):
            cell = sheet.cell(row=r, column=c)
            cell.alignment = Alignment(wrap_text=True, vertical="top")
            if editable and (c in TASK_EDIT or c == 9):
                cell.protection = Protection(locked=False)
            else:
                cell.fill = LOCKED_FILL
        if editable:
            pct.add(f"E{r}")
            act.add(f"I{r}")

    vsheet = wb.create_sheet(VALUE_SHEET, 1)
    header(vsheet, VALUE_COLUMNS, [22, 30, 8, 10, 9, 12, 12, 30, 8])
    vact = DataValidation(type="list", formula1='"保存,报送"', allow_blank=True, showErrorMessage=True,
                          errorTitle="操作", error="请选择：保存 或 报送")
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
        for c in range(1, len(VALUE_COLUMNS) + 1):
            cell = vsheet.cell(row=r, column=c)
            if editable and (c in VALUE_EDIT or c == 9):
                cell.protection = Protection(locked=False)
            else:
                cell.fill = LOCKED_FILL
        if editable:
            vnum.add(f"G{r}")
            vact.add(f"I{r}")

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


def import_workbook(plan, unit, period, *, user, fileobj) -> ImportResult:
    """Validate the whole file first; write only when there is no error at all."""
    result = ImportResult()
    err = result.errors
    try:
        data = read_limited(fileobj, settings.IMPORT_MAX_BYTES)
        check_ooxml(data, kind="xlsx", max_uncompressed=FORM_MAX_UNCOMPRESSED)
        result.content = data
    except UploadRefused as exc:
        err.append(CellError("", 0, "", f"无法读取该文件：{exc}（请上传从本系统下载的 .xlsx 填报表）"))
        return result
    try:
        wb = load_workbook(io.BytesIO(data), data_only=True)
    except Exception:  # noqa: BLE001 - any unreadable file is one Chinese error
        err.append(CellError("", 0, "", "无法读取该文件，请上传从本系统下载的 .xlsx 填报表"))
        return result
    for ws_ in wb.worksheets:
        if ws_.max_row > FORM_MAX_ROWS:
            err.append(CellError(ws_.title, FORM_MAX_ROWS + 1, "", f"行数超过 {FORM_MAX_ROWS}，不是本系统的填报表"))
    if err:
        return result
    for name in (TASK_SHEET, VALUE_SHEET):
        if name not in wb.sheetnames:
            err.append(CellError(name, 0, "", "缺少该工作表，请使用本系统下载的填报表"))
    if META_SHEET not in wb.sheetnames:
        # The hidden sheet is ours, not the user's: name the problem, not the sheet.
        err.append(CellError("", 0, "", "文件缺少本系统填报表的隐藏信息（可能是另存或复制出的新文件），"
                                        "请重新下载填报表后填写"))
    if err:
        return result
    meta_rows = [r for r in wb[META_SHEET].iter_rows(values_only=True) if r and r[0]]
    header = {r[0]: r[1] for r in meta_rows if r[0] in ("format", "plan", "unit", "period")}
    expect = {"format": FORMAT, "plan": plan.code, "unit": unit.code, "period": period.code}
    for key, label in (("format", "格式"), ("plan", "方案"), ("unit", "单位"), ("period", "填报期")):
        if str(header.get(key, "")) != expect[key]:
            err.append(CellError(
                "", 0, "", f"该文件的{label}（{header.get(key) or '无'}）与当前页面（{expect[key]}）不一致"
            ))
    if err:
        return result
    versions = {(r[0], int(r[1])): int(r[2] or 0) for r in meta_rows if r[0] in ("t", "i")}

    ws = services.workspace(plan, unit, period)
    tasks_by_number = {item.task.number: item for item in ws.tasks}
    inds_by_code = {item.indicator.code: item for item in ws.indicators}
    plans: list[tuple] = []  # (kind, item, data, version, action, sheet, row)

    # --- 任务进展
    sheet = wb[TASK_SHEET]
    seen = set()
    for r, values in enumerate(sheet.iter_rows(min_row=2, values_only=True), start=2):
        values = list(values) + [None] * (len(TASK_COLUMNS) - len(values))
        if all(v is None or str(v).strip() == "" for v in values):
            continue
        number = str(values[0] or "").strip()
        item = tasks_by_number.get(number)
        if item is None:
            err.append(CellError(TASK_SHEET, r, TASK_COLUMNS[0], f"任务“{number}”不是本单位本月的任务"))
            continue
        if number in seen:
            err.append(CellError(TASK_SHEET, r, TASK_COLUMNS[0], f"任务“{number}”重复出现"))
            continue
        seen.add(number)
        new = {}
        for col, name in TASK_EDIT.items():
            raw = unescape(values[col - 1])
            try:
                new.update(services.clean_task_data({name: raw}))
            except services.InvalidData as exc:
                for m in exc.messages:
                    err.append(CellError(TASK_SHEET, r, TASK_COLUMNS[col - 1], m))
        action = ACTIONS.get(str(values[8] or "保存").strip())
        if action is None:
            err.append(CellError(TASK_SHEET, r, TASK_COLUMNS[8], "操作只能为“保存”或“报送”"))
            continue
        plans.append(("t", item, new, versions.get(("t", item.task.pk)), action, TASK_SHEET, r))

    # --- 指标数据
    vsheet = wb[VALUE_SHEET]
    batch = {}
    seen = set()
    for r, values in enumerate(vsheet.iter_rows(min_row=2, values_only=True), start=2):
        values = list(values) + [None] * (len(VALUE_COLUMNS) - len(values))
        if all(v is None or str(v).strip() == "" for v in values):
            continue
        code = str(values[0] or "").strip()
        item = inds_by_code.get(code)
        if item is None:
            err.append(CellError(VALUE_SHEET, r, VALUE_COLUMNS[0], f"指标“{code}”不是本单位负责的指标"))
            continue
        if code in seen:
            err.append(CellError(VALUE_SHEET, r, VALUE_COLUMNS[0], f"指标“{code}”重复出现"))
            continue
        seen.add(code)
        if not item.needs_entry:
            if values[6] not in (None, ""):
                err.append(CellError(VALUE_SHEET, r, VALUE_COLUMNS[6], "该指标由系统自动取数，无需填写"))
            continue
        new = {}
        for col, name in VALUE_EDIT.items():
            raw = unescape(values[col - 1])
            try:
                new.update(services.clean_value_data({name: raw}))
            except services.InvalidData as exc:
                for m in exc.messages:
                    err.append(CellError(VALUE_SHEET, r, VALUE_COLUMNS[col - 1], m))
        if "value" in new:
            batch[item.indicator.pk] = new["value"]
        action = ACTIONS.get(str(values[8] or "保存").strip())
        if action is None:
            err.append(CellError(VALUE_SHEET, r, VALUE_COLUMNS[8], "操作只能为“保存”或“报送”"))
            continue
        plans.append(("i", item, new, versions.get(("i", item.indicator.pk)), action, VALUE_SHEET, r))

    # --- lock, version and rule checks, row by row (all collected)
    edit_cols = {"t": {v: TASK_COLUMNS[k - 1] for k, v in TASK_EDIT.items()},
                 "i": {v: VALUE_COLUMNS[k - 1] for k, v in VALUE_EDIT.items()}}
    work = []
    for kind, item, new, version, action, sheet_name, r in plans:
        row = item.report if kind == "t" else item.row
        changed = [name for name, value in new.items() if not _same(getattr(row, name), value)]
        first_col = edit_cols[kind][changed[0]] if changed else ""
        if not row.is_editable:
            if changed or action == "submit" and row.status != "submitted":
                msg = ("该行已审核通过并锁定，不能修改（需领导小组办公室重新开放）" if row.is_locked
                       else "该行已报送，正在审核，不能修改")
                err.append(CellError(sheet_name, r, first_col, msg))
            continue
        if not period.is_open and (changed or action == "submit"):
            err.append(CellError(sheet_name, r, first_col, f"{period.label}填报期已关闭"))
            continue
        current = row.version if row.pk else 0
        if version is None or version != current:
            if changed or action == "submit":
                err.append(CellError(sheet_name, r, first_col,
                                     "该行在下载后已被修改，请重新下载填报表后再填写"))
            continue
        for name, value in new.items():
            setattr(row, name, value)
        if kind == "i":
            check = plausibility.check_value(item.indicator, unit, period, row.value, row.note, batch=batch)
            for m in check.errors:
                err.append(CellError(sheet_name, r, VALUE_COLUMNS[6], m))
            if action == "submit" and not check.errors:
                if row.value is None:
                    err.append(CellError(sheet_name, r, VALUE_COLUMNS[6], "报送前请填写数值"))
                for m in check.warnings if not (row.note or "").strip() else []:
                    err.append(CellError(sheet_name, r, VALUE_COLUMNS[7], f"{m}，请在说明中注明原因"))
        elif action == "submit":
            for m in services.submission_problems(row):
                col = TASK_COLUMNS[4] if "进度" in m else TASK_COLUMNS[5]
                err.append(CellError(sheet_name, r, col, m))
        work.append((kind, item, new, version, action, sheet_name, r, bool(changed)))
    if err:
        return result

    # --- write everything or nothing
    try:
        with transaction.atomic():
            for kind, item, new, version, action, _sheet, _row, changed in work:
                if kind == "t":
                    row, created = services.ensure_task_report(plan, item.task, unit, period, user=user)
                else:
                    row, created = services.ensure_indicator_value(plan, item.indicator, unit, period, user=user)
                if version == 0 and not created:
                    raise ConflictError()
                expected = row.version if version == 0 else version
                if changed or created:
                    services.save_draft(row, user=user, data=new, expected_version=expected,
                                        action=ReportAction.IMPORTED)
                    result.saved += 1
                    expected = row.version
                if action == "submit":
                    services.submit(row, user=user, expected_version=expected, batch=batch)
                    result.submitted += 1
            from kechuang.audit.services import record_event

            record_event("reporting.excel_import", user=user, obj=period,
                         detail={"unit": unit.code, "saved": result.saved, "submitted": result.submitted})
    except ConflictError as exc:
        result.errors.append(CellError("", 0, "", exc.message))
        result.saved = result.submitted = 0
    except services.WorkflowError as exc:
        result.errors.extend(CellError("", 0, "", m) for m in exc.messages)
        result.saved = result.submitted = 0
    return result
