#!/usr/bin/env bash
# One machine, one command: gunicorn (workers = CPUs) and one django-q2 task worker (manage.py qcluster) on the
# embedded default (SQLite in WAL mode, files in the data directory). Ctrl+C stops both cleanly.
#   scripts/run.sh        production settings (make run)
#   scripts/run.sh dev    Django's development server with DEBUG on, plus the worker (make dev)
# Environment: HOST (127.0.0.1), PORT (8000), WEB_WORKERS (CPU count), and every KECHUANG_* variable of the README.
set -uo pipefail
cd "$(dirname "$0")/.."
PY="${PY:-.venv/bin/python}"
HOST="${HOST:-127.0.0.1}"
PORT="${PORT:-8000}"
WEB_WORKERS="${WEB_WORKERS:-$(nproc 2>/dev/null || echo 2)}"
MODE="${1:-prod}"
[ "$MODE" = dev ] && export KECHUANG_DEBUG=true

pids=()
stopping=0
stop() {
  [ "$stopping" = 1 ] && return
  stopping=1
  # TERM to each main process only: gunicorn's master and the cluster's sentinel stop their children in order
  # (signalling the cluster's whole process group makes its children die first and the main process hang).
  for pid in "${pids[@]}"; do kill -TERM "$pid" 2>/dev/null; done
  for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null; done
}
trap 'echo; echo "正在停止（Web 服务与后台任务进程）…"; stop; echo "已停止"; exit 0' INT TERM

# Each in its own session: Ctrl+C reaches this script only, which stops them in order.
# The task worker at a lower CPU priority (KECHUANG_WORKER_NICE, default 10): on one machine a check or an import
# waits a little, the pages people are looking at do not.
setsid nice -n "${KECHUANG_WORKER_NICE:-10}" "$PY" manage.py qcluster &
pids+=($!)
if [ "$MODE" = dev ]; then
  setsid "$PY" manage.py runserver "$HOST:$PORT" &
else
  setsid "$(dirname "$PY")/gunicorn" kechuang.wsgi:application --bind "$HOST:$PORT" --workers "$WEB_WORKERS" \
    --timeout 120 --graceful-timeout 20 &
fi
pids+=($!)
echo "科创督办已启动：http://$HOST:$PORT/ （Web 进程 ${WEB_WORKERS} 个 + 后台任务进程 1 个；Ctrl+C 退出）"

# If either process ends by itself, stop the other and report failure.
wait -n "${pids[@]}"
code=$?
if [ "$stopping" = 0 ]; then
  echo "有进程意外退出（退出码 $code），正在停止其余进程…" >&2
  stop
  exit 1
fi
