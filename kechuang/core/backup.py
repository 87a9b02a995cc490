"""Backup and restore of a whole instance: the database, every file in the storages, and ``manifest.json``.

A backup directory holds
- ``database.sqlite3`` (SQLite's online backup API: consistent while the site runs) or ``database.dump``
  (``pg_dump -Fc`` inside a REPEATABLE READ snapshot that the row counts share);
- ``files/<storage>/<name>``: every file of the private storage (evidence, bulletins; local disk or S3) and of the
  default storage;
- ``manifest.json``: the SHA-256 and size of every file, the row count of every table, a fingerprint of the
  personal-data key (never the key), and a SHA-256 of the manifest itself.

Restore verifies the whole directory against the manifest before it touches anything, and only restores onto an
empty instance (no data rows, no stored files). It then checks every table's row count against the manifest; on any
failure the target is left empty again, never half-restored.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import sqlite3
import subprocess
from pathlib import Path

from django.conf import settings
from django.core.files import File
from django.core.files.storage import storages
from django.db import connection, transaction
from django.utils import timezone

from .files import BACKED_UP, walk

FORMAT = "kechuang-backup"
VERSION = 1
MANIFEST = "manifest.json"
DB_FILES = {"sqlite": "database.sqlite3", "postgresql": "database.dump"}
VENDOR_LABELS = {"sqlite": "SQLite", "postgresql": "PostgreSQL"}
# Tables a bare `migrate` fills: an instance with rows only there is still empty.
MIGRATION_FILLED = {"django_migrations", "django_content_type", "auth_permission"}
CHUNK = 1 << 20


class BackupError(Exception):
    """Backup or restore refused or failed; the message is Chinese and says why and where."""


def _sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for chunk in iter(lambda: handle.read(CHUNK), b""):
            digest.update(chunk)
    return digest.hexdigest()


def _manifest_digest(manifest: dict) -> str:
    body = {k: v for k, v in manifest.items() if k != "manifest_sha256"}
    return hashlib.sha256(json.dumps(body, sort_keys=True, ensure_ascii=False).encode()).hexdigest()


def pii_key_fingerprint() -> str:
    """Tells whether two instances share the personal-data key without revealing it."""
    return hashlib.sha256(f"kechuang-pii-fingerprint:{settings.PII_KEY}".encode()).hexdigest()[:16]


def row_counts(cursor=None) -> dict[str, int]:
    """Rows in every table of the default database."""
    def count(cur):
        result = {}
        for table in sorted(connection.introspection.table_names(cur)):
            cur.execute(f"SELECT COUNT(*) FROM {connection.ops.quote_name(table)}")
            result[table] = cur.fetchone()[0]
        return result

    if cursor is not None:
        return count(cursor)
    with connection.cursor() as cur:
        return count(cur)


def _sqlite_counts(db: sqlite3.Connection) -> dict[str, int]:
    tables = [r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE type = 'table' "
                                       "AND name NOT LIKE 'sqlite_%' ORDER BY name")]
    return {t: db.execute(f'SELECT COUNT(*) FROM "{t}"').fetchone()[0] for t in tables}


def _pg_env() -> dict[str, str]:
    """libpq environment for pg_dump/pg_restore from the default connection's settings (no password on argv)."""
    db = connection.settings_dict
    env = {**os.environ, "PGDATABASE": db["NAME"]}
    for key, var in (("USER", "PGUSER"), ("PASSWORD", "PGPASSWORD"), ("HOST", "PGHOST"), ("PORT", "PGPORT")):
        if db.get(key):
            env[var] = str(db[key])
    options = db.get("OPTIONS") or {}
    for key, var in (("sslmode", "PGSSLMODE"), ("sslrootcert", "PGSSLROOTCERT"), ("options", "PGOPTIONS")):
        if options.get(key):
            env[var] = str(options[key])
    return env


def _run(cmd: list[str], what: str) -> None:
    if shutil.which(cmd[0]) is None:
        raise BackupError(f"未找到 {cmd[0]}：请安装 PostgreSQL 客户端（postgresql-client，版本不低于服务器）")
    proc = subprocess.run(cmd, env=_pg_env(), capture_output=True, check=False)
    if proc.returncode != 0:
        detail = proc.stderr.decode("utf-8", "replace").strip()[-500:]
        raise BackupError(f"{what}失败（{cmd[0]} 退出码 {proc.returncode}）：{detail}")


# ----------------------------------------------------------------------------------------------------- backup


