"""Boundary tests of the pure rule engines (no database)."""

import datetime as dt
from decimal import Decimal

import pytest

from kechuang.policy.engine import deduction, hnte, params_for, tech_sme
from kechuang.policy.engine.base import Certificate, EnterpriseFacts, Status, YearFigures

M = Decimal(1_000_000)


def figures(year, **kw):
    base = dict(revenue=40 * M, rd_expense=Decimal("2.4") * M, rd_domestic=Decimal("2.4") * M,
                hightech_revenue=30 * M, total_cost=35 * M, total_assets=80 * M, net_assets=30 * M,
                employees=100, tech_staff=20)
    base.update(kw)
    return YearFigures(year, **base)


def facts(year=2021, per_year=None, **kw):
    per_year = per_year or {}
    years = {y: figures(y, **per_year.get(y, {})) for y in (year - 2, year - 1, year)}
    base = dict(name="演示企业", registered_on=dt.date(2015, 3, 1), industry_code="C3841",
                industry_name="电池制造", years=years, ip_class1=1, ip_class2=4, conversions_3y=3)
    base.update(kw)
    return EnterpriseFacts(**base)


def test_rd_band_boundaries_follow_last_year_revenue():
    bands = params_for("hnte", 2022)["rd_bands"]
    assert hnte.rd_band(Decimal(50_000_000), bands) == Decimal("0.05")
    assert hnte.rd_band(Decimal(50_000_001), bands) == Decimal("0.04")
    assert hnte.rd_band(Decimal(200_000_000), bands) == Decimal("0.04")
    assert hnte.rd_band(Decimal(200_000_001), bands) == Decimal("0.03")


def test_rd_ratio_check_applies_the_band_of_the_last_year_over_three_years():
    # 4.5% over three years: fails at 50,000,000 (5% band), passes at 50,000,001 (4% band).
    rd = lambda rev: {"revenue": rev, "rd_expense": rev * Decimal("0.045"), "rd_domestic": rev * Decimal("0.045")}  # noqa: E731
    at_50m = hnte.evaluate(facts(per_year={y: rd(Decimal(50_000_000)) for y in (2019, 2020, 2021)}), 2021)
    check = at_50m.check("HNTE-5")
    assert check.status == Status.FAIL and check.required == Decimal("0.05")
    assert check.gap == Decimal("0.005")
    assert "第十一条（五）" in check.clause
    above = {y: rd(Decimal(50_000_000)) for y in (2019, 2020)} | {2021: rd(Decimal(50_000_001))}
    assert hnte.evaluate(facts(per_year=above), 2021).check("HNTE-5").status == Status.PASS
    big = {y: rd(Decimal(200_000_001)) for y in (2019, 2020, 2021)}
    big_check = hnte.evaluate(facts(per_year={y: v | {"rd_expense": Decimal(200_000_001) * Decimal("0.031")}
                                              for y, v in big.items()}), 2021).check("HNTE-5")
    assert big_check.required == Decimal("0.03") and big_check.status == Status.PASS


def test_innovation_score_of_70_fails_and_71_passes():
    p = params_for("hnte", 2022)
    assert hnte.innovation_check(70, p).status == Status.FAIL
    assert hnte.innovation_check(70, p).gap == Decimal(1)
    assert hnte.innovation_check(71, p).status == Status.PASS


def test_staff_domestic_and_hightech_revenue_thresholds_are_inclusive():
    ok = hnte.evaluate(facts(per_year={2021: {"employees": 100, "tech_staff": 10, "hightech_revenue": 24 * M}}), 2021)
    assert ok.check("HNTE-4").status == Status.PASS
    assert ok.check("HNTE-6").status == Status.PASS  # 24/40 = 60%
    low = hnte.evaluate(facts(per_year={2021: {"employees": 100, "tech_staff": 9}}), 2021)
    assert low.check("HNTE-4").status == Status.FAIL
    abroad = {y: {"rd_domestic": Decimal("1.4") * M} for y in (2019, 2020, 2021)}  # 58% domestic
    assert hnte.evaluate(facts(per_year=abroad), 2021).check("HNTE-5b").status == Status.FAIL


