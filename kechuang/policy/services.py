"""Policy services: build rule facts from the registry, evaluate enterprises, generate the
cultivation lists, and move pipeline entries (the only place a stage changes)."""

from __future__ import annotations

import datetime as dt
import functools
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

import yaml
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max, Prefetch

from kechuang.audit.services import record_event
from kechuang.core.concurrency import ConflictError
from kechuang.core.scoping import CHANGE, restrict
from kechuang.plans.choices import PlanStatus
from kechuang.plans.models import Plan
from kechuang.registry.models import (
    AchievementTransfer,
    CertificateStatus,
    Enterprise,
    EnterpriseYear,
    HighTechCertificate,
    Patent,
    TechSMERegistration,
)

from .choices import TRANSITIONS, Stage
from .engine import deduction, hnte, tech_sme
from .engine.base import Certificate, D, EnterpriseFacts, Evaluation, YearFigures
from .models import CultivationEntry, CultivationEvent

CLASS1_KINDS = {"发明"}
PROVINCIAL_LEVELS = {"national", "provincial"}
YEAR_FIELDS = ("revenue", "rd_expense", "rd_domestic", "hightech_revenue", "total_cost", "total_assets",
               "net_assets", "employees", "tech_staff", "rd_deduction_claimed")


# ----------------------------------------------------------------------------- facts

def enterprises_with_facts(queryset):
    """Prefetch everything ``facts_of`` reads (one query per relation, whatever the count)."""
    return queryset.select_related("town").prefetch_related(
        "years", "hightech_certificates", "tech_sme_registrations", "rd_institutions",
        Prefetch("patents", queryset=Patent.objects.only("id", "kind", "status", "granted_on", "owner_id")),
        Prefetch("transfers", queryset=AchievementTransfer.objects.only("id", "transferred_on", "enterprise_id")),
        "labels",
    )


def facts_of(enterprise: Enterprise, year: int) -> EnterpriseFacts:
    """The rule inputs for ``enterprise`` as of the end of ``year``."""
    end = dt.date(year, 12, 31)
    years = {
        y.year: YearFigures(y.year, **{f: getattr(y, f) for f in YEAR_FIELDS})
        for y in enterprise.years.all()
    }
    valid_patents = [p for p in enterprise.patents.all()
                     if (p.status or "有效") == "有效" and (p.granted_on is None or p.granted_on <= end)]
    class1 = sum(1 for p in valid_patents if p.kind in CLASS1_KINDS)
    transfers = [t for t in enterprise.transfers.all() if year - 2 <= t.transferred_on.year <= year]
    institutions = list(enterprise.rd_institutions.all())
    return EnterpriseFacts(
        name=enterprise.name,
        registered_on=enterprise.registered_on,
        industry_code=enterprise.industry_code,
        industry_name=enterprise.industry_name,
        years=years,
        ip_class1=class1,
        ip_class2=len(valid_patents) - class1,
        conversions_3y=len(transfers),
        has_rd_institution=bool(institutions),
        has_provincial_rd_institution=any(i.level in PROVINCIAL_LEVELS for i in institutions),
        certificates=[Certificate(c.number, c.issued_on, c.expires_on, c.status)
                      for c in enterprise.hightech_certificates.all()],
        tech_sme_years={r.year for r in enterprise.tech_sme_registrations.all()},
    )


@dataclass
class EnterpriseEvaluation:
    enterprise: Enterprise
    year: int
    hnte: Evaluation
    tech_sme: Evaluation
    deduction: Evaluation
    facts: EnterpriseFacts = field(repr=False, default=None)


def evaluate_enterprise(enterprise: Enterprise, year: int) -> EnterpriseEvaluation:
    """All three rules for one enterprise on the figures of ``year`` (the last fiscal/tax year)."""
    facts = facts_of(enterprise, year)
    return EnterpriseEvaluation(enterprise, year, hnte.evaluate(facts, year), tech_sme.evaluate(facts, year),
                                deduction.evaluate(facts, year), facts)


def default_year(user=None) -> int:
    """The latest year with enterprise figures (else last calendar year)."""
    qs = EnterpriseYear.objects.all() if user is None else restrict(EnterpriseYear.objects.all(), user)
    latest = qs.aggregate(m=Max("year"))["m"]
    return latest or (dt.date.today().year - 1)


def active_plan_year() -> int | None:
    plan = Plan.objects.filter(status=PlanStatus.ACTIVE).order_by("-year").first()
    return plan.year if plan else None


