#!/usr/bin/env bash
# A measured multi-node run on this machine (README “多台服务器 → 本机多节点压测”):
#   PostgreSQL (database kechuang_scale) + Redis (127.0.0.1:6379; started here when absent), migrate,
#   `kechuang benchdata` (province scale), two gunicorn nodes (A :8101, B :8102, production settings) and one
#   django-q2 worker, all on one data directory; waits for /healthz on both; drives both with locust (mixed flows,
#   scripts/locustfile.py); prints p50/p95/p99 per flow (overall and per node) and the error count; then checks that
#   an import started on node A completes through the worker and is visible on node B, and that a matching query on
#   node B finds an expert added on node A after the index rebuild (scripts/scale_check.py).
# Exit status: non-zero when a node does not come up, a check fails, or (SCALE_FAIL_ON_ERRORS=1) a request failed.
# Ctrl+C or any exit stops every process the script started.
#
# Environment (defaults in brackets):
#   SCALE_PLANS [100] counties (plans × 60 units × 12 months), SCALE_ENTERPRISES [100000],
#   SCALE_USERS [200], SCALE_SPAWN_RATE [20], SCALE_DURATION [5m], SCALE_WAIT ["3,10" s between a user's actions],
#   SCALE_WARMUP [60 s: the summary's steady-state table counts requests that ended after it],
#   SCALE_DATABASE_URL [postgres://postgres@127.0.0.1:5432/kechuang_scale], SCALE_FRESH [0; 1 drops the database],
#   SCALE_REDIS_URL [redis://127.0.0.1:6379/14], SCALE_PORT_A [8101], SCALE_PORT_B [8102],
#   SCALE_WEB_WORKERS [CPU count, per node], SCALE_WEB_THREADS [4, per web process],
#   SCALE_TASK_WORKERS [2, processes of the one worker], SCALE_LOGIN_SHARE [0.1, users signing in by the form;
#   the others start with a session made by benchdata --sessions],
#   SCALE_WORKER_NICE [10, the worker's CPU priority, as KECHUANG_WORKER_NICE in scripts/run.sh],
#   SCALE_DATA_DIR [var/scale], SCALE_STOP_SECONDS [20], SCALE_FAIL_ON_ERRORS [0], PY [.venv/bin/python].
set -uo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
PY="${PY:-.venv/bin/python}"
BIN="$(dirname "$PY")"
SCALE_PLANS="${SCALE_PLANS:-100}"
SCALE_ENTERPRISES="${SCALE_ENTERPRISES:-100000}"
SCALE_USERS="${SCALE_USERS:-200}"
SCALE_SPAWN_RATE="${SCALE_SPAWN_RATE:-20}"
SCALE_DURATION="${SCALE_DURATION:-5m}"
SCALE_DATABASE_URL="${SCALE_DATABASE_URL:-postgres://postgres@127.0.0.1:5432/kechuang_scale}"
SCALE_REDIS_URL="${SCALE_REDIS_URL:-redis://127.0.0.1:6379/14}"
SCALE_PORT_A="${SCALE_PORT_A:-8101}"
SCALE_PORT_B="${SCALE_PORT_B:-8102}"
SCALE_WEB_WORKERS="${SCALE_WEB_WORKERS:-$(nproc 2>/dev/null || echo 2)}"
# Threads per web process: a request waiting on the database leaves the CPU to another.
SCALE_WEB_THREADS="${SCALE_WEB_THREADS:-4}"
SCALE_DATA_DIR="$(mkdir -p "${SCALE_DATA_DIR:-var/scale}" && cd "${SCALE_DATA_DIR:-var/scale}" && pwd)"
LOGS="$SCALE_DATA_DIR/logs"
mkdir -p "$LOGS"

# The same environment for every node and the worker: what two machines would share.
export DATABASE_URL="$SCALE_DATABASE_URL" KECHUANG_REDIS_URL="$SCALE_REDIS_URL" KECHUANG_DATA_DIR="$SCALE_DATA_DIR"
# Two task processes in the one worker: a full data-quality check (minutes at this scale) must not hold up an
# import or an index rebuild queued behind it.
export KECHUANG_TASK_WORKERS="${SCALE_TASK_WORKERS:-2}"
export KECHUANG_WEB_NODES=2 KECHUANG_DEBUG=false PYTHONPATH="$ROOT${PYTHONPATH:+:$PYTHONPATH}"
export SCALE_NODE_A="http://127.0.0.1:$SCALE_PORT_A" SCALE_NODE_B="http://127.0.0.1:$SCALE_PORT_B" SCALE_PLANS
unset DJANGO_SETTINGS_MODULE

