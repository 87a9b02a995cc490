"""``run_import``: refuse hostile files, read the data sheet, validate every row through the registry's resource
(a dry run: nothing written), and only for a file without errors write it in ONE transaction (bulkwrite.py for new
rows, simple_history's bulk update for changed ones), keyed by the natural key: re-importing updates, never
duplicates, and unchanged rows are counted as such. The signal ``import_committed`` follows the commit."""

from __future__ import annotations

import datetime as dt
import logging
import zipfile
from collections.abc import Callable
from xml.etree.ElementTree import ParseError

from django.db import DatabaseError, transaction
from import_export.results import RowResult
from python_calamine import CalamineError
from simple_history.utils import bulk_update_with_history

from kechuang.audit.services import record_event
from kechuang.core.scoping import CHANGE

from ..bulkwrite import BATCH, insert_with_history
from ..config import RegistryConfig, get_registry
from ..conflicts import file_conflicts
from ..signals import import_committed
from .reading import Sheet, Workbook, check_archive, read_sheet
from .resource import Plan, RegistryResource, resource_for
from .results import ImportRefused, ImportResult

logger = logging.getLogger(__name__)

UNREADABLE = (CalamineError, KeyError, ParseError, ValueError, IndexError, zipfile.BadZipFile, EOFError, OSError)
REASON = "Excel导入"


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
    sheet = _read(cfg, data, user, result, progress, filename)
    if sheet is None or not result.ok:
        return result
    try:
        resource = validate_rows(cfg, sheet, user, result, progress=progress)
    except Exception:  # noqa: BLE001 - any file, any cell: a message, never a traceback
        logger.exception("registry import: validation failed")
        result.refuse("校验时出错（系统内部错误，已记录日志），未写入任何数据")
        return result
    progress(45)
    if result.conflicts:
        file_conflicts(cfg.key, user, result.conflicts, "import")
    if not result.ok:
        return result
    if commit:
        try:
            _commit(cfg, resource.plan, user, result, progress)
        except DatabaseError:
            # The validator passed the file, so this is a bug or a race (another import at the same time).
            logger.exception("registry import: commit refused by the database")
            result.committed = False
            result.refuse("写入数据库失败（可能有人同时导入），已全部撤销，未写入任何数据，请稍后重试")
            return result
    progress(100)
    return result


def _read(cfg: RegistryConfig, data: bytes, user, result: ImportResult, progress, filename: str) -> Sheet | None:
    """The data sheet, after the file as a whole passed: its name, the user's right, the archive guard."""
    if filename and not filename.lower().endswith(".xlsx"):
        result.refuse("只接受 .xlsx 格式的 Excel 文件（.xls/.csv/.et 请先另存为 .xlsx）", filename)
        return None
    if user is not None and cfg.model.scope_rule(user, CHANGE) in (False, None):
        result.refuse(f"您没有修改“{cfg.title}”的权限")
        return None
    try:
        check_archive(data)  # before any parser sees the file
    except ImportRefused as exc:
        result.refuse(str(exc))
        return None
    try:
        return read_sheet(cfg, Workbook(data), result, progress)
    except UNREADABLE:
        result.refuse("无法读取 Excel 文件（文件结构损坏），请用 Excel 或 WPS 打开后另存为 .xlsx 再上传")
    except Exception:  # noqa: BLE001 - any file, any cell: a message, never a traceback
        logger.exception("registry import: unreadable file")
        result.refuse("无法读取 Excel 文件（系统内部错误，已记录日志），未写入任何数据")
    return None


def validate_rows(cfg: RegistryConfig, sheet: Sheet, user, result: ImportResult, **kwargs) -> RegistryResource:
    """The resource's dry run over the sheet's rows: located errors, warnings, counts and preview in ``result``;
    the rows to write in ``resource.plan``."""
    resource = resource_for(cfg)(user=user, sheet=sheet, report=result, **kwargs)
    outcome = resource.import_data(sheet.dataset, dry_run=True, use_transactions=True, raise_errors=False)
    for error in outcome.base_errors:
        raise error.error
    totals = outcome.totals
    result.created = totals[RowResult.IMPORT_TYPE_NEW]
    result.updated = totals[RowResult.IMPORT_TYPE_UPDATE]
    result.unchanged = totals[RowResult.IMPORT_TYPE_SKIP]
    return resource


def _commit(cfg: RegistryConfig, plan: Plan, user, result: ImportResult, progress) -> None:
    model = cfg.model
    hist_user = user if getattr(user, "pk", None) else None
    # Visible to other processes: the progress updates inside the write transaction are seen only at its commit.
    progress(50)
    with transaction.atomic():
        done, total = 0, max(1, len(plan.create) + len(plan.update))
        for i in range(0, len(plan.create), BATCH * 5):
            batch = plan.create[i : i + BATCH * 5]
            insert_with_history(model, batch, hist_user, REASON)
            done += len(batch)
            progress(50 + done * 50 // total)
        fields = sorted(plan.update_fields | {"last_updated"})
        now = dt.datetime.now(dt.UTC)
        for obj in plan.update:
            obj.last_updated = now
        for i in range(0, len(plan.update), BATCH):
            batch = plan.update[i : i + BATCH]
            bulk_update_with_history(
                batch, model, fields, batch_size=BATCH, default_user=hist_user, default_change_reason=REASON
            )
            done += len(batch)
            progress(50 + done * 50 // total)
        record_event("registry.import", user=user, detail={"registry": cfg.key, **result.summary(), "committed": True})
    result.committed = True
    # Listeners (the data-quality check) run their work after the transaction commits.
    import_committed.send(sender=ImportResult, registry=cfg.key, user=user, result=result)