# ----------------------------------------------------------------------------- lists
# ``user`` scopes every list (pages, exports, API). ``user=None`` is the city-wide view used only by
# the metrics layer (metrics_defs.py), which narrows by unit itself.

def _scoped(qs, user):
    return qs if user is None else restrict(qs, user)


@dataclass
class Row:
    enterprise: Enterprise
    values: dict
    evaluation: Evaluation | None = None


def rerecognition_list(user, plan_year: int) -> list[HighTechCertificate]:
    """Certificates issued three years before ``plan_year`` (they expire in it): generated from the
    certificate registry, never typed."""
    validity = hnte.params_for("hnte", plan_year)["validity_years"]
    qs = _scoped(HighTechCertificate.objects.all(), user).filter(issued_on__year=plan_year - validity)
    qs = qs.exclude(status=CertificateStatus.REVOKED).select_related("enterprise", "enterprise__town")
    renewed = set(
        HighTechCertificate.objects.filter(issued_on__year__gt=plan_year - validity, issued_on__year__lte=plan_year)
        .exclude(status=CertificateStatus.REVOKED).values_list("enterprise_id", flat=True)
    )
    out = []
    for cert in qs.order_by("expires_on", "enterprise__name"):
        cert.renewed = cert.enterprise_id in renewed
        out.append(cert)
    return out


def tech_sme_renewal_list(user, year: int) -> list[Row]:
    """Enterprises registered as tech SMEs in ``year - 1`` (registration valid one year only):
    each must be evaluated again in ``year``."""
    qs = _scoped(TechSMERegistration.objects.all(), user).filter(year=year - 1).select_related(
        "enterprise", "enterprise__town")
    renewed = set(TechSMERegistration.objects.filter(year=year).values_list("enterprise_id", flat=True))
    return [Row(r.enterprise, {"previous": r, "renewed": r.enterprise_id in renewed})
            for r in qs.order_by("enterprise__name")]


def hnte_candidates(user, year: int, limit: int | None = None) -> list[Row]:
    """Enterprises without a certificate valid next year, ranked by their gap to the HNTE conditions
    (fewest failing conditions, then the smallest relative shortfall)."""
    next_year = dt.date(year + 1, 12, 31)
    holders = HighTechCertificate.objects.filter(HighTechCertificate.valid_at_q(next_year)).values("enterprise_id")
    qs = restrict(Enterprise.objects.filter(is_active=True), user).exclude(pk__in=holders)
    qs = qs.filter(years__year=year).distinct()
    rows = []
    for ent in enterprises_with_facts(qs):
        ev = hnte.evaluate(facts_of(ent, year), year)
        rows.append(Row(ent, {"failing": ev.failing, "score": ev.score}, ev))
    rows.sort(key=lambda r: (*r.evaluation.gap_key(), r.enterprise.name))
    return rows[:limit] if limit else rows


def deduction_list(user, year: int) -> list[Row]:
    """应减尽减: enterprises with R&D expense in tax ``year`` whose estimated deduction is unclaimed."""
    qs = _scoped(Enterprise.objects.all(), user).filter(
        years__year=year, years__rd_expense__gt=0, years__rd_deduction_claimed=False).distinct()
    rows = []
    for ent in enterprises_with_facts(qs):
        ev = deduction.evaluate(facts_of(ent, year), year)
        unclaimed = deduction.unclaimed_amount(ev)
        if unclaimed:
            rows.append(Row(ent, {"unclaimed": unclaimed, **ev.extra}, ev))
    rows.sort(key=lambda r: (-r.values["tax_saved"], r.enterprise.name))
    return rows


@functools.cache
def growth_classes() -> list[dict]:
    path = Path(__file__).resolve().parent / "config" / "growth_classes.yaml"
    return yaml.safe_load(path.read_text(encoding="utf-8"))["classes"]


