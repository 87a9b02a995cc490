#!/usr/bin/env bash
# The whole test suite on SQLite, then on PostgreSQL (127.0.0.1:5432 or KECHUANG_TEST_PG_URL).
# With CI=true an unreachable PostgreSQL is a failure, not a skip.
set -uo pipefail
cd "$(dirname "$0")/.."
PY=.venv/bin/python
PG_URL="${KECHUANG_TEST_PG_URL:-postgres://postgres@127.0.0.1:5432/kechuang}"
status=0

echo "== pytest on SQLite =="
env -u DATABASE_URL KECHUANG_DATA_DIR="$(mktemp -d)" $PY -m pytest "$@" || status=1

pg_ok() { $PY - "$PG_URL" <<'PYEOF'
import sys, psycopg
url = sys.argv[1].rsplit("/", 1)[0] + "/postgres"
try:
    psycopg.connect(url, connect_timeout=3).close()
except Exception as exc:
    print(exc, file=sys.stderr); sys.exit(1)
PYEOF
}
if ! pg_ok 2>/dev/null && [ "$(id -u)" = 0 ] && command -v pg_ctlcluster >/dev/null; then
  pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql | head -1)" main start 2>/dev/null || true
  sleep 2
fi
if pg_ok; then
  echo "== pytest on PostgreSQL ($PG_URL) =="
  DATABASE_URL="$PG_URL" KECHUANG_DATA_DIR="$(mktemp -d)" $PY -m pytest "$@" || status=1
elif [ "${CI:-}" = "true" ]; then
  echo "PostgreSQL at $PG_URL is unreachable: failing (CI=true)." >&2
  status=1
else
  echo "WARNING: PostgreSQL at $PG_URL is unreachable: the PostgreSQL run was skipped." >&2
fi
exit $status
