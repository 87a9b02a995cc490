"""Policy rules, versioned by year. Each version's parameters are a YAML file in ``versions/``
(``<rule>-<effective_from>.yaml``); the version in force for a year is the latest one whose
``effective_from`` is not after it. Engines: ``hnte``, ``tech_sme``, ``deduction``."""

from __future__ import annotations

import datetime as dt
import functools
from pathlib import Path

import yaml

VERSIONS_DIR = Path(__file__).resolve().parent / "versions"


@functools.cache
def _all_versions() -> dict[str, list[dict]]:
    found: dict[str, list[dict]] = {}
    for path in sorted(VERSIONS_DIR.glob("*.yaml")):
        if path.name.startswith("_"):
            continue
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        data["_file"] = path.name
        found.setdefault(data["rule"], []).append(data)
    for versions in found.values():
        versions.sort(key=lambda d: d["effective_from"])
    return found


@functools.cache
def shared(name: str) -> dict:
    return yaml.safe_load((VERSIONS_DIR / f"_{name}.yaml").read_text(encoding="utf-8"))


def params_for(rule: str, year: int, overrides: dict | None = None) -> dict:
    """The parameters of ``rule`` in force in ``year`` (a copy; ``overrides`` replace top-level keys)."""
    versions = _all_versions().get(rule)
    if not versions:
        raise KeyError(f"未定义的政策规则：{rule}")
    chosen = None
    for v in versions:
        if v["effective_from"] <= year:
            chosen = v
    if chosen is None:
        raise LookupError(f"{year}年无适用的{rule}规则版本（最早自{versions[0]['effective_from']}年）")
    params = dict(chosen)
    if overrides:
        params.update(overrides)
    return params


def supported_years() -> tuple[int, int]:
    """Years every rule has a version for: from the latest first version up to next year."""
    first = max(versions[0]["effective_from"] for versions in _all_versions().values())
    return first, dt.date.today().year + 1


def versions_of(rule: str) -> list[dict]:
    return list(_all_versions().get(rule, []))