def classify_growth(facts: EnterpriseFacts, year: int, classes: list[dict] | None = None) -> list[dict]:
    """Which configured classes (瞪羚, 独角兽 …) the facts meet; only enabled classes are tried."""
    out = []
    for cls in classes if classes is not None else growth_classes():
        if not cls.get("enabled"):
            continue
        crit = cls.get("criteria") or {}
        if not crit:
            continue
        reasons, ok = [], True
        fy = facts.figures(year)
        if "max_age_years" in crit:
            age = (year - facts.registered_on.year) if facts.registered_on else None
            hit = age is not None and age <= crit["max_age_years"]
            ok &= hit
            reasons.append(f"成立{age if age is not None else '—'}年")
        if "min_revenue" in crit:
            rev = D(fy.revenue) if fy else None
            hit = rev is not None and rev >= D(crit["min_revenue"])
            ok &= hit
            reasons.append(f"营业收入{rev:,.0f}元" if rev is not None else "营业收入—")
        if "min_revenue_cagr" in crit:
            n = int(crit.get("cagr_years", 3))
            first, last = facts.figures(year - n), fy
            cagr = None
            if first and last and first.revenue and last.revenue is not None and D(first.revenue) > 0:
                cagr = Decimal(float(D(last.revenue) / D(first.revenue)) ** (1 / n) - 1)
            hit = cagr is not None and cagr >= D(crit["min_revenue_cagr"])
            ok &= hit
            reasons.append(f"年均增长{cagr:.1%}" if cagr is not None else "年均增长—")
        if "min_rd_ratio" in crit:
            r = (D(fy.rd_expense) / D(fy.revenue)) if fy and fy.revenue and fy.rd_expense is not None else None
            hit = r is not None and r >= D(crit["min_rd_ratio"])
            ok &= hit
            reasons.append(f"研发投入强度{r:.1%}" if r is not None else "研发投入强度—")
        if crit.get("requires_hnte"):
            hit = facts.hnte_valid_in(year)
            ok &= hit
            reasons.append("高新技术企业" if hit else "非高新技术企业")
        if ok:
            out.append({"code": cls["code"], "label": cls["label"], "reasons": "、".join(reasons)})
    return out


def growth_list(user, year: int) -> list[Row]:
    qs = restrict(Enterprise.objects.filter(is_active=True), user).filter(years__year=year).distinct()
    rows = []
    for ent in enterprises_with_facts(qs):
        classes = classify_growth(facts_of(ent, year), year)
        labels = sorted({lb.kind for lb in ent.labels.all() if lb.kind in ("瞪羚", "独角兽")})
        if classes or labels:
            rows.append(Row(ent, {"classes": classes, "labels": labels}))
    rows.sort(key=lambda r: r.enterprise.name)
    return rows


# ----------------------------------------------------------------------------- cultivation workflow

def add_to_pool(enterprise: Enterprise, year: int, *, user, note: str = "",
                stage: str = Stage.POOL) -> CultivationEntry:
    """Put an enterprise on the pipeline for ``year`` (the office or its town)."""
    if not restrict(Enterprise.objects.filter(pk=enterprise.pk), user, CHANGE).exists():
        raise ValidationError("无权将该企业纳入培育库")
    with transaction.atomic():
        entry, created = CultivationEntry.objects.get_or_create(
            enterprise=enterprise, year=year, defaults={"stage": stage, "note": note})
        if not created:
            raise ValidationError(f"{enterprise.name}已在{year}年培育库中（{entry.get_stage_display()}）")
        CultivationEvent.objects.create(entry=entry, from_stage="", to_stage=stage, note=note, user=user)
        record_event("policy.cultivation.add", user=user, obj=entry,
                     detail={"enterprise": enterprise.name, "year": year, "stage": stage})
    return entry


def change_stage(entry: CultivationEntry, to_stage: str, *, user, note: str = "",
                 expected_version: int | None = None) -> CultivationEntry:
    """Move ``entry`` along the pipeline; refuses moves not in ``TRANSITIONS`` and stale versions."""
    if not restrict(CultivationEntry.objects.filter(pk=entry.pk), user, CHANGE).exists():
        raise ValidationError("无权变更该企业的培育阶段")
    with transaction.atomic():
        current = CultivationEntry.objects.select_for_update().get(pk=entry.pk)
        expected = entry.version if expected_version is None else expected_version
        if current.version != expected:
            raise ConflictError()
        if to_stage not in TRANSITIONS.get(current.stage, ()):
            target = Stage(to_stage).label if to_stage in Stage.values else to_stage
            raise ValidationError(f"不能从“{Stage(current.stage).label}”变更为“{target}”")
        from_stage = current.stage
        current.stage = to_stage
        if note:
            current.note = note
        current.version += 1
        current.save()
        CultivationEvent.objects.create(entry=current, from_stage=from_stage, to_stage=to_stage, note=note,
                                        user=user)
        record_event("policy.cultivation.stage", user=user, obj=current,
                     detail={"from": from_stage, "to": to_stage, "note": note})
    return current
