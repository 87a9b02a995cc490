"""Test helpers: the bundled plan and the personas in its unit tree (``kechuang.core.testing.PERSONAS``)."""

from __future__ import annotations

from kechuang.accounts.models import User
from kechuang.accounts.testing import make_user
from kechuang.core.testing import PERSONAS
from kechuang.org.models import Unit

from .loader import bundled_plan_path, load_plan


def load_bundled_plan(code: str = "guangshui-2022"):
    return load_plan(bundled_plan_path(code))


def make_personas() -> dict[str, User]:
    users = {}
    for name, (unit_name, roles) in PERSONAS.items():
        unit = Unit.objects.get(name=unit_name) if unit_name else None
        users[name] = make_user(name, unit, roles)
    return users
