"""Test personas shared by every app (one user per role): their names, units and roles, and the password.

The builders live on the floors that own their rows: ``kechuang.accounts.testing.make_user`` and
``kechuang.plans.testing`` (``load_bundled_plan``, ``make_personas``); core imports no app.

Personas, each with what it may see:
- office      领导小组办公室, role office: everything, may change the plan.
- leader      the city, role leader: everything, read-only.
- auditor     no unit, role auditor: the audit log only.
- sysadmin    no unit, role sysadmin: accounts only.
- secadmin    no unit, role secadmin: roles only.
- lead        市科技经信局, reporter + reviewer: leads tasks (一)(二)(三)(四)(六)(九).
- dept        市财政局, reporter: responsible for (一)(二)(三)(九).
- talent      市委人才办, reporter + reviewer + pii_viewer: leads (五).
- town        武胜关镇, reporter: responsible for the tasks naming 各镇办.
- town_b      杨寨镇, reporter: a second town, to check one town never sees the other's data.
- zone        经济开发区, reporter.
- nobody      武胜关镇, no role: sees nothing.
"""

from __future__ import annotations

from pathlib import Path

import yaml

PASSWORD = "Kc-test-Passw0rd!"

PERSONAS = {
    name: (spec["unit"], spec["roles"])
    for name, spec in yaml.safe_load((Path(__file__).parent / "tests" / "personas.yaml").read_text("utf-8")).items()
}


def who_may(personas: dict, perm: str, obj=None) -> set[str]:
    """The personas (by name, and "anonymous") that have ``perm`` (on ``obj``): the declared rule, read back."""
    from django.contrib.auth.models import AnonymousUser  # Django's auth models need the app registry loaded

    found = {name for name, user in personas.items() if user.has_perm(perm, obj)}
    return found | ({"anonymous"} if AnonymousUser().has_perm(perm, obj) else set())