def _backup_sqlite(dest: Path) -> dict[str, int]:
    source = sqlite3.connect(connection.settings_dict["NAME"])
    target = sqlite3.connect(dest)
    try:
        source.backup(target)  # the online backup API: a consistent copy while others write
        target.execute("PRAGMA journal_mode=DELETE")  # one self-contained file
        if target.execute("PRAGMA integrity_check").fetchone()[0] != "ok":
            raise BackupError("数据库副本完整性检查未通过，备份作废")
        return _sqlite_counts(target)
    finally:
        target.close()
        source.close()


def _backup_postgresql(dest: Path) -> dict[str, int]:
    # The dump and the row counts see the same snapshot, so the manifest describes exactly what was dumped.
    if connection.in_atomic_block:
        raise BackupError("备份须在事务之外执行（PostgreSQL 快照要求由备份自己开启事务）")
    with transaction.atomic(), connection.cursor() as cur:
        cur.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        cur.execute("SELECT pg_export_snapshot()")
        snapshot = cur.fetchone()[0]
        _run(["pg_dump", "-Fc", f"--snapshot={snapshot}", "-f", str(dest)], "pg_dump 导出数据库")
        return row_counts(cur)


def backup(directory: Path) -> dict:
    """Write a full backup into ``directory`` (new or empty); returns the manifest."""
    directory = Path(directory)
    if directory.exists() and (not directory.is_dir() or any(directory.iterdir())):
        raise BackupError(f"备份目录 {directory} 已存在且不是空目录，请指定一个新目录")
    vendor = connection.vendor
    if vendor not in DB_FILES:
        raise BackupError(f"不支持备份 {vendor} 数据库（仅支持 SQLite 与 PostgreSQL）")
    directory.mkdir(parents=True, exist_ok=True)
    db_file = directory / DB_FILES[vendor]
    tables = _backup_sqlite(db_file) if vendor == "sqlite" else _backup_postgresql(db_file)
    files = []
    for alias in BACKED_UP:
        storage = storages[alias]
        for name in walk(storage):
            dest = directory / "files" / alias / name
            dest.parent.mkdir(parents=True, exist_ok=True)
            digest, size = hashlib.sha256(), 0
            with storage.open(name, "rb") as src, open(dest, "wb") as out:
                for chunk in iter(lambda: src.read(CHUNK), b""):
                    digest.update(chunk)
                    size += len(chunk)
                    out.write(chunk)
            files.append({"storage": alias, "name": name, "size": size, "sha256": digest.hexdigest()})
    manifest = {
        "format": FORMAT,
        "version": VERSION,
        "created_at": timezone.now().isoformat(),
        "database": {"vendor": vendor, "file": db_file.name, "size": db_file.stat().st_size,
                     "sha256": _sha256_file(db_file)},
        "tables": tables,
        "files": files,
        "pii_key_fingerprint": pii_key_fingerprint(),
    }
    manifest["manifest_sha256"] = _manifest_digest(manifest)
    (directory / MANIFEST).write_text(json.dumps(manifest, ensure_ascii=False, indent=1), encoding="utf-8")
    return manifest


# ----------------------------------------------------------------------------------------------------- restore


def verify(directory: Path) -> dict:
    """The manifest of ``directory`` once every byte there matches it; BackupError (Chinese) otherwise."""
    directory = Path(directory)
    path = directory / MANIFEST
    if not path.is_file():
        raise BackupError(f"{directory} 中没有 {MANIFEST}，不是科创督办的备份目录")
    try:
        manifest = json.loads(path.read_text(encoding="utf-8"))
    except (ValueError, UnicodeDecodeError) as exc:
        raise BackupError(f"{MANIFEST} 不是有效的 JSON（{exc}），拒绝恢复") from exc
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise BackupError(f"{MANIFEST} 不是科创督办的备份清单，拒绝恢复")
    if manifest.get("version") != VERSION:
        raise BackupError(f"备份格式版本 {manifest.get('version')} 不受支持（本程序为 {VERSION}），拒绝恢复")
    if manifest.get("manifest_sha256") != _manifest_digest(manifest):
        raise BackupError(f"备份清单 {MANIFEST} 的校验值不符：清单已被修改或损坏，拒绝恢复")
    db = manifest["database"]
    db_file = directory / db["file"]
    if not db_file.is_file():
        raise BackupError(f"备份缺少数据库文件 {db['file']}，拒绝恢复")
    if _sha256_file(db_file) != db["sha256"]:
        raise BackupError(f"数据库文件 {db['file']} 的 SHA-256 与清单不符：文件已被修改或损坏，拒绝恢复")
    listed = set()
    for item in manifest["files"]:
        rel = Path("files") / item["storage"] / item["name"]
        listed.add(rel.as_posix())
        file = directory / rel
        if not file.is_file():
            raise BackupError(f"备份缺少文件 {rel.as_posix()}，拒绝恢复")
        if file.stat().st_size != item["size"] or _sha256_file(file) != item["sha256"]:
            raise BackupError(f"文件 {rel.as_posix()} 的 SHA-256 与清单不符：文件已被修改或损坏，拒绝恢复")
    files_dir = directory / "files"
    extra = sorted(p.relative_to(directory).as_posix() for p in files_dir.rglob("*")
                   if p.is_file() and p.relative_to(directory).as_posix() not in listed) if files_dir.exists() else []
    if extra:
        raise BackupError(f"备份目录中有清单未列出的文件（{extra[0]} 等 {len(extra)} 个），拒绝恢复")
    return manifest


