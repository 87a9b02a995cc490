"""A real django-q2 worker (`manage.py qcluster`) in a separate process on the current database, for the tests
and benchmarks that must show work crossing processes (never used by the running application)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import tempfile
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import quote

from django.conf import settings
from django.db import connection

REPO = Path(__file__).resolve().parents[2]


def database_url() -> str:
    """The URL of the database this process is connected to (the test database during tests)."""
    db = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{db['NAME']}"  # NAME is absolute: sqlite:////abs/path
    auth = quote(db["USER"]) + (f":{quote(db['PASSWORD'])}" if db["PASSWORD"] else "")
    return f"postgres://{auth}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


@contextmanager
def worker_process():
    """A django-q2 cluster on this database, in its own process group (so a test can kill all of it)."""
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "kechuang.settings",
        "DATABASE_URL": database_url(),
        "KECHUANG_DATA_DIR": str(settings.DATA_DIR),
        "KECHUANG_SECRET_KEY": settings.SECRET_KEY,
        "KECHUANG_PII_KEY": settings.PII_KEY,
        "PYTHONPATH": str(REPO),
    }
    log = tempfile.NamedTemporaryFile("w+", prefix="qcluster-", suffix=".log", delete=False)
    proc = subprocess.Popen([sys.executable, "manage.py", "qcluster"], cwd=REPO, env=env, stdout=log,
                            stderr=subprocess.STDOUT, start_new_session=True)
    try:
        yield proc
    finally:
        if proc.poll() is None:
            # SIGTERM to the cluster's main process only: it stops its children in order (~4 s). Signalling the
            # whole group makes the children die first and the main process wait forever.
            proc.send_signal(signal.SIGTERM)
            try:
                proc.wait(30)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait(10)
        log.close()
        os.unlink(log.name)
