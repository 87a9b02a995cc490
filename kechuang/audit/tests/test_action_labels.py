"""The auditor reads every action in Chinese: each code the application writes has a label."""

import re
from pathlib import Path

import pytest

from kechuang.audit.labels import action_label
from kechuang.audit.services import record_event

ROOT = Path(__file__).resolve().parents[2]


def _codes_in_source() -> set[str]:
    """Every literal action code passed to record_event (f-string placeholders expanded where we know them)."""
    codes = set()
    pattern = re.compile(r'record_event\(\s*f?"([a-z_.{}]+)"')
    expand = {
        "{how}": ["change", "reset"], "{kind}": ["reminder", "urging"], "{op}": ["add", "done", "undo", "delete"],
        "{action}": ["issued", "replied", "closed", "returned", "dismissed", "proposed", "note"],
        "{cfg.model._meta.model_name}": ["talent", "team"], "period_": ["period_open", "period_closed"],
    }
    for path in ROOT.rglob("*.py"):
        if "tests" in path.parts or "migrations" in path.parts:
            continue
        for code in pattern.findall(path.read_text("utf-8")):
            variants = [code]
            for key, values in expand.items():
                variants = [v.replace(key, value) for v in variants for value in values] if any(
                    key in v for v in variants) else variants
            codes.update(v for v in variants if "{" not in v)
    return codes


def test_every_action_the_application_records_has_a_chinese_label():
    codes = _codes_in_source()
    assert len(codes) > 40
    unlabelled = sorted(c for c in codes if action_label(c) == "其他操作")
    assert not unlabelled, unlabelled
    assert action_label("reporting.approved") == "月度填报 审核通过"
    assert action_label("auth.login_failed") == "登录失败"
    assert action_label("matching.docking.status") == "精准对接 对接 状态变更"


@pytest.mark.django_db
def test_the_audit_log_shows_chinese_actions_and_filters_by_category(personas, client_for):
    record_event("matching.docking.status", user=personas["office"])
    record_event("reporting.approved", user=personas["lead"])
    page = client_for("auditor").get("/audit/?action=matching.").content.decode()
    assert "精准对接 对接 状态变更" in page and "月度填报 审核通过" not in page
    assert ">matching.docking.status<" not in page
