"""Where the machine's CPU went during the load test (scripts/scale-run.sh): `snapshot FILE` before, `report FILE
[SUMMARY]` after (SUMMARY: the locust summary JSON, for the CPU per request and the throughput per node). Every process's CPU time (its own plus its reaped children's, so LibreOffice runs count under the worker
and ended database connections under PostgreSQL) is grouped by role from its command line; the report prints
CPU seconds and the share of the machine's capacity per role over the interval, so a reader sees which part of
the one machine was the limit.
"""

from __future__ import annotations

import json
import os
import sys
import time

TICK = os.sysconf("SC_CLK_TCK")
ROLES = [  # (label, test on the command line); the first match wins
    ("Web 节点 A", lambda c: "gunicorn" in c and os.environ.get("SCALE_PORT_A", "8101") in c),
    ("Web 节点 B", lambda c: "gunicorn" in c and os.environ.get("SCALE_PORT_B", "8102") in c),
    ("任务进程（django-q2，含 LibreOffice）", lambda c: "qcluster" in c or "soffice" in c),
    ("PostgreSQL", lambda c: "postgres" in c.split(" ", 1)[0]),
    ("Redis", lambda c: "redis-server" in c),
    # locust has ended when the report is read: its time is in the script's (its parent's) reaped children.
    ("locust（压测客户端）", lambda c: "locust" in c or "scale-run.sh" in c),
]


def _processes() -> dict[int, tuple[str, float]]:
    out = {}
    for name in os.listdir("/proc"):
        if not name.isdigit():
            continue
        try:
            with open(f"/proc/{name}/cmdline", "rb") as handle:
                cmd = handle.read().replace(b"\0", b" ").decode(errors="replace").strip()
            with open(f"/proc/{name}/stat") as handle:
                fields = handle.read().rsplit(")", 1)[1].split()
        except OSError:
            continue  # ended while we looked
        # fields[11:15] = utime, stime, cutime, cstime (counted after the ")" that closes the command name)
        out[int(name)] = (cmd, sum(int(f) for f in fields[11:15]) / TICK)
    return out


def _machine_busy() -> tuple[float, float]:
    with open("/proc/stat") as handle:
        values = [int(v) for v in handle.readline().split()[1:]]
    idle = values[3] + values[4]
    return (sum(values) - idle) / TICK, time.monotonic()


def snapshot(path: str) -> None:
    busy, now = _machine_busy()
    with open(path, "w") as handle:
        json.dump({"at": now, "busy": busy, "procs": {pid: cpu for pid, (_cmd, cpu) in _processes().items()}},
                  handle)


def role(cmd: str) -> str:
    return next((label for label, test in ROLES if test(cmd)), "其他")


def report(path: str, summary: str | None = None) -> None:
    with open(path) as handle:
        before = json.load(handle)
    busy, now = _machine_busy()
    seconds = now - before["at"]
    capacity = seconds * os.cpu_count()
    per_role: dict[str, float] = {}
    for pid, (cmd, cpu) in _processes().items():
        label = role(cmd)
        used = cpu - before["procs"].get(str(pid), 0.0)
        if used > 0 and label != "其他":
            per_role[label] = per_role.get(label, 0.0) + used
    machine = busy - before["busy"]
    # The rest of the machine's busy time: summing unknown processes would count a child that ended during the
    # interval twice (in its parent's reaped time, with its time before the snapshot).
    per_role["其他"] = max(0.0, machine - sum(per_role.values()))
    print(f"CPU：{os.cpu_count()} 个 × {seconds:.0f} s = {capacity:.0f} CPU 秒；整机忙 {machine:.0f} CPU 秒"
          f"（{machine / capacity:.0%}）")
    requests = _requests(summary)
    total = sum(requests.values())
    for label, used in sorted(per_role.items(), key=lambda item: -item[1]):
        per_request = f"  每个请求 {used / total * 1000:>5.0f} ms" if total else ""
        print(f"  {label:<34}{used:>8.0f} CPU 秒  {used / capacity:>5.0%}{per_request}")
    if total:
        nodes = "，".join(f"节点 {node} {n / seconds:.1f}" for node, n in sorted(requests.items()))
        print(f"吞吐：{total / seconds:.1f} 个请求/秒（{nodes}）；每个请求平均占用整机 CPU {machine / total * 1000:.0f} ms，"
              f"即这台机器满负荷约 {capacity / seconds / (machine / total):.0f} 个请求/秒")


def _requests(summary: str | None) -> dict[str, int]:
    """{node: requests answered} from the load test's summary (SCALE_REPORT), empty without one."""
    if not summary or not os.path.exists(summary):
        return {}
    with open(summary) as handle:
        rows = json.load(handle)["rows"]
    return {node: sum(r["count"] for r in rows if r["node"] == node) for node in ("A", "B")}


if __name__ == "__main__":
    {"snapshot": snapshot, "report": report}[sys.argv[1]](*sys.argv[2:])
