"""The suite builds its test databases from the models (pytest --no-migrations, about 20 s faster per worker and
database); these tests keep the real migrations honest on the database kind the run uses."""

import os
import subprocess
import sys
import uuid
from pathlib import Path

import psycopg
import pytest
from django.db import connection

REPO = Path(__file__).resolve().parents[3]


def _manage(*args, database_url: str, data_dir: Path):
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("KECHUANG_", "DJANGO_SETTINGS_MODULE", "DATABASE_URL"))}
    env.update(DATABASE_URL=database_url, KECHUANG_DATA_DIR=str(data_dir))
    return subprocess.run([sys.executable, "manage.py", *args], cwd=REPO, env=env, capture_output=True, text=True,
                          timeout=300)


@pytest.fixture
def empty_database(tmp_path):
    """A URL for an empty database of the kind this run tests (SQLite file or a new PostgreSQL database)."""
    if connection.vendor != "postgresql":
        yield f"sqlite:///{tmp_path / 'migrated.sqlite3'}"
        return
    s = connection.settings_dict
    server = f"postgresql://{s['USER'] or 'postgres'}@{s['HOST'] or '127.0.0.1'}:{s['PORT'] or 5432}"
    name = f"kc_migrations_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(f"{server}/postgres", autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    try:
        yield f"{server}/{name}"
    finally:
        with psycopg.connect(f"{server}/postgres", autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


# Slow by nature (~20 s): applying all migrations renders the model state once per operation. Two processes, not
# three: the check for model changes without a migration runs in the probe's process (call_command skips the system
# checks there; `migrate` skips them too: the system checks have their own test, test_settings).
@pytest.mark.django_db
def test_the_migrations_apply_to_an_empty_database_and_match_the_models(empty_database, tmp_path):
    migrate = _manage("migrate", "--noinput", "--skip-checks", database_url=empty_database, data_dir=tmp_path)
    assert migrate.returncode == 0, migrate.stdout + migrate.stderr
    # makemigrations --check exits non-zero when a model changed without a migration. Then the append-only audit
    # triggers, which come from a migration: the migrated database refuses to rewrite history.
    probe = _manage("shell", "--no-imports", "-c", (
        "from django.core.management import call_command\n"
        "try:\n"
        "    call_command('makemigrations', '--check', '--dry-run')\n"
        "except SystemExit as exc:\n"
        "    print('models changed without a migration', exc.code)\n"
        "    raise\n"
        "from kechuang.audit.models import AuditEvent\n"
        "from kechuang.audit.services import record_event\n"
        "record_event('test.probe')\n"
        "try:\n"
        "    AuditEvent.objects.update(action='changed')\n"
        "except Exception as exc:\n"
        "    print('refused', type(exc).__name__)\n"
    ), database_url=empty_database, data_dir=tmp_path)
    assert probe.returncode == 0, "models changed without a migration:\n" + probe.stdout + probe.stderr
    assert "refused" in probe.stdout, probe.stdout + probe.stderr