def _data_tables() -> list[str]:
    return [t for t, n in row_counts().items() if n and t not in MIGRATION_FILLED]


def _wipe_database() -> None:
    """Back to an instance without tables (after checking it held no data, or after a failed restore)."""
    if connection.vendor == "sqlite":
        name = connection.settings_dict["NAME"]
        connection.close()
        empty, target = sqlite3.connect(":memory:"), sqlite3.connect(name)
        try:
            empty.backup(target)
        finally:
            target.close()
            empty.close()
        return
    with connection.cursor() as cur:
        cur.execute("DROP SCHEMA IF EXISTS public CASCADE")
        cur.execute("CREATE SCHEMA public")


def _restore_database(db_file: Path, vendor: str) -> None:
    if vendor == "sqlite":
        name = connection.settings_dict["NAME"]
        connection.close()
        source, target = sqlite3.connect(db_file), sqlite3.connect(name)
        try:
            source.backup(target)
        finally:
            target.close()
            source.close()
        return
    _run(["pg_restore", "--single-transaction", "--exit-on-error", "--no-owner", "--no-acl",
          "-d", connection.settings_dict["NAME"], str(db_file)], "pg_restore 导入数据库")


def restore(directory: Path, *, ignore_pii_key: bool = False) -> dict:
    """Restore the backup in ``directory`` onto this (empty) instance; returns the manifest."""
    directory = Path(directory)
    manifest = verify(directory)  # first, before anything is touched
    vendor = manifest["database"]["vendor"]
    if vendor != connection.vendor:
        raise BackupError(f"备份来自 {VENDOR_LABELS.get(vendor, vendor)}，本实例使用 "
                          f"{VENDOR_LABELS.get(connection.vendor, connection.vendor)}，不能直接恢复")
    if manifest.get("pii_key_fingerprint") != pii_key_fingerprint() and not ignore_pii_key:
        raise BackupError("本实例的个人信息密钥（KECHUANG_PII_KEY 或数据目录中的 pii_key）与备份时不同，"
                          "恢复后人才身份证号、电话将无法解密。请先配置备份时的密钥；确认不需要时加 --ignore-pii-key")
    busy = _data_tables()
    if busy:
        raise BackupError(f"目标实例不是空的（{busy[0]} 等 {len(busy)} 张表有数据）；恢复只能在空实例上进行")
    for alias in {item["storage"] for item in manifest["files"]}:
        if next(walk(storages[alias]), None) is not None:
            raise BackupError(f"目标存储 {alias} 中已有文件；恢复只能在空实例上进行")
    copied: list[tuple[str, str]] = []
    database_touched = False
    try:
        for item in manifest["files"]:
            storage = storages[item["storage"]]
            with open(directory / "files" / item["storage"] / item["name"], "rb") as handle:
                saved = storage.save(item["name"], File(handle))
            copied.append((item["storage"], saved))
            if saved != item["name"]:
                raise BackupError(f"存储 {item['storage']} 把 {item['name']} 存成了 {saved}，恢复中止")
        database_touched = True
        _wipe_database()
        _restore_database(directory / manifest["database"]["file"], vendor)
        counts = row_counts()
        wrong = sorted(t for t in set(counts) | set(manifest["tables"]) if counts.get(t) != manifest["tables"].get(t))
        if wrong:
            t = wrong[0]
            got, want = counts.get(t, "无此表"), manifest["tables"].get(t, "无此表")
            raise BackupError(f"恢复后表 {t} 的行数（{got}）与清单（{want}）不符（共 {len(wrong)} 张表），已撤销恢复")
    except BaseException:
        for alias, name in copied:
            storages[alias].delete(name)
        if database_touched:
            _wipe_database()  # empty again (run `kechuang migrate` before using it), never half-restored
        raise
    return manifest
