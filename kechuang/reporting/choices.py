from django.db import models
from django.utils.translation import gettext_lazy as _


class SubmissionStatus(models.TextChoices):
    # The unit is still filling it in; only the unit itself sees it. The unit submits it.
    DRAFT = "draft", _("草稿")
    # Sent for review; read-only for the unit. The lead unit's reviewer (or the office) approves or returns it.
    SUBMITTED = "submitted", _("已报送")
    # Accepted and LOCKED on every path; only the office can reopen it (back to returned).
    APPROVED = "approved", _("已审核")
    # Sent back with a reason; the unit edits it and submits again.
    RETURNED = "returned", _("已退回")


# States in which the unit may still edit its row.
EDITABLE_STATUSES = (SubmissionStatus.DRAFT, SubmissionStatus.RETURNED)


class PeriodStatus(models.TextChoices):
    # Units may report.
    OPEN = "open", _("开放")
    # No further entry; the office may reopen it.
    CLOSED = "closed", _("已关闭")


class ReportAction(models.TextChoices):
    CREATED = "created", _("创建")
    SAVED = "saved", _("保存草稿")
    SUBMITTED = "submitted", _("报送")
    APPROVED = "approved", _("审核通过")
    RETURNED = "returned", _("退回修改")
    REOPENED = "reopened", _("重新开放")
    IMPORTED = "imported", _("Excel 导入")
    EVIDENCE_ADDED = "evidence_added", _("上传佐证材料")
    EVIDENCE_REMOVED = "evidence_removed", _("删除佐证材料")


class PrefillSource(models.TextChoices):
    NONE = "", _("无")
    LAST_MONTH = "last_month", _("上月数据")
    COMPUTED = "computed", _("系统计算")
    STATISTICAL = "statistical", _("统计数据")


class PreviewStatus(models.TextChoices):
    # PDF and images are their own preview.
    NONE = "", _("无需预览")
    # A Word/Excel/WPS file waiting for its PDF preview from the task worker.
    PENDING = "pending", _("预览生成中")
    READY = "ready", _("可预览")
    FAILED = "failed", _("预览生成失败")
    # OFD: stored and downloadable, no preview.
    UNAVAILABLE = "unavailable", _("不支持预览")
