"""Find per-app modules (nav.py, access.py, api.py, demo.py, bench.py) so apps plug in without
editing a central list."""

from __future__ import annotations

import importlib
from types import ModuleType

from django.apps import apps


def kechuang_apps() -> list[str]:
    return [cfg.name for cfg in apps.get_app_configs() if cfg.name.startswith("kechuang.")]


# {(module, installed apps): the modules found}: an app without the module is searched for on disk at each import
# attempt (~0.2 ms for a name over every app), and the resolution path asks for "metrics_defs" at each value and the
# navigation for "nav" at each page.
_FOUND: dict[tuple[str, tuple[str, ...]], list[ModuleType]] = {}


def app_modules(module: str) -> list[ModuleType]:
    names = tuple(kechuang_apps())
    found = _FOUND.get((module, names))
    if found is None:
        found = []
        for name in names:
            try:
                found.append(importlib.import_module(f"{name}.{module}"))
            except ModuleNotFoundError as exc:
                if exc.name != f"{name}.{module}":
                    raise
        _FOUND[(module, names)] = found
    return list(found)