pids=()
names=()
stopping=0
stop() {
  [ "$stopping" = 1 ] && return
  stopping=1
  # TERM to each main process only (gunicorn's master and the cluster's sentinel stop their children in order);
  # whatever still runs after SCALE_STOP_SECONDS (a worker finishing a long job) is killed with its own process
  # group (each was started in its own session). A job cut short is marked failed when a worker starts again.
  for pid in "${pids[@]}"; do kill -TERM "$pid" 2>/dev/null; done
  local deadline=$((SECONDS + ${SCALE_STOP_SECONDS:-20}))
  for pid in "${pids[@]}"; do
    while kill -0 "$pid" 2>/dev/null && [ $SECONDS -lt $deadline ]; do sleep 0.5; done
    kill -0 "$pid" 2>/dev/null && kill -KILL -- "-$pid" 2>/dev/null
    wait "$pid" 2>/dev/null
  done
  [ "${#pids[@]}" -gt 0 ] && echo "已停止本脚本启动的 ${#pids[@]} 个进程（${names[*]}）"
}
trap 'stop' EXIT
trap 'echo; echo "中断：正在停止…"; exit 130' INT TERM
start() {  # start NAME COMMAND…: in its own session, output to $LOGS/NAME.log
  local name=$1; shift
  setsid "$@" >"$LOGS/$name.log" 2>&1 &
  pids+=($!)
  names+=("$name")
}
step() { printf '\n== %s（%s）==\n' "$1" "$(date +%H:%M:%S)"; }

step "PostgreSQL 与 Redis"
"$PY" - "$SCALE_DATABASE_URL" "${SCALE_FRESH:-0}" <<'PYEOF' || exit 1
import sys, psycopg
url, fresh = sys.argv[1], sys.argv[2] == "1"
base, name = url.rsplit("/", 1)
try:
    with psycopg.connect(base + "/postgres", autocommit=True, connect_timeout=5) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", (name,)).fetchone()
        if exists and fresh:
            conn.execute(f'DROP DATABASE "{name}" WITH (FORCE)')
            exists = None
        if not exists:
            conn.execute(f'CREATE DATABASE "{name}"')
        print(f"PostgreSQL：{'新建' if not exists else '沿用'}数据库 {name}")
except psycopg.OperationalError as exc:
    sys.exit(f"PostgreSQL 不可达（{base}）：{exc}")
PYEOF
REDIS_HOST_PORT="${SCALE_REDIS_URL#redis://}"; REDIS_HOST_PORT="${REDIS_HOST_PORT%%/*}"
REDIS_HOST="${REDIS_HOST_PORT%%:*}"; REDIS_PORT="${REDIS_HOST_PORT##*:}"
if redis-cli -h "$REDIS_HOST" -p "$REDIS_PORT" ping >/dev/null 2>&1; then
  echo "Redis：沿用 $REDIS_HOST:$REDIS_PORT"
elif command -v redis-server >/dev/null; then
  start redis redis-server --bind "$REDIS_HOST" --port "$REDIS_PORT" --save "" --appendonly no
  for _ in $(seq 50); do redis-cli -h "$REDIS_HOST" -p "$REDIS_PORT" ping >/dev/null 2>&1 && break; sleep 0.2; done
  echo "Redis：已启动 $REDIS_HOST:$REDIS_PORT（退出时停止）"
else
  echo "Redis 未运行且未安装 redis-server（apt-get install redis-server）" >&2
  exit 1
fi

# Another django-q cluster on the same Redis database (another instance's worker) would take this run's jobs.
REDIS_DB="${SCALE_REDIS_URL##*/}"; [[ "$REDIS_DB" =~ ^[0-9]+$ ]] || REDIS_DB=0
for i in $(seq 30); do
  others=$(redis-cli -h "$REDIS_HOST" -p "$REDIS_PORT" -n "$REDIS_DB" --scan --pattern 'django_q:kechuang:cluster:*')
  [ -z "$others" ] && break
  [ "$i" = 1 ] && echo "Redis 数据库 $REDIS_DB 上还有其他 django-q 任务进程登记（上次运行的登记约 2 分钟后过期），等待…"
  sleep 5
done
if [ -n "$others" ]; then
  echo "Redis 数据库 $REDIS_DB 被另一个实例的任务进程使用，它会取走本次的任务：请用 SCALE_REDIS_URL 指定其他数据库" >&2
  exit 1
fi

