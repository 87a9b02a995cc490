"""Named computations over the registries (which indicator uses which is set in the plan file).

Conventions:
- "in the plan year up to as_of": Jan 1 of plan.year ≤ date ≤ as_of (as_of before Jan 1 gives 0).
- A high-tech certificate is valid on day d when issued_on ≤ d < expires_on and it is not revoked.
- A tech-SME registration is valid for its ``year`` only.
- ``unit``: a town, street or zone narrows the figure to the rows linked to its enterprises;
  any other unit (or None) gives the city-wide figure.
- Ratios and growth rates are percentages (Decimal, 2 places); money in 亿元 is sum(元) / 1e8.
"""

from __future__ import annotations

import datetime as dt
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Count, Q, Sum

from kechuang.metrics.registry import LazyRecords, MetricResult, metric

from .models import (
    JURISDICTION_KINDS,
    AchievementTransfer,
    Enterprise,
    EnterpriseYear,
    HighTechCertificate,
    IPTrainingAttendance,
    LabelKind,
    Patent,
    Platform,
    PledgeFinancing,
    RDInstitution,
    Talent,
    Team,
    TechContract,
    TechSMERegistration,
    UniversityAgreement,
)

HUNDRED = Decimal(100)
CENT = Decimal("0.01")


def _pct(num, den) -> Decimal | None:
    if not den:
        return None
    return (Decimal(num) * HUNDRED / Decimal(den)).quantize(CENT, rounding=ROUND_HALF_UP)


def _growth(current, previous) -> Decimal | None:
    if not previous:
        return None
    return ((Decimal(current) - Decimal(previous)) * HUNDRED / Decimal(previous)).quantize(CENT, rounding=ROUND_HALF_UP)


def _year_window(plan, as_of: dt.date, year: int | None = None) -> tuple[dt.date, dt.date]:
    year = year or plan.year
    start = dt.date(year, 1, 1)
    end = min(as_of, dt.date(year, 12, 31))
    return start, end


def _same_day_last_year(day: dt.date) -> dt.date:
    try:
        return day.replace(year=day.year - 1)
    except ValueError:
        return day.replace(year=day.year - 1, day=28)


def _narrow(qs, unit, lookup: str | None):
    """Restrict to a town's jurisdiction when ``unit`` is a town, street or zone."""
    if unit is None or getattr(unit, "kind", None) not in JURISDICTION_KINDS:
        return qs
    if lookup is None:
        return qs.none()
    return qs.filter(**{lookup: unit.pk})


def _lazy(qs) -> LazyRecords:
    """The rows behind a figure, read only when a page lists them (drill-down): the figure itself is counted or
    summed by the database (a county's registry holds tens of thousands of rows)."""
    return LazyRecords(lambda: list(qs))


def _count(qs) -> MetricResult:
    return MetricResult(Decimal(qs.count()), _lazy(qs))


def _sum(qs, field: str) -> Decimal:
    return Decimal(qs.aggregate(s=Sum(field))["s"] or 0)


def valid_certificates(as_of: dt.date):
    return HighTechCertificate.objects.filter(HighTechCertificate.valid_at_q(as_of))


def valid_hnte(as_of: dt.date, unit=None):
    """The enterprise ids holding a valid certificate, as a subquery (the database filters by it)."""
    return _narrow(valid_certificates(as_of), unit, "enterprise__town").values("enterprise_id")


def valid_hnte_ids(as_of: dt.date, unit=None) -> set[int]:
    return {row["enterprise_id"] for row in valid_hnte(as_of, unit)}


@metric("hnte_new_recognised", "本年度首次认定的高新技术企业数", "高新技术企业证书")
def hnte_new_recognised(plan, as_of, unit=None, **params):
    start, end = _year_window(plan, as_of)
    qs = HighTechCertificate.objects.filter(is_first_recognition=True, issued_on__gte=start, issued_on__lte=end)
    qs = qs.exclude(status="revoked").select_related("enterprise")
    return _count(_narrow(qs, unit, "enterprise__town"))


@metric("hnte_rerecognised", "期满重新认定的高新技术企业数（三年前取得证书的企业本年重新取得证书）", "高新技术企业证书")
def hnte_rerecognised(plan, as_of, unit=None, **params):
    start, end = _year_window(plan, as_of)
    cohort = HighTechCertificate.objects.filter(issued_on__year=plan.year - 3).values("enterprise_id")
    qs = (
        HighTechCertificate.objects.filter(enterprise_id__in=cohort, issued_on__gte=start, issued_on__lte=end)
        .exclude(status="revoked")
        .select_related("enterprise")
    )
    qs = _narrow(qs, unit, "enterprise__town")
    enterprises = qs.order_by().values("enterprise_id").distinct().count()  # one per enterprise

    def unique():  # each enterprise's first certificate, even if it holds two new ones
        seen, out = set(), []
        for cert in qs:
            if cert.enterprise_id not in seen:
                seen.add(cert.enterprise_id)
                out.append(cert)
        return out

    cohort_size = _narrow(Enterprise.objects.filter(pk__in=cohort), unit, "town").count()
    return MetricResult(
        Decimal(enterprises),
        LazyRecords(unique),
        Decimal(enterprises),
        Decimal(cohort_size),
        note=f"{plan.year - 3}年取得证书的企业共{cohort_size}家",
    )


