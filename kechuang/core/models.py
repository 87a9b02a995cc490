"""Abstract base models shared by every app."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from .fingerprint import request_memo


class TimeStampedModel(models.Model):
    """Adds creation and last-update timestamps."""

    created = models.DateTimeField(_("创建时间"), auto_now_add=True)
    last_updated = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        abstract = True


class VersionedModel(models.Model):
    """Optimistic concurrency: every edit must name the version it read (see core.concurrency)."""

    version = models.PositiveIntegerField(_("版本"), default=1)

    class Meta:
        abstract = True


class SystemFlag(models.Model):
    """Installation-wide flags, e.g. that demo data (演示数据) has been loaded."""

    key = models.CharField(_("键"), max_length=64, unique=True)
    value = models.CharField(_("值"), max_length=200, blank=True)
    updated = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        ordering = ["key"]
        verbose_name = _("系统标志")
        verbose_name_plural = _("系统标志")

    def __str__(self) -> str:
        return f"{self.key}={self.value}"

    @classmethod
    def get(cls, key: str, default: str = "") -> str:
        """The flag's value. Every flag is read at once, once per GET request: a page asks for several (the
        business date, the demo banner) and the table holds a handful of rows."""
        flags = request_memo(("system_flags",), lambda: dict(cls.objects.order_by().values_list("key", "value")))
        return flags.get(key, default)

    @classmethod
    def set(cls, key: str, value: str) -> None:
        cls.objects.update_or_create(key=key, defaults={"value": value})
