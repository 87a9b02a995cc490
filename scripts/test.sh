#!/usr/bin/env bash
# The whole test suite on SQLite, then on PostgreSQL (127.0.0.1:5432 or KECHUANG_TEST_PG_URL), each spread over
# the CPUs with pytest-xdist (one test database per worker). Extra arguments go to pytest.
# With CI=true an unreachable PostgreSQL is a failure, not a skip.
# KECHUANG_TEST_DATABASES=sqlite runs SQLite only (make test-fast); KECHUANG_TEST_WORKERS sets the worker count.
# moto's S3 server is started for the object-storage tests (like PostgreSQL) and stopped at exit.
set -uo pipefail
cd "$(dirname "$0")/.."
PY=.venv/bin/python
PG_URL="${KECHUANG_TEST_PG_URL:-postgres://postgres@127.0.0.1:5432/kechuang}"
WORKERS="${KECHUANG_TEST_WORKERS:-auto}"
DATABASES="${KECHUANG_TEST_DATABASES:-sqlite postgresql}"
# Every test over 5 s is listed at the end of each run (each one is explained in a comment at the test).
PYTEST_ARGS=(-n "$WORKERS" --durations=25 --durations-min=5)
status=0
timings=()

run_pytest() {  # run_pytest LABEL [env assignments…] -- pytest args
  local label=$1; shift
  local started=$SECONDS
  env "$@" "${PYTEST_ARGS[@]}" || status=1
  local secs=$((SECONDS - started))
  timings+=("$(printf '%s: %d min %02d s' "$label" $((secs / 60)) $((secs % 60)))")
}

# A real S3 endpoint for the object-storage tests: moto's standalone server on a free port, stopped at exit
# (KECHUANG_TEST_S3_URL given: use that endpoint instead). Without it each test process starts its own.
if [ -z "${KECHUANG_TEST_S3_URL:-}" ] && [ -x .venv/bin/moto_server ]; then
  S3_PORT=$($PY -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
  .venv/bin/moto_server -H 127.0.0.1 -p "$S3_PORT" >/dev/null 2>&1 &
  MOTO_PID=$!
  trap 'kill $MOTO_PID 2>/dev/null' EXIT
  export KECHUANG_TEST_S3_URL="http://127.0.0.1:$S3_PORT"
  $PY - "$KECHUANG_TEST_S3_URL" <<'PYEOF'
import sys, time, urllib.error, urllib.request
for _ in range(100):
    try:
        urllib.request.urlopen(sys.argv[1], timeout=1)
        break
    except urllib.error.HTTPError:
        break
    except OSError:
        time.sleep(0.2)
PYEOF
fi

if [[ " $DATABASES " == *" sqlite "* ]]; then
  echo "== pytest on SQLite =="
  run_pytest SQLite -u DATABASE_URL KECHUANG_DATA_DIR="$(mktemp -d)" $PY -m pytest "$@"
fi

pg_ok() { $PY - "$PG_URL" <<'PYEOF'
import sys, psycopg
url = sys.argv[1].rsplit("/", 1)[0] + "/postgres"
try:
    psycopg.connect(url, connect_timeout=3).close()
except Exception as exc:
    print(exc, file=sys.stderr); sys.exit(1)
PYEOF
}
if [[ " $DATABASES " == *" postgresql "* ]]; then
  if ! pg_ok 2>/dev/null && [ "$(id -u)" = 0 ] && command -v pg_ctlcluster >/dev/null; then
    pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql | head -1)" main start 2>/dev/null || true
    sleep 2
  fi
  if pg_ok; then
    echo "== pytest on PostgreSQL ($PG_URL) =="
    run_pytest PostgreSQL DATABASE_URL="$PG_URL" KECHUANG_DATA_DIR="$(mktemp -d)" $PY -m pytest "$@"
  elif [ "${CI:-}" = "true" ]; then
    echo "PostgreSQL at $PG_URL is unreachable: failing (CI=true)." >&2
    status=1
  else
    echo "WARNING: PostgreSQL at $PG_URL is unreachable: the PostgreSQL run was skipped." >&2
  fi
fi
echo "== test time per database =="
printf '%s\n' "${timings[@]}"
exit $status
