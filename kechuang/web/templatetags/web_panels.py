"""Panels a page of a lower app shows whose figures belong to a higher app, which that page's code may not
import (the floors in pyproject.toml): the panel lives here on the top floor and the page's template loads it."""

from __future__ import annotations

from django import template

from kechuang.quality.services import counts_for

register = template.Library()


@register.inclusion_tag("web/quality_panel.html", takes_context=True)
def quality_panel(context):
    """数据质量 on the supervision dashboard: the latest check's errors and warnings within the user's scope."""
    return {"quality": counts_for(context["request"].user)}
