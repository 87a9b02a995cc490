"""The navigation shows a page exactly to those the page lets in: each item names the permission its view requires
(core/nav.py), and the access matrix (each app's access.py, checked by test_access_matrix) says who gets in."""

from __future__ import annotations

from collections import defaultdict

import pytest
import rules
from django.test import Client

from kechuang.core.access import ALL_PERSONAS
from kechuang.core.discovery import app_modules
from kechuang.core.nav import NavItem
from kechuang.core.testing import who_may


def _items() -> list[NavItem]:
    return [item for module in app_modules("nav") for item in getattr(module, "ITEMS", [])]


def _declared_allow(url_name: str) -> set[str]:
    """Who the access matrix lets into the page (its plain GET declaration, without arguments)."""
    allows = {frozenset(route.allow) for module in app_modules("access") for route in module.ROUTES
              if route.name == url_name and route.method == "GET" and route.kwargs is None and not route.query}
    assert len(allows) == 1, f"{url_name}: {len(allows)} plain GET declarations in the access matrix"
    return set(allows.pop())


def test_every_navigation_item_names_a_declared_permission():
    undeclared = [f"{item.label}: {item.perm}" for item in _items()
                  if item.perm is not None and not rules.perm_exists(item.perm)]
    assert not undeclared, undeclared


def test_a_navigation_item_refuses_a_role_list_in_place_of_a_permission():
    with pytest.raises(TypeError):
        NavItem("填报情况", "reporting:home", ("office", "leader"), 26)


@pytest.mark.django_db
def test_each_page_in_the_navigation_is_shown_to_exactly_the_personas_it_lets_in(personas):
    shown = defaultdict(set)  # two items may lead to one page (本月填报 and 填报情况)
    for item in _items():
        shown[item.url_name] |= set(ALL_PERSONAS) if item.perm is None else who_may(personas, item.perm)
    mismatches = {name: {"shown, not let in": sorted(who - _declared_allow(name)),
                         "let in, not shown": sorted(_declared_allow(name) - who)}
                  for name, who in shown.items() if who != _declared_allow(name)}
    assert not mismatches, mismatches


@pytest.mark.django_db
def test_a_unit_is_offered_本月填报_and_the_office_and_leaders_填报情况(plan, personas):
    def menu(persona):
        client = Client()
        client.force_login(personas[persona])
        page = client.get("/").content.decode()
        return page.split('data-testid="nav"', 1)[1].split("</ul>", 1)[0]

    for persona in ("town", "lead"):
        assert "本月填报" in menu(persona) and "填报情况" not in menu(persona)
    for persona in ("office", "leader"):
        assert "填报情况" in menu(persona) and "本月填报" not in menu(persona)
