"""S&T resource registries (科技资源库): enterprises and what they hold, platforms, talents, contracts …

Scoping (``RegistryModel.scope_rule``): the office sees and changes everything; leaders read
everything; departments' reporters/reviewers read every registry row; a town, street or zone
reporter/reviewer reads and changes the rows linked to enterprises in its jurisdiction
(``Enterprise.town``), through the per-model ``town_lookup``. Reference pools (experts,
achievements, training sessions) are readable by every unit user.

Personal data (talents' and experts' ID and phone numbers) is encrypted at rest with Fernet
(key derived from settings.PII_KEY) plus a keyed HMAC for uniqueness and lookup; nothing in
the database holds the plain number.
"""

from __future__ import annotations

import base64
import datetime as dt
import functools
import hashlib
import hmac

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from kechuang.core.models import TimeStampedModel
from kechuang.core.predicates import is_office
from kechuang.core.scoping import VIEW, ScopedManager

from .validators import mask_id, mask_phone

JURISDICTION_KINDS = ("town", "street", "zone")
MONEY = {"max_digits": 16, "decimal_places": 2}


@functools.cache
def _initial(char: str) -> str:
    from pypinyin import Style, lazy_pinyin

    return lazy_pinyin(char, style=Style.FIRST_LETTER, errors=lambda chars: list(chars))[0]


def pinyin_initials(text: str) -> str:
    """Lowercase pinyin initials of Chinese characters (other characters kept), e.g. 华中科技 → hzkj.

    Character by character (cached), so bulk imports stay fast; a polyphonic character takes its
    most common reading."""
    if not text:
        return ""
    return "".join(map(_initial, text)).lower().replace(" ", "")[:100]


# --------------------------------------------------------------------------------------- PII


def _fernet():
    from cryptography.fernet import Fernet

    key = hashlib.sha256(("fernet:" + settings.PII_KEY).encode()).digest()
    return Fernet(base64.urlsafe_b64encode(key))


def encrypt_pii(value: str) -> str:
    return _fernet().encrypt(value.encode()).decode() if value else ""


def decrypt_pii(token: str) -> str:
    return _fernet().decrypt(token.encode()).decode() if token else ""


def pii_hash(value: str) -> str | None:
    if not value:
        return None
    return hmac.new(("hmac:" + settings.PII_KEY).encode(), value.encode(), hashlib.sha256).hexdigest()


# ----------------------------------------------------------------------------------- base


class RegistryModel(TimeStampedModel):
    """Common behaviour: scoping, pinyin initials for search, URLs."""

    initials = models.CharField(_("拼音首字母"), max_length=100, blank=True, default="", db_index=True, editable=False)

    objects = ScopedManager()

    # Lookup from this model to the Unit whose jurisdiction it belongs to (None: not linked).
    town_lookup: str | None = "enterprise__town"
    # Rows not linked to a town that town users may still read (reference pools).
    town_reads_all = False
    initials_source = "name"
    registry_key = ""

    class Meta:
        abstract = True

    @classmethod
    def scope_rule(cls, user, action):
        from kechuang.accounts.models import Role

        if user.has_role(Role.OFFICE):
            return True
        if action == VIEW and user.has_role(Role.LEADER):
            return True
        if not (user.unit_id and user.has_role(Role.REPORTER, Role.REVIEWER)):
            return False
        if user.unit.kind in JURISDICTION_KINDS:
            if cls.town_lookup is None:
                return action == VIEW and cls.town_reads_all
            return Q(**{cls.town_lookup: user.unit_id})
        # Departments read every registry row and change none.
        return action == VIEW

    def fill_initials(self) -> None:
        self.initials = pinyin_initials(str(getattr(self, self.initials_source, "") or ""))

    def save(self, *args, **kwargs):
        self.fill_initials()
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return reverse("registry:detail", kwargs={"registry": self.registry_key, "pk": self.pk})


