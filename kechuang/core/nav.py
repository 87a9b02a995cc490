"""Navigation item declaration shared by every app's nav.py."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class NavItem:
    label: str
    url_name: str
    roles: tuple[str, ...] = field(default_factory=tuple)  # empty: every signed-in user
    order: int = 100
    icon: str = "circle"

    def visible_to(self, user) -> bool:
        return not self.roles or user.has_role(*self.roles)
