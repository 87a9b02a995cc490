"""The scheme as data, inputs from the real engine and reports, publishing frozen results."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal as D

import pytest

from kechuang.assessment import services
from kechuang.assessment.models import AssessmentResult, AssessmentScheme
from kechuang.audit.models import AuditEvent
from kechuang.bulletins.tests.factories import approved_report, month_of_reports, supervision_order
from kechuang.org.models import Unit
from kechuang.supervision import engine

pytestmark = pytest.mark.django_db

AS_OF = dt.date(2022, 6, 30)


def scheme_for(plan):
    return services.load_scheme(services.default_scheme_path(plan))


def row(data, unit_name):
    for group in data["groups"]:
        for r in group["units"]:
            if r["unit"] == unit_name:
                return {**r, "group": group["name"]}
    raise AssertionError(unit_name)


def test_the_shipped_scheme_loads_idempotently_and_groups_the_units(plan):
    scheme = scheme_for(plan)
    again = scheme_for(plan)
    assert scheme.pk == again.pk and AssessmentScheme.objects.count() == 1
    data = services.compute(scheme, AS_OF)
    names = {g["name"]: {r["unit"] for r in g["units"]} for g in data["groups"]}
    assert "武胜关镇" in names["镇（街道）"] and "经济开发区" in names["开发区"] and "市科技经信局" in names["市直部门"]
    assert "领导小组办公室" not in set().union(*names.values())


def test_a_bad_scheme_file_is_rejected_with_a_chinese_message(plan, tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text("format: kechuang-assessment/1\nplan: guangshui-2022\nyear: 2022\nname: x\n"
                   "groups: [{code: a, name: 甲, kinds: [town]}]\nindicators: [{code: NOPE, weight: 1}]\n",
                   encoding="utf-8")
    with pytest.raises(services.AssessmentError, match="方案中没有指标 NOPE"):
        services.load_scheme(bad)


def test_indicator_points_use_the_supervision_engines_statuses(plan):
    scheme = scheme_for(plan)
    data = services.compute(scheme, AS_OF)
    lead = row(data, "市科技经信局")
    statuses = {st.indicator.code: st for st in engine.indicator_statuses(plan, AS_OF)}
    for item in [i for i in lead["items"] if i["category"] == "indicator"]:
        st = statuses[item["source"]["code"]]
        assert item["source"]["indicator_id"] == st.indicator.pk
        assert item["source"]["light"] == st.light
        expected = None if st.actual is None else f"{D(st.actual).normalize():f}"
        assert item["source"]["actual"] == expected


def test_late_reports_overdue_orders_bonuses_and_vetoes_come_from_the_data(plan, personas):
    scheme = scheme_for(plan)
    office = personas["office"]
    late = month_of_reports(plan, personas, persona="town_b", month=4, percent="30", late=True)
    month_of_reports(plan, personas, persona="town", month=4, percent="60")
    order = supervision_order(plan, unit_name="杨寨镇", number=3, issued_on=dt.date(2022, 5, 10),
                              reply_due=dt.date(2022, 5, 20))
    town = Unit.objects.get(name="武胜关镇")
    bonus = services.add_bonus(scheme, user=office, unit=town, points="2", reason="获评省级科技创新先进单位")
    veto = services.add_veto(scheme, user=office, unit=Unit.objects.get(name="陈巷镇"),
                             reason="发生科研诚信严重失信行为")
    data = services.compute(scheme, AS_OF)
    yangzhai = row(data, "杨寨镇")
    labels = {i["label"]: i for i in yangzhai["items"]}
    assert {r.pk for r in late} <= set(labels["4月报送迟报"]["source"]["report_ids"])
    assert "5月未报送" in labels
    assert labels["督办单〔2022〕第3号逾期未反馈"]["source"]["order_id"] == order.pk
    wushengguan = row(data, "武胜关镇")
    assert any(i["source"].get("bonus_id") == bonus.pk for i in wushengguan["items"])
    task_item = next(i for i in wushengguan["items"] if i["category"] == "task")
    april = wushengguan_report_ids(plan)
    assert {t["report_id"] for t in task_item["source"]["tasks"]} == april
    assert {t["percent"] for t in task_item["source"]["tasks"]} == {"60"}
    chenxiang = row(data, "陈巷镇")
    towns = next(g for g in data["groups"] if g["name"] == "镇（街道）")["units"]
    assert chenxiang["total"] == "0" and chenxiang["vetoed"]
    assert chenxiang["rank"] == max(r["rank"] for r in towns)
    assert chenxiang["items"][-1]["source"]["veto_id"] == veto.pk
    assert D(wushengguan["total"]) > D(yangzhai["total"])
    assert wushengguan["rank"] < yangzhai["rank"]


def wushengguan_report_ids(plan):
    from kechuang.reporting.models import TaskReport

    rows = TaskReport.objects.filter(plan=plan, unit__name="武胜关镇", period__month=4)
    return set(rows.values_list("pk", flat=True))


def test_a_published_result_does_not_change_when_the_data_change_later(plan, personas):
    scheme = scheme_for(plan)
    office = personas["office"]
    approved_report(plan, personas, persona="town", month=4, percent="40")
    published = services.publish_assessment(scheme, user=office, as_of=AS_OF)
    frozen = published.data
    approved_report(plan, personas, persona="town", month=5, percent="90")
    with pytest.raises(services.AssessmentError):
        services.add_bonus(scheme, user=office, unit=Unit.objects.get(name="武胜关镇"), points="1", reason="迟到的荣誉")
    with pytest.raises(services.AssessmentError):
        services.publish_assessment(scheme, user=office, as_of=AS_OF)
    published.refresh_from_db()
    assert published.data == frozen
    assert services.compute(scheme, AS_OF) != frozen  # the live data did move
    assert AuditEvent.objects.filter(action="assessment.publish").count() == 1


def test_only_the_office_changes_the_assessment(plan, personas):
    scheme = scheme_for(plan)
    for name in ("leader", "town", "lead"):
        with pytest.raises(services.AssessmentError):
            services.refresh_draft(scheme, user=personas[name])
        with pytest.raises(services.AssessmentError):
            services.add_bonus(scheme, user=personas[name], unit=personas["town"].unit, points="1", reason="x")
    draft = services.refresh_draft(scheme, user=personas["office"], as_of=AS_OF)
    assert AssessmentResult.objects.get().pk == draft.pk