def test_registration_must_be_a_full_year_before_the_application():
    young = facts(registered_on=dt.date(2021, 7, 1))
    assert hnte.evaluate(young, 2021, application_date=dt.date(2022, 6, 30)).check("HNTE-1").status == Status.FAIL
    assert hnte.evaluate(young, 2021, application_date=dt.date(2022, 7, 1)).check("HNTE-1").status == Status.PASS


def test_judgement_conditions_are_left_for_manual_review():
    ev = hnte.evaluate(facts(), 2021)
    assert {c.code for c in ev.checks if c.status == Status.MANUAL} == {"HNTE-2", "HNTE-3", "HNTE-8"}


def test_missing_figures_give_unknown_not_fail():
    f = facts()
    f.years[2021].hightech_revenue = None
    assert hnte.evaluate(f, 2021).check("HNTE-6").status == Status.UNKNOWN


def test_growth_sub_scores_use_the_configured_bands():
    grow = {2019: {"revenue": 20 * M, "net_assets": 10 * M}, 2020: {"revenue": 30 * M, "net_assets": 15 * M},
            2021: {"revenue": 45 * M, "net_assets": 15 * M}}
    ev = hnte.evaluate(facts(per_year=grow), 2021)
    parts = {p.code: p for p in ev.score_parts}
    assert parts["sales_growth"].points == 9  # 50% → A band, mid point of 9–10
    assert parts["net_asset_growth"].points == 7  # ½(1.5 + 1) − 1 = 25% → B band (≥25%), 7–8
    assert not parts["sales_growth"].estimated
    # Overridable thresholds (UNCONFIRMED): raising A to 60% drops 50% growth to band B.
    bands = [{"min": "0.60", "points": [9, 10], "grade": "A"}, {"min": "0.25", "points": [7, 8], "grade": "B"}]
    ev2 = hnte.evaluate(facts(per_year=grow), 2021, overrides={"growth_bands": bands})
    assert {p.code: p for p in ev2.score_parts}["sales_growth"].points == 7


def test_a_tech_sme_with_501_employees_is_not_eligible():
    assert tech_sme.evaluate(facts(per_year={2021: {"employees": 500, "tech_staff": 150}}), 2021).status != Status.FAIL
    ev = tech_sme.evaluate(facts(per_year={2021: {"employees": 501, "tech_staff": 150}}), 2021)
    assert ev.status == Status.FAIL
    assert ev.check("SME-2a").status == Status.FAIL and ev.check("SME-2a").gap == 1


def test_revenue_and_assets_limits_are_200_million_inclusive():
    ok = tech_sme.evaluate(facts(per_year={2021: {"revenue": Decimal(200_000_000),
                                                  "total_assets": Decimal(200_000_000)}}), 2021)
    assert ok.check("SME-2b").status == Status.PASS and ok.check("SME-2c").status == Status.PASS
    over = tech_sme.evaluate(facts(per_year={2021: {"revenue": Decimal(200_000_001)}}), 2021)
    assert over.check("SME-2b").status == Status.FAIL and over.status == Status.FAIL


def test_a_zero_staff_score_fails_whatever_the_total():
    # 5% staff → 0 points; R&D 10% of sales → 50; an invention patent → 30: total 80.
    f = facts(per_year={2021: {"employees": 100, "tech_staff": 5, "rd_expense": 4 * M}})
    ev = tech_sme.evaluate(f, 2021)
    assert ev.score == 80
    assert ev.check("SME-5").status == Status.FAIL
    assert ev.status == Status.FAIL


