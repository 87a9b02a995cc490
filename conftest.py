import os

import pytest

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


@pytest.fixture
def plan(db):
    """The bundled Guangshui 2022 plan, loaded fresh for the test."""
    from kechuang.core.testing import load_bundled_plan

    return load_bundled_plan()


@pytest.fixture
def personas(plan):
    """One user per role (see kechuang.core.testing.PERSONAS)."""
    from kechuang.core.testing import make_personas

    return make_personas()


@pytest.fixture
def client_for(client, personas):
    """client_for("town") → a test client signed in as that persona."""
    from django.test import Client

    def _client(name):
        c = Client()
        c.force_login(personas[name])
        return c

    return _client
