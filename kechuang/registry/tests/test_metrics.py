import datetime as dt
from decimal import Decimal

import pytest

from kechuang.metrics.registry import get_metric
from kechuang.org.models import Unit
from kechuang.registry.models import (
    AchievementTransfer,
    EnterpriseLabel,
    IPTraining,
    IPTrainingAttendance,
    Patent,
    Platform,
    PledgeFinancing,
    RDInstitution,
    TechContract,
    UniversityAgreement,
)
from kechuang.registry.tests import factories as f

pytestmark = pytest.mark.django_db


def run(name, plan, as_of, unit=None, **params):
    return get_metric(name).fn(plan, as_of, unit=unit, **params)


def test_new_recognitions_count_only_this_years_first_certificates_up_to_as_of(plan):
    ent = [f.enterprise() for _ in range(4)]
    f.certificate(ent[0], dt.date(2021, 12, 31))  # last year: not counted
    f.certificate(ent[1], dt.date(2022, 1, 1))  # first day of the year: counted
    f.certificate(ent[2], dt.date(2022, 9, 30))  # after as_of: not yet
    f.certificate(ent[3], dt.date(2022, 3, 5), first=False)  # a re-recognition, not new
    result = run("hnte_new_recognised", plan, dt.date(2022, 9, 1))
    assert result.value == 1
    assert [c.enterprise for c in result.records] == [ent[1]]
    assert run("hnte_new_recognised", plan, dt.date(2022, 12, 31)).value == 2


def test_the_rerecognition_cohort_is_the_certificates_issued_three_years_before(plan):
    from2019, from2020 = f.enterprise(), f.enterprise()
    f.certificate(from2019, dt.date(2019, 11, 28))
    f.certificate(from2020, dt.date(2020, 12, 1))
    f.certificate(from2019, dt.date(2022, 10, 18), first=False)
    f.certificate(from2020, dt.date(2022, 10, 18), first=False)
    result = run("hnte_rerecognised", plan, dt.date(2022, 12, 31))
    assert result.value == 1
    assert result.records[0].enterprise == from2019
    assert result.denominator == 1
    assert run("hnte_rerecognised", plan, dt.date(2022, 10, 17)).value == 0


def test_valid_high_tech_enterprises_exclude_expired_and_revoked_certificates(plan):
    expired, valid, revoked, renewed = (f.enterprise() for _ in range(4))
    f.certificate(expired, dt.date(2019, 11, 28))  # expires 2022-11-28
    f.certificate(valid, dt.date(2021, 1, 1))
    f.certificate(revoked, dt.date(2021, 1, 1), status="revoked")
    f.certificate(renewed, dt.date(2019, 11, 28))
    f.certificate(renewed, dt.date(2022, 11, 1), first=False)
    assert run("hnte_valid_total", plan, dt.date(2022, 11, 27)).value == 3
    result = run("hnte_valid_total", plan, dt.date(2022, 11, 28))
    assert result.value == 2
    assert set(result.records) == {valid, renewed}


def test_tech_sme_registrations_are_valid_for_their_year_only(plan):
    a, b, c = f.enterprise(), f.enterprise(), f.enterprise()
    f.sme(a, 2021, dt.date(2021, 5, 1))
    f.sme(b, 2022, dt.date(2022, 1, 1))
    f.sme(c, 2022, dt.date(2022, 10, 1))
    assert run("tech_sme_registered", plan, dt.date(2022, 9, 30)).value == 1
    assert run("tech_sme_registered", plan, dt.date(2022, 12, 31)).value == 2
    assert run("tech_sme_registered", plan, dt.date(2021, 12, 31)).value == 0


def test_a_town_sees_only_its_own_enterprises_in_a_figure(plan):
    town = Unit.objects.get(name="武胜关镇")
    other = Unit.objects.get(name="杨寨镇")
    f.certificate(f.enterprise(town=town), dt.date(2022, 2, 1))
    f.certificate(f.enterprise(town=other), dt.date(2022, 2, 1))
    assert run("hnte_new_recognised", plan, dt.date(2022, 12, 31), unit=town).value == 1
    assert run("hnte_new_recognised", plan, dt.date(2022, 12, 31)).value == 2


def test_contract_value_is_in_hundred_millions_of_yuan(plan):
    TechContract.objects.create(
        number="A1",
        kind="技术开发",
        seller="甲",
        buyer="乙",
        amount=Decimal("120000000"),
        registered_on=dt.date(2022, 12, 31),
    )
    TechContract.objects.create(
        number="A2",
        kind="技术服务",
        seller="甲",
        buyer="乙",
        amount=Decimal("30000000"),
        registered_on=dt.date(2022, 1, 1),
    )
    TechContract.objects.create(
        number="A3",
        kind="技术服务",
        seller="甲",
        buyer="乙",
        amount=Decimal("99000000"),
        registered_on=dt.date(2021, 12, 31),
    )
    result = run("tech_contract_value", plan, dt.date(2022, 12, 31))
    assert result.value == Decimal("1.5")
    assert isinstance(result.value, Decimal)
    assert run("tech_contract_value", plan, dt.date(2022, 12, 30)).value == Decimal("0.3")


def test_rd_institution_coverage_counts_above_scale_industrial_enterprises(plan):
    covered = f.enterprise(is_above_scale=True, is_industrial=True)
    f.enterprise(is_above_scale=True, is_industrial=True)
    f.enterprise(is_above_scale=False, is_industrial=True)  # not in the base
    outside = f.enterprise(is_above_scale=True, is_industrial=False)
    RDInstitution.objects.create(enterprise=covered, name="研发中心")
    RDInstitution.objects.create(enterprise=outside, name="研发中心")
    result = run("rd_institution_coverage", plan, dt.date(2022, 6, 30))
    assert result.value == Decimal("50.00")
    assert (result.numerator, result.denominator) == (1, 2)


