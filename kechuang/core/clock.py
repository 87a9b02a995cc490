"""The business date every page and service treats as today."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from .models import SystemFlag


def business_date() -> dt.date:
    """Today, or the demo's business date (SystemFlag ``demo_as_of``) when demo data is loaded."""
    flag = SystemFlag.get("demo_as_of")
    if flag:
        try:
            return dt.date.fromisoformat(flag)
        except ValueError:
            pass
    return timezone.localdate()
