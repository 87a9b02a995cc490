"""THE resolution path: every indicator value shown anywhere comes from ``resolve``.

Dashboard, bulletins, assessment, API and exports call ``resolve(indicator, as_of, unit=None)``
and nothing else; nothing downstream recomputes a number.

- source "computed":    the named computation over the registries (metrics.registry).
- source "reported":    the latest approved IndicatorValue up to ``as_of`` (reporting app).
- source "statistical": the latest StatisticalValue up to ``as_of`` (entered or imported by the office).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from kechuang.plans.choices import ValueSource

from .registry import get_metric


@dataclass
class Resolved:
    indicator_id: int
    value: Decimal | None
    source: str
    as_of: dt.date
    records: list = field(default_factory=list)  # registry rows, reports or statistical rows behind it
    detail: dict = field(default_factory=dict)


# Providers for non-computed sources register here (reporting and metrics.models) so that this
# module does not import apps that import it.
_PROVIDERS: dict[str, object] = {}


def register_provider(source: str, fn) -> None:
    """``fn(indicator, as_of, unit) -> Resolved``."""
    _PROVIDERS[source] = fn


def resolve(indicator, as_of: dt.date, unit=None) -> Resolved:
    if indicator.source == ValueSource.COMPUTED:
        mdef = get_metric(indicator.metric)
        result = mdef.fn(indicator.plan, as_of, unit=unit, **(indicator.metric_params or {}))
        return Resolved(
            indicator.pk, result.value, indicator.source, as_of, list(result.records),
            {"numerator": result.numerator, "denominator": result.denominator, "note": result.note,
             "metric": mdef.name, "label": mdef.label},
        )
    provider = _PROVIDERS.get(indicator.source)
    if provider is None:
        _load_providers()
        provider = _PROVIDERS.get(indicator.source)
    if provider is None:
        return Resolved(indicator.pk, None, indicator.source, as_of)
    return provider(indicator, as_of, unit)


def resolve_many(indicators, as_of: dt.date, unit=None) -> dict[int, Resolved]:
    """Resolve several indicators; providers may batch (see ``register_batch_provider``)."""
    return {ind.pk: resolve(ind, as_of, unit) for ind in indicators}


def _load_providers() -> None:
    from kechuang.core.discovery import app_modules

    app_modules("value_providers")
