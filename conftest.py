import os

import pytest

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

BUNDLED_PLAN = "guangshui-2022"
BROWSER_FIXTURES = {"page", "live_server", "login_page"}
DEMO_FIXTURE = "demo_data"


def pytest_collection_modifyitems(items):
    """Every test that drives a browser or a live server carries the `browser` mark (`-m "not browser"` skips them).
    Browser tests are slow by nature (5–12 s each: chromium, a live server and real page loads) and pytest-django
    runs them last, with the other transactional tests.

    The tests on the whole demo data (fixture `demo_data`, ordinary tests only) run first, one after another, so
    that the demo is loaded once for all of them (see `demo_data`): pytest-xdist hands each process its first tests
    as one consecutive batch (about an eighth of the suite with two processes), so one process takes them all."""
    for item in items:
        if BROWSER_FIXTURES & set(getattr(item, "fixturenames", ())) and not item.get_closest_marker("browser"):
            item.add_marker(pytest.mark.browser)
    on_demo = [item for item in items if DEMO_FIXTURE in getattr(item, "fixturenames", ())]
    for item in on_demo:
        marker = item.get_closest_marker("django_db")
        transactional = {"transactional_db", "live_server"} & set(item.fixturenames)
        if transactional or (marker and marker.kwargs.get("transaction")):
            raise pytest.UsageError(f"{item.nodeid}: {DEMO_FIXTURE} holds an open transaction; a transactional test "
                                    "cannot use it")
    if on_demo:
        items[:] = on_demo + [item for item in items if DEMO_FIXTURE not in getattr(item, "fixturenames", ())]


def _is_transactional(request) -> bool:
    marker = request.node.get_closest_marker("django_db")
    return bool(
        (marker and marker.kwargs.get("transaction"))
        or "transactional_db" in request.fixturenames
        or "live_server" in request.fixturenames
    )


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """The bundled plan, its units and the personas, created once per test session (once per xdist worker) and
    committed. Each ordinary test runs inside a transaction that is rolled back, so it sees them unchanged and
    whatever it changes (the plan included) is undone. Transactional tests flush the database when they end;
    pytest-django runs them after the others, and the `plan`/`personas` fixtures put these rows back as they
    were (see `_BaseRows`)."""
    from kechuang.audit.testing import enable_append_only
    from kechuang.plans.testing import load_bundled_plan, make_personas

    with django_db_blocker.unblock():
        # The schema comes from the models (--no-migrations; core/tests/test_migrations.py applies the real
        # migrations); the one thing a migration adds beyond the models is the audit log's append-only triggers.
        enable_append_only()
        load_bundled_plan(BUNDLED_PLAN)
        make_personas()
        _BaseRows.save()


class _BaseRows:
    """Every row of every model table as the session setup left it (the bundled plan, the personas, the content
    types…), kept in this process: after a transactional test's flush, `restore()` writes them back exactly,
    same keys and all, in ~0.1 s instead of loading the plan again (~0.6 s: YAML, history, audit). Only model
    tables, as the flush empties only those. PostgreSQL: each table's rows in COPY's text format; SQLite: the
    rows as tuples."""

    tables: dict = {}

    @classmethod
    def _model_tables(cls, connection):
        return sorted(connection.introspection.django_table_names(only_existing=True, include_views=False))

    @classmethod
    def save(cls):
        from django.db import connection

        qn = connection.ops.quote_name
        cls.tables = {}
        with connection.cursor() as cursor:
            for table in cls._model_tables(connection):
                if connection.vendor == "postgresql":
                    with cursor.cursor.copy(f"COPY {qn(table)} TO STDOUT") as copy:
                        data = b"".join(bytes(block) for block in copy)
                    if data:
                        cls.tables[table] = data
                else:
                    cursor.execute(f"SELECT * FROM {qn(table)}")
                    rows = cursor.fetchall()
                    if rows:
                        cls.tables[table] = ([c[0] for c in cursor.description], rows)

    @classmethod
    def restore(cls):
        """Empty every model table (a flush leaves the content types and permissions that post_migrate made
        again, under new keys) and write the saved rows back, in one transaction (foreign keys are checked at
        commit). Caches that may hold the flushed rows are dropped."""
        from django.contrib.contenttypes.models import ContentType
        from django.core.cache import cache
        from django.db import connection, transaction

        qn = connection.ops.quote_name
        with transaction.atomic(), connection.cursor() as cursor:
            tables = cls._model_tables(connection)
            cursor.execute(" UNION ALL ".join(
                f"SELECT {i} WHERE EXISTS (SELECT 1 FROM {qn(table)})" for i, table in enumerate(tables)))
            for (i,) in cursor.fetchall():
                cursor.execute(f"DELETE FROM {qn(tables[i])}")
            for table, saved in cls.tables.items():
                if connection.vendor == "postgresql":
                    with cursor.cursor.copy(f"COPY {qn(table)} FROM STDIN") as copy:
                        copy.write(saved)
                else:
                    columns, rows = saved
                    cursor.executemany(
                        f"INSERT INTO {qn(table)} ({', '.join(qn(c) for c in columns)}) "
                        f"VALUES ({', '.join(['%s'] * len(columns))})", rows)
        ContentType.objects.clear_cache()
        cache.clear()


