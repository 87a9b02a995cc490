import os

import pytest

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


def _is_transactional(request) -> bool:
    marker = request.node.get_closest_marker("django_db")
    return bool(
        (marker and marker.kwargs.get("transaction"))
        or "transactional_db" in request.fixturenames
        or "live_server" in request.fixturenames
    )


@pytest.fixture(autouse=True)
def _audit_triggers_step_aside_for_flush(request):
    """Transactional tests end with a flush; the audit log's append-only triggers would refuse it."""
    if not _is_transactional(request):
        yield
        return
    request.getfixturevalue("transactional_db")
    from kechuang.audit.testing import disable_append_only, enable_append_only

    enable_append_only()
    yield
    disable_append_only()


@pytest.fixture
def plan(db):
    """The bundled 2022 plan, loaded fresh for the test."""
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


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    """Drive Debian's chromium (no Playwright browser download)."""
    import shutil

    return {
        **browser_type_launch_args,
        "executable_path": shutil.which("chromium") or "/usr/bin/chromium",
        "args": ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run", "--disable-quic"],
    }


@pytest.fixture
def login_page(live_server, page):
    """login_page(username) → a Playwright page signed in through the real login form."""
    from kechuang.core.testing import PASSWORD

    def _login(username, password=PASSWORD):
        page.goto(live_server.url + "/login/")
        page.fill("#id_username", username)
        page.fill("#id_password", password)
        page.click("button[type=submit]")
        page.wait_for_load_state()
        return page

    return _login
