from django.db import models
from django.utils.translation import gettext_lazy as _


class PlanStatus(models.TextChoices):
    # Drafted (loaded or extracted); the office edits it and activates it.
    DRAFT = "draft", _("草稿")
    # In force: units report against it.
    ACTIVE = "active", _("执行中")
    # Year closed; read-only.
    ARCHIVED = "archived", _("已归档")


class IndicatorKind(models.TextChoices):
    COUNT = "count", _("数量")
    AMOUNT = "amount", _("金额")
    RATIO = "ratio", _("比率")
    GROWTH = "growth", _("增长率")


class Comparator(models.TextChoices):
    GTE = ">=", _("不低于")
    EQ = "=", _("等于")
    LTE = "<=", _("不高于")


class ProgressMode(models.TextChoices):
    # Accumulates over the year (new enterprises recognised): expected = target × share of year elapsed.
    CUMULATIVE = "cumulative", _("累计")
    # A stock or a ratio measured at a point in time: expected = target.
    LEVEL = "level", _("水平")
    # A year-on-year growth rate: expected = the target rate.
    GROWTH = "growth", _("增长")


class ValueSource(models.TextChoices):
    REPORTED = "reported", _("单位填报")
    COMPUTED = "computed", _("资源库计算")
    STATISTICAL = "statistical", _("统计数据")


class TaskUnitRole(models.TextChoices):
    LEAD = "lead", _("牵头单位")
    RESPONSIBLE = "responsible", _("责任单位")
