from django.db import models
from django.utils.translation import gettext_lazy as _


class DockingStatus(models.TextChoices):
    """A 对接 between a demand and an expert or achievement; moved by ``services.update_docking``."""

    PROPOSED = "proposed", _("拟对接")  # recorded from the match list; → contacted, failed
    CONTACTED = "contacted", _("已联系")  # the parties have met; → succeeded, failed
    SUCCEEDED = "succeeded", _("对接成功")  # final; an achievement's success creates the transfer record
    FAILED = "failed", _("未成功")  # final


TRANSITIONS = {
    DockingStatus.PROPOSED: (DockingStatus.CONTACTED, DockingStatus.SUCCEEDED, DockingStatus.FAILED),
    DockingStatus.CONTACTED: (DockingStatus.SUCCEEDED, DockingStatus.FAILED),
    DockingStatus.SUCCEEDED: (),
    DockingStatus.FAILED: (),
}