def test_the_tech_sme_score_takes_the_better_rd_ratio_and_needs_60():
    # Staff 12% → 4; R&D 1.5% of sales (0) but 31% of total cost (50); no IP → 54: fails. One Ⅱ类 IP → 60: passes.
    per = {2021: {"employees": 100, "tech_staff": 12, "revenue": 200 * M, "rd_expense": 3 * M,
                  "total_cost": Decimal("9.6") * M}}
    ev = tech_sme.evaluate(facts(per_year=per, ip_class1=0, ip_class2=0), 2021)
    assert [p.points for p in ev.score_parts] == [4, 50, 0]
    assert ev.status == Status.FAIL
    ev = tech_sme.evaluate(facts(per_year=per, ip_class1=0, ip_class2=1), 2021)
    assert ev.score == 60 and ev.status == Status.MANUAL and ev.extra["route"] == "评分"


def test_a_valid_hnte_certificate_qualifies_a_tech_sme_directly():
    f = facts(per_year={2021: {"tech_staff": 5, "rd_expense": 0}}, ip_class1=0, ip_class2=0,
              certificates=[Certificate("GR202042000001", dt.date(2020, 12, 1))])
    ev = tech_sme.evaluate(f, 2021)
    assert ev.check("SME-5").status == Status.FAIL
    assert ev.check("SME-8").status == Status.PASS
    assert ev.status == Status.MANUAL and ev.extra["route"] == "直通"


def test_a_wholesale_firm_gets_no_deduction():
    r = deduction.deduction_rate(2022, "F5131")
    assert r.rate == 0 and r.category == "negative_list"
    assert deduction.deduction_rate(2023, "5131").rate == 0  # code without the section letter
    ev = deduction.evaluate(facts(industry_code="F5131", industry_name="批发业"), 2021)
    assert ev.check("RD-1").status == Status.FAIL
    assert ev.extra["extra_deduction"] == 0 and deduction.unclaimed_amount(ev) is None


@pytest.mark.parametrize(("code", "sme", "rate_2022", "rate_2023"), [
    ("C3841", False, "1.00", "1.00"),  # manufacturing
    ("I6513", True, "1.00", "1.00"),  # software firm registered as a tech SME
    ("I6513", False, "0.75", "1.00"),  # other eligible firm
    ("M7320", False, "0.75", "1.00"),
])
def test_2022_and_2023_rates_differ_as_listed(code, sme, rate_2022, rate_2023):
    assert deduction.deduction_rate(2022, code, is_tech_sme=sme).rate == Decimal(rate_2022)
    assert deduction.deduction_rate(2023, code, is_tech_sme=sme).rate == Decimal(rate_2023)


def test_2021_gives_manufacturing_100_and_others_75():
    assert deduction.deduction_rate(2021, "C3841").rate == Decimal("1.00")
    assert deduction.deduction_rate(2021, "I6513", is_tech_sme=True).rate == Decimal("0.75")
    assert deduction.deduction_rate(2019, "C3841").rate == Decimal("0.75")


def test_the_2022_q4_special_rule_is_off_by_default_and_configurable():
    f = facts(industry_code="I6513", per_year={2022: {"rd_expense": 4 * M}}, year=2022)
    off = deduction.evaluate(f, 2022)
    assert off.extra["extra_deduction"] == Decimal("3000000.00")
    on = deduction.evaluate(f, 2022, overrides={"q4_special_rule": True})
    assert on.extra["extra_deduction"] == Decimal("3250000.00")  # 3M × 75% + 1M × 100%


def test_tax_saved_uses_15_percent_for_a_valid_hnte_and_25_otherwise():
    f = facts(per_year={2021: {"rd_expense": 2 * M}})
    assert deduction.evaluate(f, 2021).extra["tax_saved"] == Decimal("500000.00")
    f.certificates = [Certificate("GR201942000001", dt.date(2019, 11, 28))]
    ev = deduction.evaluate(f, 2021)
    assert ev.extra["cit_rate"] == Decimal("0.15") and ev.extra["tax_saved"] == Decimal("300000.00")


def test_rule_versions_are_chosen_by_year():
    assert params_for("rd_deduction", 2020)["version"] == "2018"
    assert params_for("rd_deduction", 2022)["version"] == "2022"
    assert params_for("rd_deduction", 2030)["version"] == "2023"
    with pytest.raises(LookupError):
        params_for("rd_deduction", 2010)
