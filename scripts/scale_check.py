"""Cross-node checks of scripts/scale-run.sh, over HTTP only (exit 1 when one fails):

1. an Excel import uploaded on node A (large enough to go to the task worker) is validated by the worker, then
   committed from node A; node B shows the job done and lists the imported enterprises;
2. an expert added on node A is found by a matching query on node B once the index rebuild job has run.

Environment: SCALE_NODE_A, SCALE_NODE_B, SCALE_PASSWORD, SCALE_CHECK_TIMEOUT (s, default 300),
KECHUANG_IMPORT_INLINE_BYTES (the nodes' setting: the file is made larger than it).
"""

from __future__ import annotations

import os
import re
import sys
import time
from pathlib import Path

import requests

sys.path.insert(0, str(Path(__file__).resolve().parent))
from scale_common import CSRF_RE, enterprise_xlsx  # noqa: E402  (the same workbook as the load test)

NODE_A = os.environ.get("SCALE_NODE_A", "http://127.0.0.1:8101")
NODE_B = os.environ.get("SCALE_NODE_B", "http://127.0.0.1:8102")
PASSWORD = os.environ.get("SCALE_PASSWORD", "Bench@2022")
TIMEOUT = float(os.environ.get("SCALE_CHECK_TIMEOUT", "300"))
INLINE_BYTES = int(os.environ.get("KECHUANG_IMPORT_INLINE_BYTES", "262144"))
USER = "scale-001-office"
STATUS_RE = re.compile(r'data-testid="job-status">([^<]*)<')
JOB_RE = re.compile(r"/registry/imports/(\d+)/")


def session(base: str) -> requests.Session:
    s = requests.Session()
    s.base = base
    page = s.get(base + "/login/", timeout=180)
    token = CSRF_RE.search(page.text).group(1)
    r = s.post(base + "/login/", data={"csrfmiddlewaretoken": token, "username": USER, "password": PASSWORD},
               headers={"Referer": base + "/login/"}, timeout=180)
    if "退出" not in r.text:
        raise SystemExit(f"登录失败：{base}")
    return s


def token_of(s: requests.Session, path: str) -> str:
    return CSRF_RE.search(s.get(s.base + path, timeout=60).text).group(1)


def wait_for(what: str, probe, timeout: float = TIMEOUT):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = probe()
        if value:
            return value
        time.sleep(1)
    return None


def job_status(s: requests.Session, job: str) -> str:
    match = STATUS_RE.search(s.get(f"{s.base}/registry/imports/{job}/", timeout=60).text)
    return match.group(1).strip() if match else "?"


def check_import(a: requests.Session, b: requests.Session) -> bool:
    first = 500_000 + int(time.time()) % 40 * 10_000  # codes apart from the load test's (below 500,000)
    rows = 2000
    data = enterprise_xlsx(first, rows, "scale-001单位001")
    while len(data) <= INLINE_BYTES:
        rows *= 2
        data = enterprise_xlsx(first, rows, "scale-001单位001")
    started = time.monotonic()
    r = a.post(a.base + "/registry/enterprises/import/", files={"file": ("scale-check.xlsx", data)},
               data={"csrfmiddlewaretoken": token_of(a, "/registry/enterprises/import/")},
               headers={"Referer": a.base + "/registry/enterprises/import/"}, timeout=120)
    match = JOB_RE.search(r.url)
    if not match:
        print(f"  失败：节点 A 上传后未跳转到导入任务页（HTTP {r.status_code}）")
        return False
    job = match.group(1)
    print(f"  节点 A 上传 {rows} 行（{len(data) // 1024} KB，大于 {INLINE_BYTES // 1024} KB，交给任务进程），任务 {job}"
          f"，节点 A 显示：{job_status(a, job)}")
    status = wait_for("valid", lambda: (st := job_status(b, job)) not in ("排队中", "校验中", "?") and st)
    print(f"  节点 B 显示：{status}（{time.monotonic() - started:.1f} s）")
    if status != "校验通过，待提交":
        return False
    r = a.post(f"{a.base}/registry/imports/{job}/commit/",
               data={"csrfmiddlewaretoken": token_of(a, f"/registry/imports/{job}/")},
               headers={"Referer": f"{a.base}/registry/imports/{job}/"}, timeout=120)
    status = wait_for("done", lambda: (st := job_status(b, job)) not in ("排队中", "写入中", "?") and st)
    print(f"  节点 A 提交后，节点 B 显示：{status}（{time.monotonic() - started:.1f} s）")
    if status != "已完成":
        return False
    name = f"压测导入企业{first + rows - 1:06d}有限公司"
    listed = name in b.get(f"{b.base}/registry/enterprises/", params={"q": name}, timeout=60).text
    print(f"  节点 B 资源库中查到 {name}：{'是' if listed else '否'}")
    return listed


def check_matching(a: requests.Session, b: requests.Session) -> bool:
    expert = f"基准专家{int(time.time()) % 1_000_000:06d}"
    form = "/registry/experts/new/"
    r = a.post(a.base + form, data={"csrfmiddlewaretoken": token_of(a, form), "name": expert,
                                    "institution": "基准测试研究院", "field": "新材料", "keywords": "量子点光刻胶",
                                    "description": "量子点光刻胶研发"},
               headers={"Referer": a.base + form}, timeout=60)
    if r.status_code != 200 or "/registry/experts/" not in r.url or r.url.endswith("/new/"):
        print(f"  失败：节点 A 新增专家未成功（HTTP {r.status_code}，{r.url}）")
        return False
    started = time.monotonic()
    print(f"  节点 A 新增专家 {expert}")
    demands = b.get(b.base + "/matching/", params={"q": "基准测试对接需求"}, timeout=60).text
    match = re.search(r'href="/matching/demands/(\d+)/"', demands)
    if not match:
        print("  失败：节点 B 上找不到基准测试对接需求")
        return False
    url = f"{b.base}/matching/demands/{match.group(1)}/"
    found = wait_for("match", lambda: expert in b.get(url, timeout=60).text)
    print(f"  节点 B 对接检索{'检索到' if found else '未检索到'}该专家（{time.monotonic() - started:.1f} s）")
    return bool(found)


def main() -> int:
    a, b = session(NODE_A), session(NODE_B)
    ok = True
    for label, check in (("检查 1：节点 A 发起的导入经任务进程完成，节点 B 可见", check_import),
                         ("检查 2：节点 A 新增的专家在索引重建后可在节点 B 检索到", check_matching)):
        print(label)
        passed = check(a, b)
        print(f"  → {'通过' if passed else '未通过'}")
        ok &= passed
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
