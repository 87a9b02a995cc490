"""The opening summary drafted from the snapshot (pure)."""

from kechuang.bulletins.compose import draft_summary, light_counts


def ind(light, completion="50.0", tp="50.0"):
    # gap_points as the engine gives it for a "≥" cumulative indicator: completion − 序时进度.
    gap = None if completion is None else str(float(completion) - float(tp))
    return {"light": light, "completion_pct": completion, "time_progress_pct": tp, "gap_points": gap}


def rank(unit, rank, score):
    return {"unit": unit, "rank": rank, "score": score}


def test_the_summary_counts_lights_and_names_standout_and_lagging_units():
    indicators = [ind("green", "60.0"), ind("green"), ind("yellow", "35.0"), ind("red", "5.0"), ind("grey", None)]
    snapshot = {
        "as_of": "2022-06-30", "time_progress_pct": "50.0", "counts": light_counts(indicators),
        "rankings": [rank("甲镇", 1, "90"), rank("乙镇", 2, "80"), rank("丙镇", 3, "70"), rank("丁镇", 4, "10"),
                     rank("戊镇", 5, "0"), rank("己镇", 5, "0")],
        "red_items": [{}], "orders": [{}, {}],
    }
    text = draft_summary(snapshot)
    assert "截至2022年6月30日，序时进度为50.0%" in text
    assert "5项量化指标中，2项达到或超过序时进度（其中1项超序时进度）" in text
    assert "2项滞后于序时进度（黄灯1项、红灯1项），1项暂无数据" in text
    assert "甲镇、乙镇、丙镇表现突出；" in text
    assert text.split("；")[1].split("相对滞后")[0] in ("戊镇、己镇", "己镇、戊镇")
    assert "红灯事项1项，未办结督办单2份" in text


def test_nobody_is_praised_when_every_unit_scores_zero():
    snapshot = {"as_of": "2022-03-31", "time_progress_pct": "25.0", "counts": light_counts([]),
                "rankings": [rank("甲镇", 1, "0"), rank("乙镇", 1, "0")], "red_items": [], "orders": []}
    assert "表现突出" not in draft_summary(snapshot)
