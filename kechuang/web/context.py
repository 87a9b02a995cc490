"""Navigation by role, collected from each app's nav.py (ITEMS = [NavItem, …])."""

from __future__ import annotations

from django.urls import NoReverseMatch, reverse

from kechuang.core.discovery import app_modules
from kechuang.core.models import SystemFlag


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
    return {
        "nav_items": [
            {"label": label, "url": url, "icon": icon, "active": current == name}
            for _, label, url, icon, name in items
        ],
        "demo_data": SystemFlag.get("demo_data") == "1",
        "user_roles": sorted(user.roles),
    }
