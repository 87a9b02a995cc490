"""The bundled Guangshui 2022 plan file reproduces the document."""

from decimal import Decimal

import pytest

from kechuang.plans.models import Indicator, Plan, Task
from kechuang.plans.testing import load_bundled_plan

EXPECTED_TASKS = {
    "（一）": (
        "推进省级创新型县（市）建设",
        ["市科技经信局"],
        [
            "市发改局",
            "市财政局",
            "市统计局",
            "市税务局",
            "市市场监管局",
            "市农业农村局",
            "市卫健局",
            "市文旅局",
            "市教育局",
            "市人社局",
            "市自然资源和规划局",
            "市民政局",
            "市科协",
            "各镇办",
            "经济开发区",
        ],
    ),
    "（二）": (
        "做好科技创新综合指标考评",
        ["市科技经信局"],
        ["市财政局", "市统计局", "市税务局", "市市场监管局", "各镇办", "经济开发区"],
    ),
    "（三）": ("培育高新技术产业", ["市科技经信局"], ["市财政局", "市统计局", "市税务局", "各镇办", "经济开发区"]),
    "（四）": ("推进科技创新平台建设", ["市科技经信局"], ["市人社局", "市科协"]),
    "（五）": (
        "推进创新人才建设",
        ["市委人才办"],
        ["市科技经信局", "市人社局", "市民政局", "市科协", "各镇办", "经济开发区"],
    ),
    "（六）": ("加强校地校企合作，促进科技成果转化", ["市科技经信局"], ["各镇办", "经济开发区"]),
    "（七）": (
        "加大科技特派员选派，助力乡村振兴",
        ["市农业农村局"],
        ["市科技经信局", "市科协", "各镇办", "经济开发区"],
    ),
    "（八）": ("加强知识产权创造、保护与运用", ["市市场监管局"], ["市科技经信局", "市金融办", "各镇办", "经济开发区"]),
    "（九）": ("创新科技机制，优化创新环境", ["市科技经信局"], ["市财政局", "市税务局", "各镇办", "经济开发区"]),
}

EXPECTED_TARGETS = {
    "HNTE_NEW": ("10", "家", "（三）"),
    "HNTE_RERECOGNISED": ("7", "家", "（三）"),
    "HNTE_TOTAL": ("40", "家", "（三）"),
    "HIGHTECH_VALUE_ADDED_SHARE": ("12", "%", "（三）"),
    "RD_EXPENSE_GROWTH": ("12", "%", "（三）"),
    "TECH_SME_REGISTERED": ("70", "家", "（三）"),
    "ACHIEVEMENT_TRANSFERS": ("12", "项", "（六）"),
    "TECH_CONTRACT_VALUE": ("2.4", "亿元", "（六）"),
    "RD_INSTITUTION_COVERAGE": ("35", "%", "（四）"),
    "HNTE_RD_INSTITUTION_COVERAGE": ("100", "%", "（四）"),
    "PLATFORMS_FILED": ("15", "家", "（四）"),
    "PLATFORMS_TOTAL": ("100", "家", "（四）"),
    "HIGH_END_TEAMS": ("1", "个", "（五）"),
    "HIGH_END_TALENTS": ("3", "名", "（五）"),
    "UNIVERSITY_AGREEMENTS": ("2", "所", "（六）"),
    "IP_TRAINING_COVERAGE": ("90", "%", "（八）"),
    "IP_PLEDGE_GROWTH": ("20", "%", "（八）"),
}


@pytest.mark.django_db
def test_it_loads_all_nine_tasks_with_units_exactly_as_written(plan):
    tasks = {t.number: t for t in Task.objects.filter(plan=plan)}
    assert list(tasks) == list(EXPECTED_TASKS)
    for number, (title, lead, responsible) in EXPECTED_TASKS.items():
        task = tasks[number]
        assert task.title == title
        assert task.lead_text.split("、") == lead
        assert task.responsible_text.split("、") == responsible
        assert task.text.startswith(number + title)


@pytest.mark.django_db
def test_it_expands_group_names_to_every_town_street_and_the_zone(plan):
    task = Task.objects.get(plan=plan, number="（六）")
    names = [u.name for u in task.responsible_units()]
    assert "武胜关镇" in names and "应山街道" in names and "经济开发区" in names
    assert len(names) == 4 + 13 + 1
    assert [u.name for u in task.lead_units()] == ["市科技经信局"]


@pytest.mark.django_db
def test_every_target_of_the_document_is_an_indicator_linked_to_its_task(plan):
    indicators = {i.code: i for i in Indicator.objects.filter(plan=plan).prefetch_related("tasks")}
    assert set(indicators) == set(EXPECTED_TARGETS)
    for code, (target, measure, task_number) in EXPECTED_TARGETS.items():
        ind = indicators[code]
        assert ind.target == Decimal(target), code
        assert ind.measure == measure, code
        assert [t.number for t in ind.tasks.all()] == [task_number], code
        assert ind.sentence, code


@pytest.mark.django_db
def test_rerecognition_indicator_explains_that_review_was_abolished(plan):
    ind = Indicator.objects.get(plan=plan, code="HNTE_RERECOGNISED")
    assert "取消复审" in ind.description and "2019" in ind.description
    assert ind.part_of.code == "HNTE_TOTAL"


@pytest.mark.django_db
def test_loading_twice_updates_and_never_duplicates(plan):
    counts = (Task.objects.count(), Indicator.objects.count(), Task.history.count(), Indicator.history.count())
    load_bundled_plan()
    assert (Task.objects.count(), Indicator.objects.count(), Task.history.count(), Indicator.history.count()) == counts
    assert Plan.objects.count() == 1


@pytest.mark.django_db
def test_working_rules_of_section_four_are_plan_settings(plan):
    assert plan.setting("report_due_day") == 5
    assert plan.setting("bulletin") == "quarterly"
    assert [r["title"] for r in plan.requirements] == ["加强组织领导", "强化督导考核", "注重宣传引导"]
