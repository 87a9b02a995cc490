"""Validation rules: range, percentages, cumulative never decreasing, parts ≤ whole, warnings need a note."""

from decimal import Decimal

import pytest

from kechuang.reporting import plausibility as rules
from kechuang.reporting import services
from kechuang.reporting.choices import SubmissionStatus as S

from .helpers import period, reported_indicator, value_row

pytestmark = pytest.mark.django_db


def _approved(plan, personas, ind, month, value):
    lead = personas["lead"]
    row = value_row(plan, ind, lead, month)
    services.save_draft(row, user=lead, data={"value": value, "note": "首次"}, expected_version=row.version)
    services.submit(row, user=lead)
    services.approve(row, user=personas["office"])
    return row


def test_a_percentage_outside_0_100_is_an_error(plan, personas):
    ind = reported_indicator(plan, "RD_INSTITUTION_COVERAGE")
    res = rules.check_value(ind, personas["lead"].unit, period(plan), Decimal("101"))
    assert res.errors == ["规上工业企业研发机构覆盖率不能大于 100%"] or "不能大于 100%" in res.errors[0]
    assert rules.check_value(ind, personas["lead"].unit, period(plan), Decimal("-1")).errors
    assert rules.check_value(ind, personas["lead"].unit, period(plan), Decimal("35")).ok


def test_counts_are_never_negative_and_own_bounds_apply(plan, personas):
    ind = reported_indicator(plan, "HNTE_NEW", max_value=Decimal(50))
    assert "不能小于 0" in rules.check_value(ind, personas["lead"].unit, period(plan), Decimal(-2)).errors[0]
    assert "不能大于 50" in rules.check_value(ind, personas["lead"].unit, period(plan), Decimal(51)).errors[0]


def test_a_cumulative_count_never_decreases_against_last_approved_month(plan, personas):
    ind = reported_indicator(plan, "HNTE_NEW")
    _approved(plan, personas, ind, 4, "6")
    res = rules.check_value(ind, personas["lead"].unit, period(plan, 5), Decimal(5))
    assert any("年度累计数" in e and "4月" in e for e in res.errors)
    assert rules.check_value(ind, personas["lead"].unit, period(plan, 5), Decimal(6)).ok
    row = value_row(plan, ind, personas["lead"], 5)
    with pytest.raises(services.InvalidData, match="年度累计数"):
        services.save_draft(row, user=personas["lead"], data={"value": "5"}, expected_version=row.version)


def test_a_level_indicator_may_go_down(plan, personas):
    ind = reported_indicator(plan, "HNTE_TOTAL")
    _approved(plan, personas, ind, 4, "40")
    assert rules.check_value(ind, personas["lead"].unit, period(plan, 5), Decimal(38)).ok


def test_parts_may_not_exceed_the_whole(plan, personas):
    total = reported_indicator(plan, "HNTE_TOTAL")
    new = reported_indicator(plan, "HNTE_NEW")
    rere = reported_indicator(plan, "HNTE_RERECOGNISED")
    lead = personas["lead"]
    p = period(plan)
    res = rules.check_value(new, lead.unit, p, Decimal(8), batch={total.pk: Decimal(10), rere.pk: Decimal(4)})
    assert any("之和（12）不能大于" in e for e in res.errors)
    assert rules.check_value(new, lead.unit, p, Decimal(6), batch={total.pk: Decimal(10), rere.pk: Decimal(4)}).ok
    # From the stored rows, checked from the whole's side too.
    for ind, v in ((new, "8"), (rere, "4")):
        row = value_row(plan, ind, lead)
        services.save_draft(row, user=lead, data={"value": v}, expected_version=row.version)
    row = value_row(plan, total, lead)
    with pytest.raises(services.InvalidData, match="不能大于"):
        services.save_draft(row, user=lead, data={"value": "11"}, expected_version=row.version)


def test_a_jump_over_half_is_a_warning_that_needs_a_note_to_submit(plan, personas):
    ind = reported_indicator(plan, "HNTE_TOTAL")
    _approved(plan, personas, ind, 4, "20")
    lead = personas["lead"]
    row = value_row(plan, ind, lead)
    services.save_draft(row, user=lead, data={"value": "35", "note": ""}, expected_version=row.version)
    assert row.status == S.DRAFT
    with pytest.raises(services.InvalidData, match="变动超过50%.*说明"):
        services.submit(row, user=lead)
    services.save_draft(row, user=lead, data={"note": "集中认定批次公布"}, expected_version=row.version)
    services.submit(row, user=lead)
    assert row.status == S.SUBMITTED


def test_a_value_is_required_to_submit(plan, personas):
    ind = reported_indicator(plan, "HNTE_TOTAL")
    row = value_row(plan, ind, personas["lead"])
    row.value = None
    row.save()
    with pytest.raises(services.InvalidData, match="请填写数值"):
        services.submit(row, user=personas["lead"])


def test_a_whole_plans_check_gives_every_approved_value_what_check_value_gives_it(plan, personas):
    """``PlanValues`` (the data-quality check: a plan's values read at once) against ``check_value`` row by row,
    on approved values that break every rule (stored directly, as an old version or a reopened month can leave
    them), beside drafts and submitted rows that only count as the parts of a whole."""
    total = reported_indicator(plan, "HNTE_TOTAL")
    new = reported_indicator(plan, "HNTE_NEW")
    rere = reported_indicator(plan, "HNTE_RERECOGNISED")
    coverage = reported_indicator(plan, "RD_INSTITUTION_COVERAGE")
    lead, town = personas["lead"], personas["town"]

    def stored(ind, user, month, value, status=S.APPROVED):
        rules.IndicatorValue.objects.create(plan=plan, indicator=ind, unit=user.unit, period=period(plan, month),
                                            value=None if value is None else Decimal(value), status=status)

    stored(new, lead, 3, "10")
    stored(new, lead, 4, "4")  # a cumulative count going down, and a jump of more than half
    stored(rere, lead, 4, "3")
    stored(total, lead, 4, "5")  # parts 4 + 3 > 5
    stored(coverage, lead, 4, "120")  # a percentage over 100
    stored(new, lead, 5, "20")
    stored(rere, lead, 5, "99", status=S.SUBMITTED)  # not checked itself, but a part of May's whole
    stored(total, lead, 5, "50")
    stored(total, lead, 6, None)  # approved without a value: nothing to check
    stored(new, town, 4, "2")
    stored(new, town, 5, "2.5")

    checked = {iv.pk: (r.errors, r.warnings) for iv, r in rules.PlanValues(plan.pk).checks()}
    rows = rules.IndicatorValue.objects.filter(plan=plan, status=S.APPROVED, value__isnull=False)
    expected = {iv.pk: (r.errors, r.warnings) for iv in rows.select_related("indicator", "unit", "period")
                for r in [rules.check_value(iv.indicator, iv.unit, iv.period, iv.value)]}
    assert checked == expected
    messages = [m for errors, warnings in checked.values() for m in errors + warnings]
    for fragment in ("年度累计数", "变动超过50%", "之和（7）不能大于", "之和（119）不能大于", "不能大于 100"):
        assert any(fragment in m for m in messages), fragment
