"""Settings parse strictly and production settings pass Django's deployment checks."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

from kechuang.settings import env_bool, parse_database_url

REPO = Path(__file__).resolve().parents[3]


def test_database_urls_for_sqlite_and_postgres(tmp_path):
    sqlite = parse_database_url("sqlite:///kc.sqlite3", tmp_path)
    assert sqlite["NAME"] == str(tmp_path / "kc.sqlite3")
    assert sqlite["OPTIONS"]["transaction_mode"] == "IMMEDIATE" and "WAL" in sqlite["OPTIONS"]["init_command"]
    pg = parse_database_url("postgres://kc:p%40ss@db.local:5433/kechuang?sslmode=require", tmp_path)
    assert (pg["ENGINE"], pg["USER"], pg["PASSWORD"], pg["HOST"], pg["PORT"], pg["NAME"]) == (
        "django.db.backends.postgresql", "kc", "p@ss", "db.local", "5433", "kechuang")
    assert pg["OPTIONS"] == {"sslmode": "require"}
    with pytest.raises(ImproperlyConfigured):
        parse_database_url("mysql://x/y", tmp_path)


def test_booleans_are_parsed_strictly(monkeypatch):
    monkeypatch.setenv("KC_FLAG", "maybe")
    with pytest.raises(ImproperlyConfigured):
        env_bool("KC_FLAG", False)
    monkeypatch.setenv("KC_FLAG", "off")
    assert env_bool("KC_FLAG", True) is False


def _manage(*args, **env):
    # Production settings: the suite's own settings module (fast hasher) must not leak into the child.
    full_env = {k: v for k, v in os.environ.items()
                if not k.startswith(("KECHUANG_", "DJANGO_ALLOW_ASYNC", "DJANGO_SETTINGS_MODULE", "DATABASE_URL"))}
    full_env.update(env)
    return subprocess.run([sys.executable, "manage.py", *args], cwd=REPO, env=full_env, capture_output=True,
                          text=True, timeout=120)


# Slow by nature (~3–5 s): a separate process starts Django under production settings.
def test_production_settings_pass_check_deploy(tmp_path):
    result = _manage("check", "--deploy", "--fail-level", "WARNING", KECHUANG_DEBUG="false",
                     KECHUANG_SECRET_KEY="x" * 20 + "-production-secret-key-0123456789-abcdefgh",
                     KECHUANG_PII_KEY="pii-key", KECHUANG_ALLOWED_HOSTS="kechuang.example", KECHUANG_HTTPS="true",
                     KECHUANG_DATA_DIR=str(tmp_path))
    assert result.returncode == 0, result.stdout + result.stderr


def test_only_the_test_suite_uses_the_fast_password_hasher(tmp_path):
    from django.conf import settings

    import kechuang.settings as production

    fast = "django.contrib.auth.hashers.MD5PasswordHasher"
    assert settings.PASSWORD_HASHERS == [fast]
    assert fast not in getattr(production, "PASSWORD_HASHERS", [])
    code = "from django.contrib.auth.hashers import get_hasher; print(get_hasher().algorithm)"
    result = _manage("shell", "--no-imports", "-c", code,
                     KECHUANG_DEBUG="false", KECHUANG_SECRET_KEY="x" * 20 + "-production-secret-key-0123456789-abcdef",
                     KECHUANG_PII_KEY="pii-key", KECHUANG_ALLOWED_HOSTS="kechuang.example",
                     KECHUANG_DATA_DIR=str(tmp_path))
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() in {"pbkdf2_sha256", "argon2", "bcrypt_sha256", "scrypt"}


PRINT_KEYS = "from django.conf import settings as s; print(s.DEBUG, s.SECRET_KEY, s.PII_KEY)"


def test_production_is_the_default_and_keys_are_generated_once_in_the_data_dir(tmp_path):
    first = _manage("shell", "--no-imports", "-c", PRINT_KEYS, KECHUANG_DATA_DIR=str(tmp_path))
    assert first.returncode == 0, first.stderr
    debug, secret, pii = first.stdout.split()
    assert debug == "False" and len(secret) >= 50 and len(pii) >= 50 and secret != pii
    for name in ("secret_key", "pii_key"):
        assert (tmp_path / name).stat().st_mode & 0o777 == 0o600
    again = _manage("shell", "--no-imports", "-c", PRINT_KEYS, KECHUANG_DATA_DIR=str(tmp_path))
    assert again.stdout == first.stdout  # never overwritten
    given = _manage("shell", "--no-imports", "-c", PRINT_KEYS, KECHUANG_DATA_DIR=str(tmp_path),
                    KECHUANG_SECRET_KEY="k" * 50)
    assert given.stdout.split()[1] == "k" * 50


def test_a_damaged_key_file_stops_the_start(tmp_path):
    (tmp_path / "pii_key").write_text("short")
    result = _manage("check", KECHUANG_DATA_DIR=str(tmp_path))
    assert result.returncode != 0 and "too short" in result.stderr
