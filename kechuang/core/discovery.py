"""Find per-app modules (nav.py, access.py, api.py, demo.py, bench.py) so apps plug in without
editing a central list."""

from __future__ import annotations

import importlib
from types import ModuleType

from django.apps import apps


def kechuang_apps() -> list[str]:
    return [cfg.name for cfg in apps.get_app_configs() if cfg.name.startswith("kechuang.")]


def app_modules(module: str) -> list[ModuleType]:
    found = []
    for name in kechuang_apps():
        try:
            found.append(importlib.import_module(f"{name}.{module}"))
        except ModuleNotFoundError as exc:
            if exc.name != f"{name}.{module}":
                raise
    return found
