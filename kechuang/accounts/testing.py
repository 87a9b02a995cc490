"""Test helper: a user with roles (personas: ``kechuang.core.testing``)."""

from __future__ import annotations

from kechuang.core.testing import PASSWORD
from kechuang.org.models import Unit

from .models import User, UserRole


def make_user(username: str, unit: Unit | None = None, roles=(), password: str = PASSWORD) -> User:
    user = User.objects.create_user(username=username, password=password, unit=unit, display_name=username)
    for role in roles:
        UserRole.objects.create(user=user, role=role)
    return user
