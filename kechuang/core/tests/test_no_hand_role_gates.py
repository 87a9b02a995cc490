"""Who may do what is declared once (each app's rules.py, predicates in core/predicates.py): no page, API route,
service, template or navigation item asks a role by hand."""

from __future__ import annotations

import re
from pathlib import Path

from kechuang.core.roles import Role
from kechuang.core.testing import who_may

ROOT = Path(__file__).resolve().parents[2]  # the kechuang package
PREDICATES = ROOT / "core" / "predicates.py"
# In Python: an attribute (user.is_office, request.auth.sees_everything) or a context key ("is_office": …).
# A predicate called as a function (is_office(user)) is the declared rule and is allowed.
# ``user.has_role(…)`` is the predicates' own primitive (core/predicates.py); anywhere else it is a hand gate.
PY_GATE = re.compile(r"\.(is_office|sees_everything)\b|[\"'](is_office|sees_everything)[\"']|\.has_role\(")
# In a template every mention is a hand gate: buttons ask {% has_perm 'app.action' user obj as can_x %}.
HTML_GATE = re.compile(r"\b(is_office|sees_everything)\b")
# A navigation item names the permission its page requires (core/nav.py): a role in an app's nav.py, as
# ``Role.OFFICE`` or ``"office"``, is a role list beside the declared rules.
NAV_GATE = re.compile(r"\bRole\b|[\"'](" + "|".join(Role.values) + r")[\"']")


def _product_files():
    for path in sorted(ROOT.rglob("*")):
        parts = set(path.relative_to(ROOT).parts)
        if path.suffix not in (".py", ".html") or parts & {"tests", "migrations"} or path == PREDICATES:
            continue
        yield path


def _gates() -> list[str]:
    found = []
    for path in _product_files():
        pattern = PY_GATE if path.suffix == ".py" else HTML_GATE
        for number, line in enumerate(path.read_text("utf-8").splitlines(), 1):
            if pattern.search(line) or (path.name == "nav.py" and NAV_GATE.search(line)):
                found.append(f"{path.relative_to(ROOT)}:{number}: {line.strip()[:100]}")
    return found


def test_no_view_api_service_or_template_checks_the_office_or_leader_role_by_hand():
    gates = _gates()
    assert not gates, "hand role gates left (declare the action in the app's rules.py):\n" + "\n".join(gates)


def test_the_check_finds_a_hand_gate_when_there_is_one():
    # The patterns are what the test relies on: a line written the old way is caught.
    assert PY_GATE.search("    if not request.user.is_office:")
    assert PY_GATE.search('        "is_office": user.is_office,')
    assert HTML_GATE.search("{% if user.sees_everything %}")
    assert not PY_GATE.search("    if is_office(user):")
    assert PY_GATE.search("        return not self.roles or user.has_role(*self.roles)")
    assert NAV_GATE.search('    NavItem("填报情况", "reporting:home", (Role.OFFICE, Role.LEADER), 26, "grid-3x3"),')
    assert NAV_GATE.search('ITEMS = [NavItem("精准对接", "matching:demand_list", ("office", "leader"), 61)]')
    assert not NAV_GATE.search('    NavItem("填报情况", "reporting:home", "reporting.view_completeness", 26),')


def test_the_admin_is_entered_by_the_office_and_the_three_administrators_only(personas):
    assert who_may(personas, "core.use_admin") == {"office", "sysadmin", "secadmin", "auditor"}
