"""Benchmarks: ``make bench`` → ``python -m kechuang.bench``.

Runs every app's ``bench.py`` (a ``run(db_label)`` function) against a fresh database on SQLite
and, when reachable, PostgreSQL. Each figure is printed as one line:
``bench: NAME = VALUE UNIT (DATASET)``.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import warnings

import django
import psycopg
from django.conf import settings
from django.test.utils import override_settings, setup_databases, teardown_databases

from kechuang.core.discovery import app_modules

PG_URL = os.environ.get("KECHUANG_TEST_PG_URL", "postgres://postgres@127.0.0.1:5432/kechuang")


def report(name: str, value, unit: str, dataset: str) -> None:
    if isinstance(value, float):
        value = f"{value:.4g}" if abs(value) < 1000 else f"{value:.0f}"
    print(f"bench: {name} = {value} {unit} ({dataset})", flush=True)


def _child(db_label: str, only: list[str]) -> int:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kechuang.settings")
    django.setup()

    # Benchmarks drive pages through Django's test client (host 'testserver') on production settings, where
    # no collectstatic manifest exists: allow that host and serve {% static %} without the manifest, as the
    # test settings do. Everything else stays production.
    bench_overrides = override_settings(
        ALLOWED_HOSTS=[*settings.ALLOWED_HOSTS, "testserver"],
        STORAGES={
            **settings.STORAGES,
            "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
        },
    )
    bench_overrides.enable()
    # No collectstatic in a bench run: whitenoise's note about the missing STATIC_ROOT is noise here.
    warnings.filterwarnings("ignore", message="No directory at", category=UserWarning)
    config = setup_databases(verbosity=0, interactive=False)
    try:
        for module in app_modules("bench"):
            if only and not any(key in module.__name__ for key in only):
                continue
            module.run(db_label)
    finally:
        teardown_databases(config, verbosity=0)
        bench_overrides.disable()
    return 0


def _pg_reachable() -> bool:
    try:


        with psycopg.connect(PG_URL.rsplit("/", 1)[0] + "/postgres", connect_timeout=3):
            return True
    except Exception:
        return False


def main() -> int:
    parser = argparse.ArgumentParser(description="kechuang benchmarks")
    parser.add_argument("--db", choices=["sqlite", "postgres", "all"], default="all")
    parser.add_argument("--only", nargs="*", default=[], help="run only benchmarks whose module names contain these")
    parser.add_argument("--child", choices=["sqlite", "postgres"], help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        return _child("SQLite" if args.child == "sqlite" else "PostgreSQL", args.only)
    status = 0
    targets = ["sqlite", "postgres"] if args.db == "all" else [args.db]
    for target in targets:
        env = dict(os.environ)
        if target == "sqlite":
            tmp = tempfile.mkdtemp(prefix="kechuang-bench-")
            env["DATABASE_URL"] = f"sqlite:///{tmp}/bench.sqlite3"
            env["KECHUANG_DATA_DIR"] = tmp
        else:
            if not _pg_reachable():
                print(f"bench: PostgreSQL at {PG_URL} is not reachable; skipped", file=sys.stderr)
                continue
            env["DATABASE_URL"] = PG_URL
        cmd = [sys.executable, "-m", "kechuang.bench", "--child", target, "--only", *args.only]
        status |= subprocess.call(cmd, env=env)
    return status


if __name__ == "__main__":
    sys.exit(main())
