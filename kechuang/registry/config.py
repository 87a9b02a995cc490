"""One declaration per registry drives its list, filters, search, forms, detail, Excel template,
import and export (no per-registry view code)."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db import models
from django.http import Http404

from . import models as m
from .plausibility import (
    RD_INTENSITY_LIMIT,
    EndAfterStart,
    LegacyUSCC,
    NonNegative,
    NotBeforeFounding,
    NotFuture,
    PartOfWhole,
    PerHeadBand,
    RatioAbove,
    ValidFor,
    YearOnYear,
    YearRange,
)


@dataclass
class RegistryConfig:
    key: str  # URL slug, e.g. "enterprises"
    model: type[models.Model]
    natural_key: tuple[str, ...]  # fields (or virtual "id_number") identifying a row in imports
    list_fields: tuple[str, ...]
    filters: tuple[str, ...] = ()  # fields offered as list filters (choices, booleans, FKs to Unit, years)
    search: tuple[str, ...] = ("name",)  # fields searched by q (plus pinyin initials)
    fields: tuple[str, ...] | None = None  # editable/importable fields, in template order (None: all)
    virtual: tuple[str, ...] = ()  # PII columns handled specially (id_number, phone)
    pii: bool = False
    order: int = 100
    icon: str = "table"
    select_related: tuple[str, ...] = ()
    notes: str = ""
    extra: dict = field(default_factory=dict)
    # Plausibility rules (plausibility.py), run at every door and by the data-quality check.
    rules: tuple = ()

    def __post_init__(self):
        for rule in self.rules:
            rule.model = self.model

    @property
    def title(self) -> str:
        return str(self.model._meta.verbose_name_plural)

    def editable_fields(self) -> list[models.Field]:
        names = self.fields
        out = []
        for f in self.model._meta.concrete_fields:
            if not f.editable or f.primary_key or f.name in ("created", "last_updated", "initials"):
                continue
            if f.name in ("uscc_warning",):
                continue
            out.append(f)
        if names is not None:
            by_name = {f.name: f for f in out}
            out = [by_name[n] for n in names if n in by_name]
        return out


REGISTRIES: dict[str, RegistryConfig] = {}


def _reg(cfg: RegistryConfig) -> None:
    REGISTRIES[cfg.key] = cfg


_reg(
    RegistryConfig(
        "enterprises",
        m.Enterprise,
        ("uscc",),
        ("uscc", "name", "town", "industry_name", "is_above_scale", "is_industrial", "registered_on"),
        filters=("town", "is_above_scale", "is_industrial", "is_active", "uscc_warning"),
        search=("name", "uscc"),
        order=10,
        icon="building",
        select_related=("town",),
        fields=(
            "uscc",
            "name",
            "town",
            "industry_code",
            "industry_name",
            "is_above_scale",
            "is_industrial",
            "registered_on",
            "address",
            "contact",
            "is_active",
        ),
        rules=(NotFuture("registered_on"), LegacyUSCC()),
    )
)
_reg(
    RegistryConfig(
        "enterprise-years",
        m.EnterpriseYear,
        ("enterprise", "year"),
        ("enterprise", "year", "revenue", "rd_expense", "hightech_revenue", "employees", "tech_staff"),
        filters=("year", "rd_deduction_claimed"),
        search=("enterprise__name", "enterprise__uscc"),
        order=11,
        icon="graph-up",
        select_related=("enterprise",),
        rules=(
            NonNegative(
                "revenue",
                "rd_expense",
                "rd_domestic",
                "hightech_revenue",
                "total_cost",
                "total_assets",
                "employees",
                "tech_staff",
            ),
            YearRange("year"),
            PartOfWhole("tech_staff", "employees"),
            PartOfWhole("hightech_revenue", "revenue"),
            PartOfWhole("rd_domestic", "rd_expense"),
            PartOfWhole("net_assets", "total_assets"),
            YearOnYear("revenue", "rd_expense", "hightech_revenue", "employees"),
            RatioAbove("rd_expense", "revenue", RD_INTENSITY_LIMIT, "研发投入强度"),
            PerHeadBand("revenue", "employees", "人均营业收入"),
        ),
    )
)
_reg(
    RegistryConfig(
        "certificates",
        m.HighTechCertificate,
        ("number",),
        ("number", "enterprise", "issued_on", "expires_on", "status", "is_first_recognition"),
        filters=("status", "is_first_recognition"),
        search=("number", "enterprise__name"),
        order=12,
        icon="award",
        select_related=("enterprise",),
        rules=(NotFuture("issued_on"), NotBeforeFounding("issued_on"), ValidFor("issued_on", "expires_on", 3)),
    )
)
_reg(
    RegistryConfig(
        "tech-smes",
        m.TechSMERegistration,
        ("enterprise", "year"),
        ("number", "enterprise", "year", "registered_on"),
        filters=("year",),
        search=("number", "enterprise__name"),
        order=13,
        icon="patch-check",
        select_related=("enterprise",),
        rules=(YearRange("year"), NotBeforeFounding("year"), NotFuture("registered_on")),
    )
)
_reg(
    RegistryConfig(
        "labels",
        m.EnterpriseLabel,
        ("enterprise", "kind"),
        ("enterprise", "kind", "level", "year"),
        filters=("kind",),
        search=("enterprise__name",),
        order=14,
        icon="tags",
        select_related=("enterprise",),
        rules=(YearRange("year"), NotBeforeFounding("year")),
    )
)
_reg(
    RegistryConfig(
        "rd-institutions",
        m.RDInstitution,
        ("enterprise", "name"),
        ("name", "enterprise", "kind", "level", "recognised_on"),
        filters=("level",),
        search=("name", "enterprise__name"),
        order=15,
        icon="cpu",
        select_related=("enterprise",),
        rules=(NotFuture("recognised_on"), NotBeforeFounding("recognised_on")),
    )
)
_reg(
    RegistryConfig(
        "platforms",
        m.Platform,
        ("name",),
        ("name", "kind", "level", "host", "filed_on", "recognised_on"),
        filters=("kind", "level"),
        search=("name", "host__name"),
        order=20,
        icon="diagram-3",
        select_related=("host",),
        rules=(NotFuture("filed_on", "recognised_on"),),
    )
)
_reg(
    RegistryConfig(
        "talents",
        m.Talent,
        ("id_number",),
        ("name", "id_number", "phone", "category", "employer", "employer_name", "introduced_on", "status"),
        filters=("category",),
        search=("name", "employer_name"),
        virtual=("id_number", "phone"),
        pii=True,
        order=30,
        icon="person-badge",
        select_related=("employer",),
        fields=(
            "name",
            "education",
            "title",
            "field",
            "employer",
            "employer_name",
            "category",
            "introduced_on",
            "status",
        ),
        rules=(NotFuture("introduced_on"),),
    )
)
_reg(
    RegistryConfig(
        "teams",
        m.Team,
        ("name",),
        ("name", "leader", "category", "employer", "introduced_on"),
        filters=("category",),
        search=("name", "leader"),
        order=31,
        icon="people",
        select_related=("employer",),
        rules=(NotFuture("introduced_on"),),
    )
)
_reg(
    RegistryConfig(
        "contracts",
        m.TechContract,
        ("number",),
        ("number", "kind", "seller", "buyer", "amount", "registered_on"),
        filters=("kind",),
        search=("number", "seller", "buyer"),
        order=40,
        icon="file-earmark-text",
        select_related=("enterprise",),
        rules=(NonNegative("amount"), NotFuture("registered_on")),
    )
)
_reg(
    RegistryConfig(
        "transfers",
        m.AchievementTransfer,
        ("title", "transferred_on"),
        ("title", "source_institution", "enterprise", "way", "amount", "transferred_on"),
        search=("title", "source_institution"),
        order=41,
        icon="arrow-left-right",
        select_related=("enterprise",),
        rules=(NonNegative("amount"), NotFuture("transferred_on")),
    )
)
_reg(
    RegistryConfig(
        "agreements",
        m.UniversityAgreement,
        ("university", "signed_on"),
        ("university", "signed_on", "has_substantive_results"),
        filters=("has_substantive_results",),
        search=("university", "scope"),
        order=42,
        icon="mortarboard",
        rules=(NotFuture("signed_on"),),
    )
)
_reg(
    RegistryConfig(
        "commissioners",
        m.Commissioner,
        ("name", "dispatching_body"),
        ("name", "dispatching_body", "service_town", "service_target", "term_start", "term_end"),
        filters=("service_town",),
        search=("name", "dispatching_body"),
        order=43,
        icon="person-walking",
        select_related=("service_town",),
        rules=(EndAfterStart("term_start", "term_end"),),
    )
)
_reg(
    RegistryConfig(
        "commissioner-logs",
        m.CommissionerLog,
        ("commissioner", "served_on"),
        ("commissioner", "served_on", "content"),
        search=("content", "commissioner__name"),
        order=44,
        icon="journal-text",
        select_related=("commissioner",),
        rules=(NotFuture("served_on"),),
    )
)
_reg(
    RegistryConfig(
        "patents",
        m.Patent,
        ("number",),
        ("number", "title", "kind", "owner", "owner_name", "granted_on", "is_high_value"),
        filters=("kind", "is_high_value"),
        search=("number", "title", "owner_name"),
        order=50,
        icon="lightbulb",
        select_related=("owner",),
        rules=(NotFuture("applied_on", "granted_on"), EndAfterStart("applied_on", "granted_on")),
    )
)
_reg(
    RegistryConfig(
        "ip-trainings",
        m.IPTraining,
        ("title", "held_on"),
        ("title", "held_on", "organiser"),
        search=("title", "organiser"),
        order=51,
        icon="easel",
        rules=(NotFuture("held_on"),),
    )
)
_reg(
    RegistryConfig(
        "ip-attendances",
        m.IPTrainingAttendance,
        ("training", "enterprise"),
        ("training", "enterprise"),
        search=("enterprise__name", "training__title"),
        order=52,
        icon="person-check",
        select_related=("training", "enterprise"),
    )
)
_reg(
    RegistryConfig(
        "pledges",
        m.PledgeFinancing,
        ("enterprise", "bank", "pledged_on"),
        ("enterprise", "bank", "amount", "pledged_on"),
        search=("bank", "enterprise__name"),
        order=53,
        icon="bank",
        select_related=("enterprise",),
        rules=(NonNegative("amount"), NotFuture("pledged_on")),
    )
)
_reg(
    RegistryConfig(
        "fundings",
        m.Funding,
        ("programme", "enterprise"),
        ("programme", "enterprise", "amount", "mode", "granted_on"),
        filters=("mode",),
        search=("programme", "enterprise__name"),
        order=54,
        icon="cash-coin",
        select_related=("enterprise",),
        rules=(NonNegative("amount"), NotFuture("granted_on")),
    )
)
_reg(
    RegistryConfig(
        "demands",
        m.Demand,
        ("enterprise", "title"),
        ("title", "enterprise", "field", "keywords", "posted_on", "status"),
        filters=("status",),
        search=("title", "keywords", "enterprise__name"),
        order=60,
        icon="question-circle",
        select_related=("enterprise",),
        rules=(NotFuture("posted_on"),),
    )
)
_reg(
    RegistryConfig(
        "experts",
        m.Expert,
        ("name", "institution"),
        ("name", "institution", "title", "field", "keywords", "phone"),
        search=("name", "institution", "keywords"),
        virtual=("phone",),
        pii=True,
        order=61,
        icon="person-video3",
    )
)
_reg(
    RegistryConfig(
        "achievements",
        m.Achievement,
        ("title", "institution"),
        ("title", "institution", "field", "keywords"),
        search=("title", "institution", "keywords"),
        order=62,
        icon="stars",
    )
)


def get_registry(key: str) -> RegistryConfig:
    try:
        return REGISTRIES[key]
    except KeyError as exc:
        raise Http404 from exc


def registry_for_model(model) -> RegistryConfig | None:
    for cfg in REGISTRIES.values():
        if cfg.model is model:
            return cfg
    return None