class _DemoTransaction:
    """The open transaction that holds the demo data, and the test pytest runs next (known at each teardown)."""

    atomic = None
    next_item = None


@pytest.hookimpl(wrapper=True)
def pytest_runtest_teardown(item, nextitem):
    _DemoTransaction.next_item = nextitem
    return (yield)


@pytest.fixture(scope="module")
def demo_data(django_db_setup, django_db_blocker):
    """The whole `kechuang demo` (every app's demo data, as `make run` loads it) on top of the bundled plan and the
    personas, loaded in a transaction that stays open while the tests that use it run, one after another (see
    pytest_collection_modifyitems), and is rolled back after the last of them. Each of those tests runs inside it
    in its own rolled-back transaction (a savepoint), so it sees the demo data unchanged. Loading the demo costs
    ~20 s: once per test process instead of once per test. Only ordinary (non-transactional) tests may use it."""
    from django.core.management import call_command
    from django.db import transaction

    if _DemoTransaction.atomic is None:
        with django_db_blocker.unblock():
            atomic = transaction.atomic()
            atomic.__enter__()
            try:
                call_command("demo", "--quiet")
            except BaseException:
                transaction.set_rollback(True)
                atomic.__exit__(None, None, None)
                raise
        _DemoTransaction.atomic = atomic
    yield
    following = _DemoTransaction.next_item
    if following is None or DEMO_FIXTURE not in getattr(following, "fixturenames", ()):
        with django_db_blocker.unblock():
            transaction.set_rollback(True)
            _DemoTransaction.atomic.__exit__(None, None, None)
        _DemoTransaction.atomic = None


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


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Each test starts with an empty cache: figures cached under a data fingerprint by an earlier test (rolled
    back, so the fingerprint can recur with other data) must not answer for this one."""
    from django.core.cache import cache

    cache.clear()


@pytest.fixture
def plan(db, request):
    """The bundled 2022 plan (created once per session; see django_db_setup). Changes a test makes are rolled
    back with its transaction; after a transactional test's flush the session's rows are written back."""
    from kechuang.plans.models import Plan
    from kechuang.plans.testing import load_bundled_plan

    found = Plan.objects.filter(code=BUNDLED_PLAN).first()
    if found is None and _is_transactional(request) and _BaseRows.tables:  # flushed: the session's rows again
        _BaseRows.restore()
        found = Plan.objects.filter(code=BUNDLED_PLAN).first()
    return found or load_bundled_plan(BUNDLED_PLAN)


@pytest.fixture
def personas(plan):
    """One user per role (see kechuang.core.testing.PERSONAS), created once per session."""
    from kechuang.accounts.models import User
    from kechuang.core.testing import PERSONAS
    from kechuang.plans.testing import make_personas

    users = {u.username: u for u in User.objects.filter(username__in=list(PERSONAS))}
    if len(users) != len(PERSONAS):
        return make_personas()
    return {name: users[name] for name in PERSONAS}


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


def _s3_reachable(url: str) -> bool:
    import urllib.error
    import urllib.request

    try:
        urllib.request.urlopen(url, timeout=2).close()
    except urllib.error.HTTPError:
        return True  # it answered
    except OSError:
        return False
    return True


@pytest.fixture(scope="session")
def s3_endpoint():
    """A real S3 endpoint on this machine: moto's standalone server. scripts/test.sh starts one and passes it in
    KECHUANG_TEST_S3_URL (as it does for PostgreSQL); otherwise this session starts its own and stops it at the end."""
    import shutil
    import socket
    import subprocess
    import sys
    import time
    from pathlib import Path

    url = os.environ.get("KECHUANG_TEST_S3_URL", "")
    if url and _s3_reachable(url):
        yield url
        return
    binary = Path(sys.executable).with_name("moto_server")
    binary = str(binary) if binary.exists() else shutil.which("moto_server")
    if not binary:
        pytest.fail("moto_server is not installed (pip install -r requirements-dev.txt)")
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    proc = subprocess.Popen([binary, "-H", "127.0.0.1", "-p", str(port)],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while not _s3_reachable(url):
            if proc.poll() is not None or time.monotonic() > deadline:
                pytest.fail(f"moto_server did not start on {url}")
            time.sleep(0.2)
        yield url
    finally:
        proc.terminate()
        proc.wait(timeout=10)


@pytest.fixture
def s3_storage(s3_endpoint, settings):
    """The private storage switched to a fresh bucket on the S3 endpoint (the settings a deployment would use);
    returns (boto3 client, bucket, key prefix) to look at the objects directly."""
    import types
    import uuid

    import boto3

    from kechuang.settings import s3_storage

    bucket = f"kechuang-test-{uuid.uuid4().hex[:12]}"
    credentials = {"access_key": "testing", "secret_key": "testing", "region": "us-east-1"}
    client = boto3.client("s3", endpoint_url=s3_endpoint, aws_access_key_id="testing",
                          aws_secret_access_key="testing", region_name="us-east-1")
    client.create_bucket(Bucket=bucket)
    settings.STORAGES = {**settings.STORAGES,
                         "private": s3_storage(bucket, endpoint_url=s3_endpoint, prefix="kechuang", **credentials)}
    return types.SimpleNamespace(client=client, bucket=bucket, prefix="kechuang/")
