"""Named computations over the registries. Which one an indicator uses is data (Indicator.metric).

A computation is a function ``fn(plan, as_of: date, unit=None, **params) -> MetricResult``
registered with ``@metric("name", "中文说明")``. ``unit`` narrows the figure to one unit's
jurisdiction (a town's enterprises) when the computation supports it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal

from kechuang.core.discovery import app_modules

_REGISTRY: dict[str, MetricDef] = {}


class LazyRecords(list):
    """A list of records loaded on first use: batch providers return values at once and fetch the
    records behind them only when a page shows them (drill-down)."""

    def __init__(self, loader):
        super().__init__()
        self._loader = loader

    def _load(self):
        if self._loader is not None:
            loader, self._loader = self._loader, None
            super().extend(loader())

    def __iter__(self):
        self._load()
        return super().__iter__()

    def __len__(self):
        self._load()
        return super().__len__()

    def __getitem__(self, index):
        self._load()
        return super().__getitem__(index)

    def __eq__(self, other):
        self._load()
        return list(super().__iter__()) == list(other)

    def __repr__(self):
        self._load()
        return super().__repr__()

    __hash__ = None


@dataclass
class MetricResult:
    """A computed figure and the records behind it (for drill-down)."""

    value: Decimal | None
    records: list = field(default_factory=list)  # model instances behind it (a LazyRecords is read on first use)
    numerator: Decimal | None = None  # for ratios and growth: the parts
    denominator: Decimal | None = None
    note: str = ""


@dataclass
class MetricDef:
    name: str
    label: str
    fn: Callable
    record_label: str = ""


def metric(name: str, label: str, record_label: str = ""):
    def decorator(fn):
        _REGISTRY[name] = MetricDef(name, label, fn, record_label)
        return fn

    return decorator


def get_metric(name: str) -> MetricDef:
    _ensure_loaded()
    try:
        return _REGISTRY[name]
    except KeyError as exc:
        raise KeyError(f"未定义的指标计算方法：{name}") from exc


def all_metrics() -> dict[str, MetricDef]:
    _ensure_loaded()
    return dict(_REGISTRY)


def _ensure_loaded() -> None:
    # Computations live in each app's metrics_defs.py; importing registers them.
    app_modules("metrics_defs")
