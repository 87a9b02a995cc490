"""总体情况, candidates and 下步工作 drafted from a snapshot (pure functions, no database)."""

from kechuang.bulletins.compose import candidates, default_picks, draft_next_steps, draft_summary, light_counts


def ind(i, light, completion="50.0", gap="0.0", owner="市科技经信局", name=None, cumulative=True):
    return {"id": i, "name": name or f"指标{i}", "measure": "家", "actual": "5", "target": "10家",
            "light": light, "completion_pct": completion, "time_progress_pct": "75.0", "gap_points": gap,
            "owner": owner, "cumulative": cumulative, "reason": f"落后序时进度{(gap or '').lstrip('-')}个百分点",
            "change_points": "10.0"}


def task(i, light, percent="60.0", gap="-6.7", lagging=()):
    return {"id": i, "number": f"（{i}）", "title": f"任务{i}", "light": light, "percent": percent, "gap_points": gap,
            "time_progress_pct": "66.7", "lead_units": ["市科技经信局"], "lagging_units": list(lagging),
            "reason": "1个工作节点逾期", "progress": []}


def snapshot(indicators, tasks=(), rankings=(), orders=(), repeated=()):
    snap = {
        "as_of": "2022-09-30", "time_progress_pct": "75.0", "plan": {"report_due_day": 5},
        "indicators": indicators, "tasks": list(tasks), "rankings": list(rankings), "orders": list(orders),
        "red_items": [], "counts": light_counts(indicators), "task_counts": light_counts(list(tasks)),
        "reporting": {"months": [7, 8], "judged": 10, "on_time": 8, "late": 1, "missing": 1, "rate": "80.0",
                      "repeated": list(repeated)},
    }
    snap["candidates"] = candidates(snap)
    return snap


def test_seventy_percent_against_seventy_five_is_green_but_not_counted_as_on_schedule():
    """The defect in the Q3 demo: 70 % at 75 % time progress (green, within 10 points) was counted
    among those 达到或超过序时进度."""
    snap = snapshot([ind(1, "green", "70.0", "-5.0"), ind(2, "green", "80.0", "5.0"), ind(3, "yellow", "60.0", "-15.0"),
                     ind(4, "red", "40.0", "-35.0"), ind(5, "grey", None, None)])
    text = draft_summary(snap)
    assert "5项主要指标中，绿灯2项（其中1项达到或超过序时进度）、黄灯1项、红灯1项、暂无数据1项。" in text
    assert "7—8月应报月度报告10份，按时报送8份（及时率80.0%），逾期1份、未报1份。" in text
    assert "主要指标中，指标15家（完成率70.0%，较上季度末提高10.0个百分点）" in text  # 指标1: 5家


def test_highlights_are_ranked_targets_met_early_first_and_problems_red_first():
    snap = snapshot([ind(1, "green", "105.0", "30.0", name="引进人才"), ind(2, "green", "90.0", "15.0"),
                     ind(3, "red", "30.0", "-45.0", name="重新认定"), ind(4, "yellow", "60.0", "-15.0")],
                    tasks=[task(1, "red", lagging=["甲镇"])])
    highs = [c["key"] for c in snap["candidates"]["highlights"]]
    assert highs[:2] == ["ind-met-1", "ind-ahead-2"]
    probs = snap["candidates"]["problems"]
    assert [c["key"] for c in probs] == ["ind-red-3", "task-red-1", "ind-yellow"]
    assert "重新认定" in probs[0]["text"] and "市科技经信局" in probs[0]["text"]
    assert "滞后单位：甲镇" in probs[1]["text"]


def test_many_lagging_items_are_grouped_in_one_problem_naming_only_a_few():
    yellows = [ind(i, "yellow", "60.0", "-15.0") for i in range(1, 9)]
    tasks = [task(i, "yellow", lagging=[f"{i}号镇"]) for i in range(1, 7)]
    snap = snapshot(yellows, tasks=tasks, repeated=[{"unit": f"{i}号街道", "late": 2, "missing": 1}
                                                    for i in range(5)])
    probs = {c["key"]: c["text"] for c in snap["candidates"]["problems"]}
    assert set(probs) == {"ind-yellow", "task-yellow", "reports-late"}
    assert probs["ind-yellow"].startswith("8项指标滞后于序时进度（黄灯）") and "等8项" in probs["ind-yellow"]
    assert "等6项" in probs["task-yellow"] and "等6个单位" in probs["task-yellow"]
    assert "5个单位本季度月报多次逾期或未报" in probs["reports-late"]
    highs, picked = default_picks(snap)
    assert len(picked) == 3 and all(set(p) == {"key", "text"} for p in picked)


def test_next_steps_are_drafted_from_the_red_and_yellow_items():
    snap = snapshot([ind(1, "red", "30.0", "-45.0", name="重新认定", owner="市科技经信局"), ind(2, "green")],
                    tasks=[task(1, "yellow")], orders=[{"open": True, "overdue": False}])
    steps = draft_next_steps(snap).splitlines()
    assert steps[0].startswith("1.紧盯滞后指标。重新认定的责任单位（市科技经信局）")
    assert steps[1].startswith("2.加快重点任务推进。（1）任务1")
    assert steps[2].startswith("3.抓好督办落实") and steps[3].startswith("4.规范按月报送。各单位每月5日前")
    assert "10月底前" in steps[0]
