from django.db import models
from django.utils.translation import gettext_lazy as _


class Stage(models.TextChoices):
    """The high-tech pipeline. Moves only through ``services.change_stage`` (office or the
    enterprise's town)."""

    POOL = "pool", _("培育库")  # a candidate being coached; → applying
    APPLYING = "applying", _("申报")  # application filed; → recognised, or back to the pool if refused
    RECOGNISED = "recognised", _("认定")  # recognition announced; → valid when the certificate is issued
    VALID = "valid", _("有效")  # certificate in force; → expired, or re-recognition in its last year
    EXPIRED = "expired", _("到期")  # certificate lapsed; → re-recognition or the pool
    RERECOGNITION = "rerecognition", _("重新认定")  # re-applying as a first-time applicant; → recognised/expired


TRANSITIONS: dict[str, tuple[str, ...]] = {
    Stage.POOL: (Stage.APPLYING,),
    Stage.APPLYING: (Stage.RECOGNISED, Stage.POOL),
    Stage.RECOGNISED: (Stage.VALID,),
    Stage.VALID: (Stage.EXPIRED, Stage.RERECOGNITION),
    Stage.EXPIRED: (Stage.RERECOGNITION, Stage.POOL),
    Stage.RERECOGNITION: (Stage.RECOGNISED, Stage.EXPIRED),
}