@metric("hnte_valid_total", "有效期内的高新技术企业数", "企业")
def hnte_valid_total(plan, as_of, unit=None, **params):
    return _count(Enterprise.objects.filter(pk__in=valid_hnte(as_of, unit)).select_related("town"))


@metric("tech_sme_registered", "本年度入库登记的科技型中小企业数", "科技型中小企业登记")
def tech_sme_registered(plan, as_of, unit=None, **params):
    qs = TechSMERegistration.objects.filter(year=plan.year).filter(
        Q(registered_on__isnull=True) | Q(registered_on__lte=as_of)
    )
    if as_of < dt.date(plan.year, 1, 1):
        qs = qs.none()
    return _count(_narrow(qs.select_related("enterprise"), unit, "enterprise__town"))


@metric("achievement_transfers", "本年度科技成果转化项数", "科技成果转化")
def achievement_transfers(plan, as_of, unit=None, **params):
    start, end = _year_window(plan, as_of)
    qs = AchievementTransfer.objects.filter(transferred_on__gte=start, transferred_on__lte=end)
    return _count(_narrow(qs.select_related("enterprise"), unit, "enterprise__town"))


@metric("tech_contract_value", "本年度技术合同成交额（亿元）", "技术合同")
def tech_contract_value(plan, as_of, unit=None, **params):
    start, end = _year_window(plan, as_of)
    qs = _narrow(
        TechContract.objects.filter(registered_on__gte=start, registered_on__lte=end), unit, "enterprise__town"
    )
    total = _sum(qs, "amount")
    value = (total / Decimal(100_000_000)).quantize(Decimal("0.0001"), rounding=ROUND_HALF_UP)
    return MetricResult(value, _lazy(qs), total, Decimal(100_000_000), note="成交额合计（元）÷ 1亿")


def _above_scale_industrial(unit):
    qs = Enterprise.objects.filter(is_above_scale=True, is_industrial=True, is_active=True)
    return _narrow(qs, unit, "town")


def _with_rd_institution(as_of):
    return RDInstitution.objects.filter(Q(recognised_on__isnull=True) | Q(recognised_on__lte=as_of)).values(
        "enterprise_id"
    )


@metric("rd_institution_coverage", "规上工业企业研发机构覆盖率（%）", "企业")
def rd_institution_coverage(plan, as_of, unit=None, **params):
    base = _above_scale_industrial(unit)
    covered = base.filter(pk__in=_with_rd_institution(as_of))
    num, den = covered.count(), base.count()
    return MetricResult(
        _pct(num, den),
        _lazy(covered),
        Decimal(num),
        Decimal(den),
        note="有研发机构的规上工业企业 ÷ 全部规上工业企业",
    )


@metric("hnte_rd_institution_coverage", "规上高新技术企业研发机构覆盖率（%）", "企业")
def hnte_rd_institution_coverage(plan, as_of, unit=None, **params):
    base = Enterprise.objects.filter(is_above_scale=True, is_active=True, pk__in=valid_hnte(as_of, unit))
    covered = base.filter(pk__in=_with_rd_institution(as_of))
    num, den = covered.count(), base.count()
    return MetricResult(
        _pct(num, den),
        _lazy(covered),
        Decimal(num),
        Decimal(den),
        note="有研发机构的规上有效高新技术企业 ÷ 全部规上有效高新技术企业",
    )


@metric("platforms_filed", "本年度新备案的创新平台数", "创新平台")
def platforms_filed(plan, as_of, unit=None, **params):
    start, end = _year_window(plan, as_of)
    qs = Platform.objects.filter(filed_on__gte=start, filed_on__lte=end).select_related("host")
    return _count(_narrow(qs, unit, "host__town"))


@metric("platforms_total", "规上工业企业创新平台总数", "创新平台")
def platforms_total(plan, as_of, unit=None, **params):
    dated = Q(filed_on__lte=as_of) | Q(recognised_on__lte=as_of) | Q(filed_on__isnull=True, recognised_on__isnull=True)
    qs = Platform.objects.filter(dated, host__is_above_scale=True, host__is_industrial=True).select_related("host")
    return _count(_narrow(qs, unit, "host__town"))