def test_hnte_rd_institution_coverage_uses_valid_above_scale_certificates(plan):
    a = f.enterprise(is_above_scale=True)
    b = f.enterprise(is_above_scale=True)
    lapsed = f.enterprise(is_above_scale=True)
    for ent in (a, b):
        f.certificate(ent, dt.date(2021, 3, 1))
    f.certificate(lapsed, dt.date(2018, 3, 1))
    RDInstitution.objects.create(enterprise=a, name="技术中心")
    RDInstitution.objects.create(enterprise=lapsed, name="技术中心")
    assert run("hnte_rd_institution_coverage", plan, dt.date(2022, 6, 30)).value == Decimal("50.00")


def test_platform_figures_count_filings_in_the_year_and_above_scale_hosts(plan):
    big = f.enterprise(is_above_scale=True, is_industrial=True)
    small = f.enterprise()
    Platform.objects.create(name="甲", kind="企业技术中心", level="county", host=big, filed_on=dt.date(2022, 1, 1))
    Platform.objects.create(name="乙", kind="企业技术中心", level="county", host=small, filed_on=dt.date(2022, 5, 1))
    Platform.objects.create(name="丙", kind="企业技术中心", level="county", host=big, filed_on=dt.date(2021, 12, 31))
    assert run("platforms_filed", plan, dt.date(2022, 12, 31)).value == 2
    assert run("platforms_total", plan, dt.date(2022, 12, 31)).value == 2
    assert run("platforms_total", plan, dt.date(2021, 12, 31)).value == 1


def test_talents_transfers_and_agreements_are_counted_in_the_year(plan):
    f.talent(introduced_on=dt.date(2022, 1, 1))
    f.talent(introduced_on=dt.date(2021, 12, 31))
    f.talent(introduced_on=dt.date(2022, 2, 1), category="科技副总")
    assert run("high_end_talents", plan, dt.date(2022, 12, 31)).value == 1
    AchievementTransfer.objects.create(title="甲", source_institution="某大学", transferred_on=dt.date(2022, 4, 1))
    AchievementTransfer.objects.create(title="乙", source_institution="某大学", transferred_on=dt.date(2021, 4, 1))
    assert run("achievement_transfers", plan, dt.date(2022, 12, 31)).value == 1
    for uni, ok in (("湖北工业大学", True), ("湖北工业大学", True), ("武汉理工大学", False)):
        UniversityAgreement.objects.create(university=uni, signed_on=dt.date(2022, 3, 1), has_substantive_results=ok)
    assert run("university_agreements", plan, dt.date(2022, 12, 31)).value == 1


def test_ip_training_coverage_counts_key_enterprises_trained_this_year(plan):
    hnte, key, untrained, other = (f.enterprise() for _ in range(4))
    f.certificate(hnte, dt.date(2021, 6, 1))
    f.certificate(untrained, dt.date(2021, 6, 1))
    EnterpriseLabel.objects.create(enterprise=key, kind="重点骨干")
    this_year = IPTraining.objects.create(title="知识产权实务", held_on=dt.date(2022, 4, 1))
    last_year = IPTraining.objects.create(title="旧培训", held_on=dt.date(2021, 4, 1))
    for ent in (hnte, key, other):
        IPTrainingAttendance.objects.create(training=this_year, enterprise=ent)
    IPTrainingAttendance.objects.create(training=last_year, enterprise=untrained)
    result = run("ip_training_coverage", plan, dt.date(2022, 12, 31))
    assert (result.numerator, result.denominator) == (2, 3)
    assert result.value == Decimal("66.67")


def test_pledge_growth_compares_with_the_same_date_last_year(plan):
    ent = f.enterprise()
    PledgeFinancing.objects.create(
        enterprise=ent, bank="甲银行", amount=Decimal("1000000"), pledged_on=dt.date(2021, 3, 1)
    )
    PledgeFinancing.objects.create(
        enterprise=ent, bank="甲银行", amount=Decimal("5000000"), pledged_on=dt.date(2021, 10, 1)
    )
    PledgeFinancing.objects.create(
        enterprise=ent, bank="甲银行", amount=Decimal("1200000"), pledged_on=dt.date(2022, 3, 1)
    )
    assert run("pledge_financing_growth", plan, dt.date(2022, 6, 30)).value == Decimal("20.00")


def test_rd_expense_growth_uses_above_scale_enterprises(plan):
    big, small = f.enterprise(is_above_scale=True), f.enterprise()
    f.year_row(big, 2021, "1000000")
    f.year_row(big, 2022, "1250000")
    f.year_row(small, 2021, "10")
    f.year_row(small, 2022, "99999999")
    result = run("rd_expense_growth", plan, dt.date(2022, 12, 31))
    assert result.value == Decimal("25.00")


def test_high_value_invention_patents_per_ten_thousand_residents(plan):
    for i in range(9):
        Patent.objects.create(number=f"ZL2021{i}", kind="发明", is_high_value=True, granted_on=dt.date(2021, 1, 1))
    Patent.objects.create(number="ZL-x", kind="实用新型", is_high_value=True, granted_on=dt.date(2021, 1, 1))
    result = run("high_value_invention_patents_per_10k", plan, dt.date(2022, 6, 30), population=90000)
    assert result.value == Decimal("1.00")
