"""Navigation by permission, collected from each app's nav.py (ITEMS = [NavItem, …])."""

from __future__ import annotations

from django.urls import NoReverseMatch, reverse

from kechuang.core.discovery import app_modules
from kechuang.core.models import SystemFlag
from kechuang.core.predicates import sees_everything
from kechuang.plans.services import current_plan
from kechuang.reporting.services import business_date
from kechuang.web.todo import badge_counts


def navigation(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    items = []
    for module in app_modules("nav"):
        for item in getattr(module, "ITEMS", []):
            if item.visible_to(user):
                try:
                    items.append((item.order, item.label, reverse(item.url_name), item.icon, item.url_name))
                except NoReverseMatch:
                    continue
    items.sort()
    current = request.resolver_match.view_name if request.resolver_match else ""
    badges = _badges(user)
    return {
        "nav_items": [
            {"label": label, "url": url, "icon": icon, "active": current == name, "badge": badges.get(name, 0)}
            for _, label, url, icon, name in items
        ],
        "todo_count": badges.get("web:home", 0),
        "demo_data": SystemFlag.get("demo_data") == "1",
        "user_roles": sorted(user.roles),
    }


# Navigation entries that carry a count: 首页 (我的待办) and 待审核.
BADGE_ROUTES = {"web:home": "todo", "reporting:review_home": "reviews"}


def _badges(user) -> dict[str, int]:
    """{url name: count} for the navigation badges, from the same to-do list the home page shows."""
    if not (sees_everything(user) or user.unit_id):
        return {}
    plan = current_plan(user)
    if plan is None:
        return {}
    counts = badge_counts(user, plan, business_date())
    return {route: counts.get(key, 0) for route, key in BADGE_ROUTES.items()}