class PiiMixin(models.Model):
    """Masked display helpers shared by Talent and Expert."""

    class Meta:
        abstract = True

    @property
    def id_number(self) -> str:
        return decrypt_pii(getattr(self, "id_number_enc", ""))

    @property
    def phone(self) -> str:
        return decrypt_pii(self.phone_enc)

    def set_phone(self, value: str) -> None:
        self.phone_enc = encrypt_pii(value)
        self.phone_hash = pii_hash(value)

    @property
    def id_number_masked(self) -> str:
        return mask_id(self.id_number)

    @property
    def phone_masked(self) -> str:
        return mask_phone(self.phone)


# ----------------------------------------------------------------------------- enterprises


class Enterprise(RegistryModel):
    uscc = models.CharField(_("统一社会信用代码"), max_length=18, unique=True)
    uscc_warning = models.BooleanField(
        _("代码校验位存疑"), default=False, help_text=_("校验位不符合 GB 32100（早期试点代码可能如此），已接受但需核实")
    )
    name = models.CharField(_("企业名称"), max_length=200)
    town = models.ForeignKey(
        "org.Unit",
        verbose_name=_("所在镇办/开发区"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="enterprises",
    )
    industry_code = models.CharField(_("行业代码"), max_length=10, blank=True)
    industry_name = models.CharField(_("所属行业"), max_length=100, blank=True)
    is_above_scale = models.BooleanField(_("规上企业"), default=False)
    is_industrial = models.BooleanField(_("工业企业"), default=False)
    registered_on = models.DateField(_("成立日期"), null=True, blank=True)
    address = models.CharField(_("地址"), max_length=200, blank=True)
    contact = models.CharField(_("联系人"), max_length=100, blank=True)
    is_active = models.BooleanField(_("存续"), default=True)
    history = HistoricalRecords()

    town_lookup = "town"
    registry_key = "enterprises"

    class Meta:
        ordering = ["name", "id"]
        verbose_name = _("企业")
        verbose_name_plural = _("企业")
        indexes = [
            models.Index(fields=["town", "name"], name="reg_ent_town_name"),
            models.Index(fields=["is_above_scale", "is_industrial"], name="reg_ent_scale"),
        ]

    def __str__(self) -> str:
        return self.name


class EnterpriseYear(RegistryModel):
    enterprise = models.ForeignKey(Enterprise, verbose_name=_("企业"), on_delete=models.CASCADE, related_name="years")
    year = models.PositiveIntegerField(_("年度"))
    revenue = models.DecimalField(_("营业收入（元）"), null=True, blank=True, **MONEY)
    rd_expense = models.DecimalField(_("研发费用（元）"), null=True, blank=True, **MONEY)
    rd_domestic = models.DecimalField(_("境内研发费用（元）"), null=True, blank=True, **MONEY)
    hightech_revenue = models.DecimalField(_("高新技术产品收入（元）"), null=True, blank=True, **MONEY)
    total_cost = models.DecimalField(_("成本费用总额（元）"), null=True, blank=True, **MONEY)
    total_assets = models.DecimalField(_("资产总额（元）"), null=True, blank=True, **MONEY)
    net_assets = models.DecimalField(_("净资产（元）"), null=True, blank=True, **MONEY)
    employees = models.PositiveIntegerField(_("职工人数"), null=True, blank=True)
    tech_staff = models.PositiveIntegerField(_("科技人员数"), null=True, blank=True)
    rd_deduction_claimed = models.BooleanField(_("享受研发费用加计扣除"), default=False)
    history = HistoricalRecords()

    initials_source = "enterprise_name"
    registry_key = "enterprise-years"

    class Meta:
        ordering = ["-year", "enterprise_id"]
        constraints = [models.UniqueConstraint(fields=["enterprise", "year"], name="reg_uniq_enterprise_year")]
        verbose_name = _("企业年度数据")
        verbose_name_plural = _("企业年度数据")

    def __str__(self) -> str:
        return f"{self.enterprise} {self.year}年"

    @property
    def enterprise_name(self) -> str:
        return self.enterprise.name if self.enterprise_id else ""


class CertificateStatus(models.TextChoices):
    VALID = "valid", _("有效")
    EXPIRED = "expired", _("已过期")
    REVOKED = "revoked", _("已撤销")


def add_years(day: dt.date, years: int) -> dt.date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


class HighTechCertificate(RegistryModel):
    """高新技术企业证书: valid three years from the issue date (valid while issued_on ≤ d < expires_on)."""

    enterprise = models.ForeignKey(
        Enterprise, verbose_name=_("企业"), on_delete=models.CASCADE, related_name="hightech_certificates"
    )
    number = models.CharField(_("证书编号"), max_length=40, unique=True)
    issued_on = models.DateField(_("发证日期"))
    expires_on = models.DateField(_("有效期至"), blank=True)
    status = models.CharField(
        _("状态"), max_length=10, choices=CertificateStatus.choices, default=CertificateStatus.VALID
    )
    is_first_recognition = models.BooleanField(_("首次认定"), default=True)
    history = HistoricalRecords()

    initials_source = "number"
    registry_key = "certificates"

    class Meta:
        ordering = ["-issued_on", "number"]
        verbose_name = _("高新技术企业证书")
        verbose_name_plural = _("高新技术企业证书")
        indexes = [models.Index(fields=["issued_on", "expires_on"], name="reg_cert_dates")]

    def __str__(self) -> str:
        return f"{self.number}（{self.enterprise}）"

    def save(self, *args, **kwargs):
        if self.issued_on and not self.expires_on:
            self.expires_on = add_years(self.issued_on, 3)
        super().save(*args, **kwargs)

    @staticmethod
    def valid_at_q(day: dt.date, prefix: str = "") -> Q:
        return Q(**{f"{prefix}issued_on__lte": day, f"{prefix}expires_on__gt": day}) & ~Q(
            **{f"{prefix}status": CertificateStatus.REVOKED}
        )


class TechSMERegistration(RegistryModel):
    """科技型中小企业入库登记: valid for its year only."""

    enterprise = models.ForeignKey(
        Enterprise, verbose_name=_("企业"), on_delete=models.CASCADE, related_name="tech_sme_registrations"
    )
    number = models.CharField(_("登记编号"), max_length=40)
    year = models.PositiveIntegerField(_("年度"))
    registered_on = models.DateField(_("入库日期"), null=True, blank=True)
    history = HistoricalRecords()

    initials_source = "number"
    registry_key = "tech-smes"

    class Meta:
        ordering = ["-year", "number"]
        constraints = [models.UniqueConstraint(fields=["enterprise", "year"], name="reg_uniq_sme_year")]
        verbose_name = _("科技型中小企业登记")
        verbose_name_plural = _("科技型中小企业登记")

    def __str__(self) -> str:
        return f"{self.number}（{self.year}年）"


class LabelKind(models.TextChoices):
    SPECIALISED = "专精特新", _("专精特新")
    GAZELLE = "瞪羚", _("瞪羚企业")
    UNICORN = "独角兽", _("独角兽企业")
    MOOSE = "驼鹿", _("驼鹿企业")
    LISTING = "上市阶段", _("上市阶段")
    KEY = "重点骨干", _("重点骨干企业")


class EnterpriseLabel(RegistryModel):
    enterprise = models.ForeignKey(Enterprise, verbose_name=_("企业"), on_delete=models.CASCADE, related_name="labels")
    kind = models.CharField(_("类型"), max_length=10, choices=LabelKind.choices)
    level = models.CharField(_("级别/阶段"), max_length=40, blank=True)
    year = models.PositiveIntegerField(_("年度"), null=True, blank=True)
    history = HistoricalRecords()

    initials_source = "kind"
    registry_key = "labels"

    class Meta:
        ordering = ["enterprise_id", "kind"]
        verbose_name = _("企业称号")
        verbose_name_plural = _("企业称号")

    def __str__(self) -> str:
        return f"{self.enterprise} · {self.kind}{self.level}"


class Level(models.TextChoices):
    NATIONAL = "national", _("国家级")
    PROVINCIAL = "provincial", _("省级")
    PREFECTURE = "prefecture", _("市（州）级")
    COUNTY = "county", _("县（市）级")


class RDInstitution(RegistryModel):
    """An enterprise's R&D institution (研发机构)."""

    enterprise = models.ForeignKey(
        Enterprise, verbose_name=_("企业"), on_delete=models.CASCADE, related_name="rd_institutions"
    )
    name = models.CharField(_("机构名称"), max_length=200)
    kind = models.CharField(_("机构类型"), max_length=50, blank=True)
    level = models.CharField(_("级别"), max_length=12, choices=Level.choices, blank=True)
    recognised_on = models.DateField(_("认定日期"), null=True, blank=True)
    history = HistoricalRecords()

    registry_key = "rd-institutions"

    class Meta:
        ordering = ["enterprise_id", "name"]
        verbose_name = _("企业研发机构")
        verbose_name_plural = _("企业研发机构")

    def __str__(self) -> str:
        return self.name


PLATFORM_KINDS = [
    "企校联合创新中心",
    "企业技术中心",
    "工程(技术)研究中心",
    "院士专家工作站",
    "产业研究院",
    "重点实验室",
    "星创天地",
    "众创空间",
    "科技企业孵化器",
    "其他",
]


class Platform(RegistryModel):
    name = models.CharField(_("平台名称"), max_length=200)
    kind = models.CharField(_("平台类型"), max_length=30, choices=[(k, k) for k in PLATFORM_KINDS])
    level = models.CharField(_("级别"), max_length=12, choices=Level.choices)
    host = models.ForeignKey(
        Enterprise,
        verbose_name=_("依托企业"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="platforms",
    )
    filed_on = models.DateField(_("备案日期"), null=True, blank=True)
    recognised_on = models.DateField(_("认定日期"), null=True, blank=True)
    upgrade_target = models.CharField(_("升级目标"), max_length=100, blank=True)
    history = HistoricalRecords()

    town_lookup = "host__town"
    registry_key = "platforms"

    class Meta:
        ordering = ["name", "id"]
        verbose_name = _("创新平台")
        verbose_name_plural = _("创新平台")

    def __str__(self) -> str:
        return self.name


# ---------------------------------------------------------------------------------- people

TALENT_CATEGORIES = ["高端人才", "高端团队成员", "科技副总", "炎帝人才计划", "拔尖人才", "其他"]


class Talent(PiiMixin, RegistryModel):
    name = models.CharField(_("姓名"), max_length=50)
    id_number_enc = models.TextField(_("身份证号（密文）"), blank=True, default="", editable=False)
    id_hash = models.CharField(_("身份证号摘要"), max_length=64, unique=True, null=True, blank=True, editable=False)
    phone_enc = models.TextField(_("电话（密文）"), blank=True, default="", editable=False)
    phone_hash = models.CharField(_("电话摘要"), max_length=64, null=True, blank=True, db_index=True, editable=False)
    education = models.CharField(_("学历"), max_length=20, blank=True)
    title = models.CharField(_("职称"), max_length=50, blank=True)
    field = models.CharField(_("专业领域"), max_length=100, blank=True)
    employer = models.ForeignKey(
        Enterprise,
        verbose_name=_("工作单位（企业）"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="talents",
    )
    employer_name = models.CharField(_("工作单位"), max_length=200, blank=True)
    category = models.CharField(_("人才类别"), max_length=20, choices=[(c, c) for c in TALENT_CATEGORIES])
    introduced_on = models.DateField(_("引进日期"), null=True, blank=True)
    status = models.CharField(_("状态"), max_length=20, blank=True, default="在岗")
    history = HistoricalRecords()

    town_lookup = "employer__town"
    registry_key = "talents"

    class Meta:
        ordering = ["name", "id"]
        verbose_name = _("科技人才")
        verbose_name_plural = _("科技人才")

    def __str__(self) -> str:
        return self.name

    def set_id_number(self, value: str) -> None:
        self.id_number_enc = encrypt_pii(value)
        self.id_hash = pii_hash(value)


class Team(RegistryModel):
    name = models.CharField(_("团队名称"), max_length=200)
    leader = models.CharField(_("带头人"), max_length=50)
    category = models.CharField(_("类别"), max_length=20, default="高端团队")
    introduced_on = models.DateField(_("引进日期"), null=True, blank=True)
    employer = models.ForeignKey(
        Enterprise, verbose_name=_("依托企业"), null=True, blank=True, on_delete=models.SET_NULL, related_name="teams"
    )
    employer_name = models.CharField(_("依托单位"), max_length=200, blank=True)
    history = HistoricalRecords()

    town_lookup = "employer__town"
    registry_key = "teams"

    class Meta:
        ordering = ["name", "id"]
        verbose_name = _("人才团队")
        verbose_name_plural = _("人才团队")

    def __str__(self) -> str:
        return self.name


# --------------------------------------------------------------------------- transactions

CONTRACT_KINDS = ["技术开发", "技术转让", "技术许可", "技术咨询", "技术服务"]


class TechContract(RegistryModel):
    number = models.CharField(_("合同登记编号"), max_length=50, unique=True)
    kind = models.CharField(_("合同类型"), max_length=10, choices=[(k, k) for k in CONTRACT_KINDS])
    seller = models.CharField(_("卖方"), max_length=200)
    buyer = models.CharField(_("买方"), max_length=200)
    enterprise = models.ForeignKey(
        Enterprise,
        verbose_name=_("本地企业"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="contracts",
    )
    amount = models.DecimalField(_("成交金额（元）"), **MONEY)
    registered_on = models.DateField(_("登记日期"))
    history = HistoricalRecords()

    initials_source = "seller"
    registry_key = "contracts"

    class Meta:
        ordering = ["-registered_on", "number"]
        verbose_name = _("技术合同")
        verbose_name_plural = _("技术合同")

    def __str__(self) -> str:
        return self.number


class AchievementTransfer(RegistryModel):
    title = models.CharField(_("成果名称"), max_length=200)
    source_institution = models.CharField(_("成果来源单位"), max_length=200)
    enterprise = models.ForeignKey(
        Enterprise,
        verbose_name=_("承接企业"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="transfers",
    )
    way = models.CharField(_("转化方式"), max_length=30, blank=True)
    amount = models.DecimalField(_("金额（元）"), null=True, blank=True, **MONEY)
    transferred_on = models.DateField(_("转化日期"))
    history = HistoricalRecords()

    initials_source = "title"
    registry_key = "transfers"

    class Meta:
        ordering = ["-transferred_on", "title"]
        verbose_name = _("科技成果转化")
        verbose_name_plural = _("科技成果转化")

    def __str__(self) -> str:
        return self.title


class UniversityAgreement(RegistryModel):
    university = models.CharField(_("高校/院所"), max_length=200)
    signed_on = models.DateField(_("签约日期"))
    scope = models.TextField(_("合作内容"), blank=True)
    results = models.TextField(_("合作成果"), blank=True)
    has_substantive_results = models.BooleanField(_("取得实质性成果"), default=False)
    history = HistoricalRecords()

    town_lookup = None
    initials_source = "university"
    registry_key = "agreements"

    class Meta:
        ordering = ["-signed_on", "university"]
        verbose_name = _("校地合作协议")
        verbose_name_plural = _("校地合作协议")

    def __str__(self) -> str:
        return f"{self.university}（{self.signed_on}）"


class Commissioner(RegistryModel):
    """科技特派员."""

    name = models.CharField(_("姓名"), max_length=50)
    dispatching_body = models.CharField(_("派出单位"), max_length=200)
    service_town = models.ForeignKey(
        "org.Unit",
        verbose_name=_("服务镇办"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="commissioners",
    )
    service_target = models.CharField(_("服务对象（村/企业）"), max_length=200, blank=True)
    term_start = models.DateField(_("服务开始"), null=True, blank=True)
    term_end = models.DateField(_("服务结束"), null=True, blank=True)
    history = HistoricalRecords()

    town_lookup = "service_town"
    registry_key = "commissioners"

    class Meta:
        ordering = ["name", "id"]
        verbose_name = _("科技特派员")
        verbose_name_plural = _("科技特派员")

    def __str__(self) -> str:
        return self.name


class CommissionerLog(RegistryModel):
    commissioner = models.ForeignKey(
        Commissioner, verbose_name=_("科技特派员"), on_delete=models.CASCADE, related_name="logs"
    )
    served_on = models.DateField(_("服务日期"))
    content = models.TextField(_("服务内容"))
    history = HistoricalRecords()

    town_lookup = "commissioner__service_town"
    initials_source = "content"
    registry_key = "commissioner-logs"

    class Meta:
        ordering = ["-served_on", "id"]
        verbose_name = _("特派员服务记录")
        verbose_name_plural = _("特派员服务记录")

    def __str__(self) -> str:
        return f"{self.commissioner} {self.served_on}"


PATENT_KINDS = ["发明", "实用新型", "外观设计", "软件著作权"]


class Patent(RegistryModel):
    number = models.CharField(_("专利号/登记号"), max_length=40, unique=True)
    title = models.CharField(_("名称"), max_length=200, blank=True)
    kind = models.CharField(_("类型"), max_length=10, choices=[(k, k) for k in PATENT_KINDS])
    owner = models.ForeignKey(
        Enterprise,
        verbose_name=_("权利人（企业）"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="patents",
    )
    owner_name = models.CharField(_("权利人"), max_length=200, blank=True)
    applied_on = models.DateField(_("申请日"), null=True, blank=True)
    granted_on = models.DateField(_("授权日"), null=True, blank=True)
    is_high_value = models.BooleanField(_("高价值专利"), default=False)
    status = models.CharField(_("法律状态"), max_length=20, blank=True, default="有效")
    history = HistoricalRecords()

    town_lookup = "owner__town"
    initials_source = "owner_name"
    registry_key = "patents"

    class Meta:
        ordering = ["-granted_on", "number"]
        verbose_name = _("专利")
        verbose_name_plural = _("专利")

    def __str__(self) -> str:
        return self.number


class IPTraining(RegistryModel):
    title = models.CharField(_("培训名称"), max_length=200)
    held_on = models.DateField(_("举办日期"))
    organiser = models.CharField(_("主办单位"), max_length=200, blank=True)
    history = HistoricalRecords()

    town_lookup = None
    town_reads_all = True
    initials_source = "title"
    registry_key = "ip-trainings"

    class Meta:
        ordering = ["-held_on", "title"]
        verbose_name = _("知识产权培训")
        verbose_name_plural = _("知识产权培训")

    def __str__(self) -> str:
        return f"{self.title}（{self.held_on}）"


class IPTrainingAttendance(RegistryModel):
    training = models.ForeignKey(
        IPTraining, verbose_name=_("培训"), on_delete=models.CASCADE, related_name="attendances"
    )
    enterprise = models.ForeignKey(
        Enterprise, verbose_name=_("参训企业"), on_delete=models.CASCADE, related_name="ip_trainings"
    )
    history = HistoricalRecords()

    initials_source = "enterprise_name"
    registry_key = "ip-attendances"

    class Meta:
        ordering = ["training_id", "enterprise_id"]
        constraints = [models.UniqueConstraint(fields=["training", "enterprise"], name="reg_uniq_attendance")]
        verbose_name = _("知识产权培训参训企业")
        verbose_name_plural = _("知识产权培训参训企业")

    def __str__(self) -> str:
        return f"{self.training} · {self.enterprise}"

    @property
    def enterprise_name(self) -> str:
        return self.enterprise.name if self.enterprise_id else ""


class PledgeFinancing(RegistryModel):
    enterprise = models.ForeignKey(Enterprise, verbose_name=_("企业"), on_delete=models.CASCADE, related_name="pledges")
    bank = models.CharField(_("金融机构"), max_length=100)
    amount = models.DecimalField(_("质押融资金额（元）"), **MONEY)
    pledged_on = models.DateField(_("放款日期"))
    history = HistoricalRecords()

    initials_source = "bank"
    registry_key = "pledges"

    class Meta:
        ordering = ["-pledged_on", "id"]
        verbose_name = _("知识产权质押融资")
        verbose_name_plural = _("知识产权质押融资")

    def __str__(self) -> str:
        return f"{self.enterprise} · {self.bank} {self.pledged_on}"


class FundingMode(models.TextChoices):
    UPFRONT = "前期资助", _("前期资助")
    POST = "后补助", _("后补助")


class Funding(RegistryModel):
    programme = models.CharField(_("项目/资金名称"), max_length=200)
    enterprise = models.ForeignKey(
        Enterprise, verbose_name=_("企业"), on_delete=models.CASCADE, related_name="fundings"
    )
    amount = models.DecimalField(_("金额（元）"), **MONEY)
    mode = models.CharField(_("方式"), max_length=10, choices=FundingMode.choices)
    granted_on = models.DateField(_("拨付日期"))
    history = HistoricalRecords()

    initials_source = "programme"
    registry_key = "fundings"

    class Meta:
        ordering = ["-granted_on", "id"]
        verbose_name = _("科技资金支持")
        verbose_name_plural = _("科技资金支持")

    def __str__(self) -> str:
        return f"{self.programme} · {self.enterprise}"


# ------------------------------------------------------------------------------ matching


class Demand(RegistryModel):
    enterprise = models.ForeignKey(Enterprise, verbose_name=_("企业"), on_delete=models.CASCADE, related_name="demands")
    title = models.CharField(_("需求名称"), max_length=200)
    description = models.TextField(_("需求描述"), blank=True)
    keywords = models.CharField(_("关键词"), max_length=200, blank=True)
    field = models.CharField(_("技术领域"), max_length=100, blank=True)
    posted_on = models.DateField(_("发布日期"), null=True, blank=True)
    status = models.CharField(_("状态"), max_length=20, default="征集中")
    history = HistoricalRecords()

    initials_source = "title"
    registry_key = "demands"

    class Meta:
        ordering = ["-posted_on", "id"]
        verbose_name = _("企业技术需求")
        verbose_name_plural = _("企业技术需求")

    def __str__(self) -> str:
        return self.title


class Expert(PiiMixin, RegistryModel):
    name = models.CharField(_("姓名"), max_length=50)
    institution = models.CharField(_("所在单位"), max_length=200, blank=True)
    title = models.CharField(_("职称"), max_length=50, blank=True)
    field = models.CharField(_("专业领域"), max_length=100, blank=True)
    keywords = models.CharField(_("研究方向关键词"), max_length=200, blank=True)
    description = models.TextField(_("简介"), blank=True)
    phone_enc = models.TextField(_("联系电话（密文）"), blank=True, default="", editable=False)
    phone_hash = models.CharField(_("电话摘要"), max_length=64, null=True, blank=True, db_index=True, editable=False)
    history = HistoricalRecords()

    town_lookup = None
    town_reads_all = True
    registry_key = "experts"

    class Meta:
        ordering = ["name", "id"]
        verbose_name = _("专家")
        verbose_name_plural = _("专家")

    def __str__(self) -> str:
        return self.name

    @property
    def contact(self) -> str:
        return self.phone

    @property
    def contact_masked(self) -> str:
        return self.phone_masked


class Achievement(RegistryModel):
    title = models.CharField(_("成果名称"), max_length=200)
    institution = models.CharField(_("完成单位"), max_length=200, blank=True)
    description = models.TextField(_("成果简介"), blank=True)
    keywords = models.CharField(_("关键词"), max_length=200, blank=True)
    field = models.CharField(_("技术领域"), max_length=100, blank=True)
    history = HistoricalRecords()

    town_lookup = None
    town_reads_all = True
    initials_source = "title"
    registry_key = "achievements"

    class Meta:
        ordering = ["title", "id"]
        verbose_name = _("科技成果")
        verbose_name_plural = _("科技成果")

    def __str__(self) -> str:
        return self.title


# ---------------------------------------------------------------------------- import jobs


class ImportStatus(models.TextChoices):
    PENDING = "pending", _("排队中")
    VALIDATING = "validating", _("校验中")
    INVALID = "invalid", _("有错误")
    VALID = "valid", _("校验通过，待提交")
    COMMITTING = "committing", _("写入中")
    DONE = "done", _("已完成")
    FAILED = "failed", _("失败")


class ImportJob(models.Model):
    """One uploaded workbook and its progress (an operational record, not registry data: no history)."""

    registry = models.CharField(_("资源库"), max_length=40)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("上传人"), on_delete=models.PROTECT, related_name="registry_imports"
    )
    filename = models.CharField(_("文件名"), max_length=200)
    content = models.BinaryField(_("文件内容"), editable=False)
    status = models.CharField(_("状态"), max_length=12, choices=ImportStatus.choices, default=ImportStatus.PENDING)
    commit_requested = models.BooleanField(_("提交写入"), default=False)
    progress = models.PositiveIntegerField(_("进度（%）"), default=0)
    total_rows = models.PositiveIntegerField(_("数据行数"), default=0)
    errors = models.JSONField(_("错误"), default=list)
    warnings = models.JSONField(_("提示"), default=list)
    summary = models.JSONField(_("结果"), default=dict)
    created = models.DateTimeField(_("上传时间"), auto_now_add=True)
    finished = models.DateTimeField(_("完成时间"), null=True, blank=True)
    # Which task process runs the job ("host:pid") and when it last made progress: a job whose process is gone is
    # failed by kechuang.core.jobs.recover_interrupted instead of staying "写入中" forever.
    runner = models.CharField(_("执行进程"), max_length=120, blank=True)
    heartbeat = models.DateTimeField(_("最近进展"), null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(_("执行次数"), default=0)

    class Meta:
        ordering = ["-created"]
        verbose_name = _("导入任务")
        verbose_name_plural = _("导入任务")

    def __str__(self) -> str:
        return f"{self.registry} · {self.filename}"

    @classmethod
    def scope_rule(cls, user, action):
        # Only the uploader sees an import job.
        return Q(user_id=user.pk)


class KeyConflict(models.Model):
    """A row a unit tried to register whose key (ID number, USCC, certificate number) is already held by a record
    outside the unit's jurisdiction. The unit is told only that the row went to the office; the office sees
    which record it clashes with and settles it (a transfer, a correction or a refusal)."""

    registry = models.CharField(_("资源库"), max_length=40)
    record_id = models.BigIntegerField(_("已有记录"))
    unit = models.ForeignKey(
        "org.Unit", verbose_name=_("提交单位"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("提交人"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    SOURCES = [("import", "Excel 导入"), ("form", "页面登记"), ("api", "接口")]
    source = models.CharField(_("来源"), max_length=10, choices=SOURCES)
    created = models.DateTimeField(_("提交时间"), auto_now_add=True)
    resolved_at = models.DateTimeField(_("处理时间"), null=True, blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("处理人"), null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+",
    )
    note = models.CharField(_("处理说明"), max_length=200, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["resolved_at", "-created"]
        verbose_name = _("登记冲突")
        verbose_name_plural = _("登记冲突")

    def __str__(self) -> str:
        return f"{self.registry} #{self.record_id}"

    @classmethod
    def scope_rule(cls, user, action):
        # Only the office: a conflict names a record outside the submitting unit's jurisdiction.
        return is_office(user)
