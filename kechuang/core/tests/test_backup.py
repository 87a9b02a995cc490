"""`kechuang backup` / `kechuang restore`: a backup restored onto an empty instance (another process, another
database, another data directory) reproduces every table's row count and every file's checksum; a backup that does
not match its manifest, or a target that is not empty, is refused with a Chinese message and nothing changes."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

import psycopg
import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import storages
from django.core.management import CommandError, call_command
from django.db import connection

from kechuang.core import files
from kechuang.core.backup import row_counts
from kechuang.reporting.evidence import add_evidence
from kechuang.reporting.tests.files import pdf_bytes, upload
from kechuang.reporting.tests.helpers import town_report

pytestmark = pytest.mark.django_db(transaction=True)
REPO = Path(__file__).resolve().parents[3]


def _content(plan, personas, settings, tmp_path):
    """Rows and files worth restoring: evidence (a row, its event, its file), a bulletin-like private file, and a
    file in the default storage."""
    settings.MEDIA_ROOT = tmp_path / "media"
    add_evidence(town_report(plan, personas), user=personas["town"],
                 uploaded=upload("进展.pdf", pdf_bytes() + os.urandom(5000)))
    files.save("bulletins/2022Q2.docx", os.urandom(20_000))
    storages["default"].save("exports/名单.xlsx", ContentFile(os.urandom(3000)))


def _pg_admin_url(db: dict, name: str) -> str:
    auth = db["USER"] + (f":{db['PASSWORD']}" if db["PASSWORD"] else "")
    return f"postgresql://{auth}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{name}"


@pytest.fixture
def empty_instance(tmp_path, settings):
    """A new instance's environment: its own data directory and an empty database of the same kind."""
    data_dir = tmp_path / "target"
    data_dir.mkdir()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("KECHUANG_", "DATABASE_URL", "DJANGO_"))}
    env.update(KECHUANG_DATA_DIR=str(data_dir), KECHUANG_PII_KEY=settings.PII_KEY, PYTHONPATH=str(REPO))
    if connection.vendor == "sqlite":
        env["DATABASE_URL"] = "sqlite:///restored.sqlite3"
        yield env, data_dir, lambda: sqlite3.connect(data_dir / "restored.sqlite3")
        return
    db = connection.settings_dict
    name = f"{db['NAME']}_restore"[:63]
    with psycopg.connect(_pg_admin_url(db, "postgres"), autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}"')
        admin.execute(f'CREATE DATABASE "{name}"')
    env["DATABASE_URL"] = _pg_admin_url(db, name)
    try:
        yield env, data_dir, lambda: psycopg.connect(_pg_admin_url(db, name))
    finally:
        with psycopg.connect(_pg_admin_url(db, "postgres"), autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _counts(conn) -> dict[str, int]:
    if isinstance(conn, sqlite3.Connection):
        tables = [r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table' "
                                             "AND name NOT LIKE 'sqlite_%'")]
    else:
        tables = [r[0] for r in conn.execute("SELECT table_name FROM information_schema.tables "
                                             "WHERE table_schema = 'public' AND table_type = 'BASE TABLE'")]
    return {t: conn.execute(f'SELECT COUNT(*) FROM "{t}"').fetchone()[0] for t in tables}


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


# Slow by nature (~10 s): a real backup, then a second process restoring it into a new database.
def test_backup_then_restore_onto_an_empty_instance_gives_identical_row_counts_and_checksums(
        plan, personas, settings, tmp_path, s3_storage, empty_instance):
    _content(plan, personas, settings, tmp_path)  # private files on S3 (moto), the default storage on disk
    source_counts = row_counts()
    source_files = {(alias, name): files.sha256_of(storages[alias], name)[0]
                    for alias in files.BACKED_UP for name in files.walk(storages[alias])}
    backup_dir = tmp_path / "backup"
    call_command("backup", str(backup_dir))
    manifest = json.loads((backup_dir / "manifest.json").read_text("utf-8"))
    assert manifest["tables"] == source_counts and source_counts["reporting_evidence"] == 1
    assert {(f["storage"], f["name"]): f["sha256"] for f in manifest["files"]} == source_files
    assert len(source_files) == 3

    env, data_dir, connect = empty_instance
    proc = subprocess.run([sys.executable, "-m", "kechuang.cli", "restore", str(backup_dir)], cwd=REPO, env=env,
                          capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, proc.stderr
    assert "行数与校验值均与清单一致" in proc.stdout
    with connect() as conn:
        assert _counts(conn) == source_counts
    roots = {"private": data_dir / "files", "default": data_dir / "media"}
    assert {(alias, name): _sha(roots[alias] / name) for alias, name in source_files} == source_files


# Slow by nature (~4 s): a real backup, then five refused restores.
def test_restore_refuses_a_tampered_backup_and_a_non_empty_instance(plan, personas, settings, tmp_path):
    settings.PRIVATE_FILES_DIR = tmp_path / "private"
    _content(plan, personas, settings, tmp_path)
    original = tmp_path / "backup"
    call_command("backup", str(original))
    before = row_counts()

    def tampered(name, change):
        copy = tmp_path / name
        shutil.copytree(original, copy)
        change(copy)
        return copy

    def edit_manifest(d):
        manifest = json.loads((d / "manifest.json").read_text("utf-8"))
        manifest["tables"]["reporting_evidence"] += 1
        (d / "manifest.json").write_text(json.dumps(manifest), "utf-8")

    def edit_file(d):
        (d / "files" / "private" / "bulletins" / "2022Q2.docx").write_bytes(b"changed")

    def add_file(d):
        (d / "files" / "private" / "evidence" / "planted").write_bytes(b"x")

    cases = [
        (tampered("m", edit_manifest), "备份清单 manifest.json 的校验值不符"),
        (tampered("f", edit_file), "文件 files/private/bulletins/2022Q2.docx 的 SHA-256 与清单不符"),
        (tampered("x", add_file), "清单未列出的文件（files/private/evidence/planted"),
        (original, "目标实例不是空的"),  # intact, but this instance holds data
    ]
    for directory, message in cases:
        with pytest.raises(CommandError, match=message.replace("(", r"\(").replace(")", r"\)")):
            call_command("restore", str(directory))
    settings.PII_KEY = "another-instance-key"  # its personal data would be unreadable after the restore
    with pytest.raises(CommandError, match="个人信息密钥"):
        call_command("restore", str(original))
    assert row_counts() == before
    assert files.read("bulletins/2022Q2.docx") != b"changed"
    with pytest.raises(CommandError, match="不是空目录"):
        call_command("backup", str(original))