@metric("high_end_teams", "本年度引进的高端人才团队数", "人才团队")
def high_end_teams(plan, as_of, unit=None, **params):
    start, end = _year_window(plan, as_of)
    qs = Team.objects.filter(introduced_on__gte=start, introduced_on__lte=end)
    return _count(_narrow(qs, unit, "employer__town"))


@metric("high_end_talents", "本年度引进的高端人才数", "科技人才")
def high_end_talents(plan, as_of, unit=None, categories=("高端人才",), **params):
    start, end = _year_window(plan, as_of)
    qs = Talent.objects.filter(introduced_on__gte=start, introduced_on__lte=end, category__in=list(categories))
    return _count(_narrow(qs, unit, "employer__town"))


@metric("university_agreements", "本年度签约并取得实质性成果的合作高校数", "校地合作协议")
def university_agreements(plan, as_of, unit=None, **params):
    start, end = _year_window(plan, as_of)
    qs = UniversityAgreement.objects.filter(signed_on__gte=start, signed_on__lte=end, has_substantive_results=True)
    qs = _narrow(qs, unit, None)
    universities = qs.order_by().values("university").distinct().count()
    return MetricResult(Decimal(universities), _lazy(qs), note="按高校（院所）去重计数")


@metric("ip_training_coverage", "重点骨干企业和高新技术企业知识产权培训覆盖率（%）", "企业")
def ip_training_coverage(plan, as_of, unit=None, **params):
    start, end = _year_window(plan, as_of)
    key_ids = valid_hnte_ids(as_of, unit) | set(
        _narrow(Enterprise.objects.filter(labels__kind=LabelKind.KEY), unit, "town").values_list("pk", flat=True)
    )
    trained = set(
        IPTrainingAttendance.objects.filter(
            enterprise_id__in=key_ids, training__held_on__gte=start, training__held_on__lte=end
        ).values_list("enterprise_id", flat=True)
    )
    return MetricResult(
        _pct(len(trained), len(key_ids)),
        _lazy(Enterprise.objects.filter(pk__in=trained)),
        Decimal(len(trained)),
        Decimal(len(key_ids)),
        note="本年参训的重点企业 ÷ 重点企业（有效高新技术企业及重点骨干企业）",
    )


@metric("pledge_financing_growth", "知识产权质押融资额同比增长（%）", "知识产权质押融资")
def pledge_financing_growth(plan, as_of, unit=None, **params):
    start, end = _year_window(plan, as_of)
    prev_start, prev_end = dt.date(plan.year - 1, 1, 1), _same_day_last_year(end)
    base = _narrow(PledgeFinancing.objects.all(), unit, "enterprise__town")
    current = base.filter(pledged_on__gte=start, pledged_on__lte=end).select_related("enterprise")
    cur = _sum(current, "amount")
    prev = base.filter(pledged_on__gte=prev_start, pledged_on__lte=prev_end).aggregate(s=Sum("amount"))["s"] or 0
    return MetricResult(_growth(cur, prev), _lazy(current), cur, Decimal(prev), note="本年累计 ÷ 上年同期累计 − 1")


@metric("rd_expense_growth", "规上企业研发费用增长率（%）", "企业年度数据")
def rd_expense_growth(plan, as_of, unit=None, **params):
    base = _narrow(
        EnterpriseYear.objects.filter(enterprise__is_above_scale=True, rd_expense__isnull=False),
        unit,
        "enterprise__town",
    )
    current = base.filter(year=plan.year).select_related("enterprise")
    totals = current.aggregate(s=Sum("rd_expense"), n=Count("pk"))
    cur = Decimal(totals["s"] or 0)
    prev = base.filter(year=plan.year - 1).aggregate(s=Sum("rd_expense"))["s"] or 0
    value = _growth(cur, prev) if totals["n"] else None
    return MetricResult(value, _lazy(current), cur, Decimal(prev), note="规上企业本年研发费用合计 ÷ 上年合计 − 1")


@metric("high_value_invention_patents_per_10k", "每万人高价值发明专利拥有量（件）", "专利")
def high_value_invention_patents_per_10k(plan, as_of, unit=None, **params):
    qs = Patent.objects.filter(kind="发明", is_high_value=True, granted_on__lte=as_of, status="有效")
    qs = _narrow(qs, unit, "owner__town")
    patents = qs.count()
    population = Decimal(str(params.get("population") or plan.setting("population") or 0))
    value = None
    if population:
        value = (Decimal(patents) * Decimal(10_000) / population).quantize(CENT, rounding=ROUND_HALF_UP)
    return MetricResult(value, _lazy(qs), Decimal(patents), population, note="有效高价值发明专利 ÷ 常住人口 × 1万")
