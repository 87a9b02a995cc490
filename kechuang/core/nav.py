"""Navigation item declaration shared by every app's nav.py.

An item names the permission (declared in an app's ``rules.py``) that its target view itself requires, so the
menu shows a page exactly to those the page lets in: the menu and the view cannot disagree. An item with no
permission is for every signed-in user (修改密码, 我的接口令牌, 首页).
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class NavItem:
    label: str
    url_name: str
    perm: str | None = None  # the target view's permission, e.g. "bulletins.view_bulletin_list"; None: everyone
    order: int = 100
    icon: str = "circle"

    def __post_init__(self):
        # A role list in its place would be a hand gate beside the declared rules.
        if self.perm is not None and not isinstance(self.perm, str):
            raise TypeError(f"NavItem {self.label!r}: perm must name a declared permission, not {self.perm!r}")

    def visible_to(self, user) -> bool:
        return self.perm is None or user.has_perm(self.perm)
