"""A different, made-up county's plan loads through the same code (plans are data)."""

from pathlib import Path

import pytest

from kechuang.org.models import Unit
from kechuang.plans.loader import PlanFileError, load_plan, read_plan_file
from kechuang.plans.models import Plan, Task

DATA = Path(__file__).parent / "data" / "qingshan-2023.yaml"


@pytest.mark.django_db
def test_a_second_county_plan_loads_beside_the_first(plan):
    other = load_plan(DATA)
    assert Plan.objects.count() == 2
    assert other.owner_unit.name == "青山县" and other.setting("report_due_day") == 10
    top = Task.objects.get(plan=other, number="一、")
    assert [t.number for t in top.children.all()] == ["（一）"]
    names = [u.name for u in top.responsible_units()]
    assert names == ["县财政局", "东溪镇", "南山乡", "城关街道", "青山工业园"]
    # The two counties' unit trees are separate: 各镇办 of Guangshui does not leak into Qingshan.
    assert not Unit.objects.filter(path__startswith=other.owner_unit.path, name="武胜关镇").exists()


@pytest.mark.django_db
def test_an_unknown_unit_is_rejected_with_its_task_named_and_nothing_written(plan):
    data = read_plan_file(DATA)
    data["tasks"][1]["responsible"] = ["县教育局"]
    with pytest.raises(PlanFileError, match="任务二、.*县教育局"):
        load_plan(data)
    assert not Plan.objects.filter(code="qingshan-2023").exists()
    assert not Unit.objects.filter(name="青山县").exists()


@pytest.mark.django_db
def test_a_bad_value_names_the_indicator_and_field(plan):
    data = read_plan_file(DATA)
    data["indicators"][0]["kind"] = "percentage"
    with pytest.raises(PlanFileError, match="指标 HNTE_NEW kind"):
        load_plan(data)