step "迁移、静态文件、基准测试数据（${SCALE_PLANS} 个县 × 60 个单位 × 12 个月，企业 ${SCALE_ENTERPRISES} 家）"
"$PY" manage.py migrate --noinput -v0 || exit 1
# collectstatic compresses every file (minutes on a busy machine): skipped when the manifest is newer than every
# static source file.
manifest="$SCALE_DATA_DIR/static/staticfiles.json"
if [ ! -f "$manifest" ] || [ -n "$(find kechuang -path '*/static/*' -type f -newer "$manifest" | head -1)" ]; then
  "$PY" manage.py collectstatic --noinput -v0 || exit 1
fi
started=$SECONDS
"$PY" manage.py benchdata --plans "$SCALE_PLANS" --enterprises "$SCALE_ENTERPRISES" \
  --sessions "$SCALE_DATA_DIR/sessions.json" || exit 1
export SCALE_SESSIONS="$SCALE_DATA_DIR/sessions.json"
echo "benchdata 用时 $((SECONDS - started)) s"

step "启动：节点 A :$SCALE_PORT_A、节点 B :$SCALE_PORT_B（各 $SCALE_WEB_WORKERS 个 gunicorn Web 进程）、任务进程 1 个（$KECHUANG_TASK_WORKERS 个执行进程）"
start worker nice -n "${SCALE_WORKER_NICE:-10}" "$PY" manage.py qcluster  # as scripts/run.sh: pages before jobs
for node in A B; do
  port_var="SCALE_PORT_$node"
  start "node-$node" "$BIN/gunicorn" kechuang.wsgi:application --bind "127.0.0.1:${!port_var}" \
    --workers "$SCALE_WEB_WORKERS" --worker-class gthread --threads "$SCALE_WEB_THREADS" --timeout 120 \
    --graceful-timeout 20
done
for url in "$SCALE_NODE_A" "$SCALE_NODE_B"; do
  ok=0
  for _ in $(seq 120); do
    if curl -fsS "$url/healthz" -o "$LOGS/healthz.json" 2>/dev/null; then ok=1; break; fi
    sleep 1
  done
  if [ "$ok" != 1 ]; then
    echo "$url/healthz 在 120 s 内未返回 200：" >&2
    curl -sS "$url/healthz" >&2; tail -20 "$LOGS"/node-*.log "$LOGS/worker.log" >&2
    exit 1
  fi
  echo "$url/healthz：$(cat "$LOGS/healthz.json")"
done

step "压测：locust ${SCALE_USERS} 个用户（每秒新增 ${SCALE_SPAWN_RATE}），持续 ${SCALE_DURATION}，两个节点各半"
echo "机器：$(nproc) 个 CPU，负载 $(cut -d' ' -f1-3 /proc/loadavg)（同机还有数据库、Redis、任务进程与 locust 本身）"
"$PY" scripts/scale_cpu.py snapshot "$LOGS/cpu-before.json"
SCALE_REPORT="$LOGS/locust-summary.json" "$BIN/locust" -f scripts/locustfile.py --headless \
  -u "$SCALE_USERS" -r "$SCALE_SPAWN_RATE" -t "$SCALE_DURATION" --only-summary --csv "$LOGS/locust" \
  --stop-timeout 30 --loglevel WARNING 2>"$LOGS/locust.log"
locust_status=$?
"$PY" scripts/scale_cpu.py report "$LOGS/cpu-before.json" "$LOGS/locust-summary.json"
status=0
errors=$("$PY" -c 'import json,sys; print(json.load(open(sys.argv[1]))["errors"])' "$LOGS/locust-summary.json" \
  2>/dev/null || echo "?")
echo "locust 退出码 $locust_status，请求错误 $errors 个（明细：$LOGS/locust_failures.csv）"
if [ "${SCALE_FAIL_ON_ERRORS:-0}" = 1 ] && [ "$errors" != 0 ]; then status=1; fi

step "跨节点检查"
# A saturated node is still working off the requests queued during the load test: wait until both answer.
for url in "$SCALE_NODE_A" "$SCALE_NODE_B"; do
  for _ in $(seq 60); do curl -fsS --max-time 10 "$url/healthz" -o /dev/null 2>/dev/null && break; sleep 5; done
done
"$PY" scripts/scale_check.py || status=1
echo
echo "日志：$LOGS（node-A.log、node-B.log、worker.log、locust*.csv）"
if [ "$status" = 0 ]; then
  echo "scale-run：跨节点检查通过；压测请求错误 $errors 个（SCALE_FAIL_ON_ERRORS=1 时出错即失败）"
else
  echo "scale-run：有检查未通过（压测请求错误 $errors 个）" >&2
fi
exit $status
