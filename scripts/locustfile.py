"""Load test of two web nodes (scripts/scale-run.sh): mixed flows of unit reporters and county offices.

Each simulated user is bound to one node (A or B, alternately) and one benchmark persona (`kechuang benchdata`):
- reporters (scale-NNN-rJJ): view their unit's December filing page and save it as a draft (each user its own
  unit-month, so saves never conflict);
- offices (scale-NNN-office): dashboard, registry list and filter, a small Excel import (upload, then commit),
  and a quarterly bulletin draft.
Users start signed in, as people at work are (SCALE_SESSIONS: the sessions `kechuang benchdata --sessions` made);
a share of them (SCALE_LOGIN_SHARE, default 0.1; every user without SCALE_SESSIONS) signs in through the login
form instead (csrftoken cookie + the form's token), so logins are measured too. At the end the per-flow p50/p95/p99,
overall and per node, and the error count are printed (and written to SCALE_REPORT as JSON when set).

Environment: SCALE_NODE_A / SCALE_NODE_B (base URLs), SCALE_PLANS (counties loaded), SCALE_WAIT ("min,max" s),
SCALE_SESSIONS (JSON file), SCALE_LOGIN_SHARE.
"""

from __future__ import annotations

import itertools
import json
import os
import random
import re
import threading
import time
import uuid
from collections import defaultdict
from http.cookiejar import Cookie
from urllib.parse import urlsplit

from locust import between, events, task
from locust.contrib.fasthttp import FastHttpUser
from scale_common import CSRF_RE, enterprise_xlsx  # scripts/: locust puts the locustfile's folder on sys.path

NODE_A = os.environ.get("SCALE_NODE_A", "http://127.0.0.1:8101")
NODE_B = os.environ.get("SCALE_NODE_B", "http://127.0.0.1:8102")
PLANS = int(os.environ.get("SCALE_PLANS", "100"))
REPORTERS_PER_PLAN = 10
PASSWORD = os.environ.get("SCALE_PASSWORD", "Bench@2022")
WAIT = tuple(float(x) for x in os.environ.get("SCALE_WAIT", "3,10").split(","))
SESSIONS = (json.loads(open(os.environ["SCALE_SESSIONS"], encoding="utf-8").read())
            if os.environ.get("SCALE_SESSIONS") else {})
LOGIN_SHARE = float(os.environ.get("SCALE_LOGIN_SHARE", "0.1"))
INPUT_RE = re.compile(r'<input\b([^>]*)>')
TEXTAREA_RE = re.compile(r'<textarea\b([^>]*)>(.*?)</textarea>', re.S)
ATTR_RE = re.compile(r'(\w[\w-]*)="([^"]*)"')
JOB_RE = re.compile(r"/registry/imports/(\d+)/")
TOWN_RE = re.compile(r'<option value="(\d+)"')

_reporters = itertools.count()
_offices = itertools.count()
_imports = itertools.count()
_lock = threading.Lock()
# (flow, node) -> (when it ended, response time in ms); errors per (flow, node); the flows that are GETs (pages)
TIMES: dict[tuple[str, str], list[tuple[float, float]]] = defaultdict(list)
ERRORS: dict[tuple[str, str], list[float]] = defaultdict(list)
PAGES: set[str] = set()
# The first seconds of a run are its ramp: every user's first request within SCALE_USERS / SCALE_SPAWN_RATE
# seconds, on caches and processes still cold. The summary gives the whole run, and the run after this warm-up.
WARMUP = float(os.environ.get("SCALE_WARMUP", "60"))


def _unescape(text: str) -> str:
    return (text.replace("&lt;", "<").replace("&gt;", ">").replace("&quot;", '"').replace("&#x27;", "'")
            .replace("&#39;", "'").replace("&amp;", "&"))


def form_fields(html: str, form_id: str) -> dict[str, str]:
    """The named inputs and textareas of the form with ``id=form_id`` (values as the browser would post them)."""
    start = html.find(f'id="{form_id}"')
    end = html.find("</form>", start)
    body = html[start:end]
    fields = {}
    for attrs in INPUT_RE.findall(body):
        a = dict(ATTR_RE.findall(attrs))
        if "name" in a and a.get("type") not in ("file", "submit", "button", "checkbox", "radio"):
            fields[a["name"]] = _unescape(a.get("value", ""))
    for attrs, text in TEXTAREA_RE.findall(body):
        a = dict(ATTR_RE.findall(attrs))
        if "name" in a:
            fields[a["name"]] = _unescape(text)
    return fields


def multipart(fields: dict[str, str], name: str, filename: str, data: bytes) -> tuple[bytes, str]:
    boundary = uuid.uuid4().hex
    parts = []
    for key, value in fields.items():
        parts.append(f'--{boundary}\r\nContent-Disposition: form-data; name="{key}"\r\n\r\n{value}\r\n'.encode())
    parts.append(f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; filename="{filename}"\r\n'
                 "Content-Type: application/vnd.openxmlformats-officedocument.spreadsheetml.sheet\r\n\r\n".encode()
                 + data + b"\r\n")
    parts.append(f"--{boundary}--\r\n".encode())
    return b"".join(parts), f"multipart/form-data; boundary={boundary}"


@events.request.add_listener
def _record(request_type, name, response_time, response_length, exception=None, context=None, **kwargs):
    node = (context or {}).get("node", "?")
    now = time.time()
    with _lock:
        if request_type == "GET":
            PAGES.add(name)
        if exception is not None:
            ERRORS[(name, node)].append(now)
        else:
            TIMES[(name, node)].append((now, response_time))


def _pct(values: list[float], p: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(p / 100 * (len(ordered) - 1))))]


def _row(flow: str, node: str, times: list[float], errors: int) -> dict:
    return {"flow": flow, "node": node, "count": len(times) + errors, "errors": errors,
            "p50": _pct(times, 50), "p95": _pct(times, 95), "p99": _pct(times, 99)}


def summary(since: float | None = None, nodes_split: bool = True) -> dict:
    """Per flow (A+B, and each node unless ``nodes_split`` is off) and all pages together: p50/p95/p99 of the
    requests that ended after ``since`` (a timestamp; None: all)."""
    flows = sorted({name for name, _ in list(TIMES) + list(ERRORS)})
    keep = (lambda t: True) if since is None else (lambda t: t >= since)
    rows = []
    requests = errors_total = 0
    pages: list[float] = []
    page_errors = 0
    for flow in flows:
        for node in ("A+B", "A", "B") if nodes_split else ("A+B",):
            nodes = ("A", "B") if node == "A+B" else (node,)
            times = [ms for n in nodes for t, ms in TIMES.get((flow, n), []) if keep(t)]
            errors = sum(1 for n in nodes for t in ERRORS.get((flow, n), []) if keep(t))
            rows.append(_row(flow, node, times, errors))
            if node == "A+B":
                requests += len(times)
                errors_total += errors
                if flow in PAGES:
                    pages += times
                    page_errors += errors
    rows.append(_row("所有页面（GET）", "A+B", pages, page_errors))
    return {"rows": rows, "errors": errors_total, "requests": requests}


def _table(result: dict) -> list[str]:
    lines = [f"{'流程 flow':<28}{'节点':>6}{'请求数':>8}{'错误':>6}{'p50 ms':>9}{'p95 ms':>9}{'p99 ms':>9}"]
    for r in result["rows"]:
        lines.append(f"{r['flow']:<30}{r['node']:>6}{r['count']:>10}{r['errors']:>8}"
                     f"{r['p50']:>9.0f}{r['p95']:>9.0f}{r['p99']:>9.0f}")
    lines.append(f"请求总数 {result['requests'] + result['errors']}，错误 {result['errors']}")
    return lines


def _per_minute(start: float) -> list[str]:
    """All requests per minute of the run: how the latency settles after the ramp."""
    buckets: dict[int, list[float]] = defaultdict(list)
    for values in TIMES.values():
        for t, ms in values:
            buckets[int((t - start) // 60)].append(ms)
    lines = [f"{'分钟':>4}{'请求数':>8}{'p50 ms':>9}{'p95 ms':>9}{'p99 ms':>9}"]
    for minute in sorted(buckets):
        v = buckets[minute]
        lines.append(f"{minute + 1:>4}{len(v):>10}{_pct(v, 50):>9.0f}{_pct(v, 95):>9.0f}{_pct(v, 99):>9.0f}")
    return lines


@events.quitting.add_listener
def _print_summary(environment, **kwargs):
    result = summary()
    lines = ["整个压测（含开始时的爬坡）："] + _table(result)
    stamps = [t for values in TIMES.values() for t, _ms in values]
    if stamps:
        start = min(stamps)
        steady = summary(since=start + WARMUP, nodes_split=False)
        result["steady"] = {"warmup_seconds": WARMUP, **steady}
        lines += ["", f"稳定阶段（第 {WARMUP:.0f} 秒之后结束的请求，两节点合计）："] + _table(steady)
        lines += ["", "每分钟（全部请求）："] + _per_minute(start)
    print("\n".join(lines), flush=True)
    if os.environ.get("SCALE_REPORT"):
        with open(os.environ["SCALE_REPORT"], "w") as handle:
            json.dump(result, handle, ensure_ascii=False)


class BenchUser(FastHttpUser):
    abstract = True
    wait_time = between(*WAIT)
    node = "A"

    def request(self, method: str, flow: str, path: str, *, expect=(200,), text: str | None = None, **kwargs):
        """One request named ``flow``; a status outside ``expect`` or a page without ``text`` is an error."""
        with self.client.request(method, path, name=flow, context={"node": self.node}, catch_response=True,
                                 allow_redirects=True, **kwargs) as response:
            if response.status_code == 0:
                response.failure(f"超时或连接错误：{response.error}")
            elif response.status_code not in expect:
                response.failure(f"HTTP {response.status_code}")
            elif text is not None and text not in (response.text or ""):
                response.failure(f"页面缺少“{text}”")
            else:
                response.success()
            return response

    def post_form(self, flow: str, path: str, fields: dict, **kwargs):
        return self.request("POST", flow, path, data=fields, headers={"Referer": self.host + path}, **kwargs)

    def sign_in(self, username: str) -> None:
        """Start signed in (the prepared session), or for a share of users through the login form."""
        key = SESSIONS.get(username)
        if key is None or random.random() < LOGIN_SHARE:
            self.login(username)
            return
        host = urlsplit(self.host).hostname
        self.client.cookiejar.set_cookie(Cookie(0, "sessionid", key, None, False, host, False, False, "/", True,
                                                False, None, False, None, None, {}))

    def login(self, username: str) -> None:
        page = self.request("GET", "login page", "/login/")
        token = CSRF_RE.search(page.text or "")
        self.post_form("login", "/login/", {"csrfmiddlewaretoken": token.group(1) if token else "",
                                            "username": username, "password": PASSWORD},
                       text="退出")


class Reporter(BenchUser):
    abstract = True
    weight = 3

    def on_start(self):
        n = next(_reporters)
        self.plan = f"scale-{n % PLANS + 1:03d}"
        self.unit = n // PLANS % REPORTERS_PER_PLAN
        self.fill = f"/reporting/{self.plan}/fill/2022/12/"
        self.sign_in(f"{self.plan}-r{self.unit:02d}")

    @task(3)
    def view_workspace(self):
        self.request("GET", "unit workspace view", self.fill, text="保存草稿")

    @task(2)
    def save_draft(self):
        page = self.request("GET", "unit workspace view", self.fill, text="保存草稿")
        if page.status_code != 200:
            return  # counted as the view's error; a save without the form's token would only add a 403
        fields = form_fields(page.text or "", "ws-form")
        for key in [k for k in fields if k.endswith("-narrative")]:
            fields[key] = f"本月进展（压测 {time.strftime('%H:%M:%S')}）"
        fields["action"] = "save"
        self.post_form("unit workspace save", self.fill, fields, text="草稿已保存")


class Office(BenchUser):
    abstract = True
    weight = 2

    def on_start(self):
        n = next(_offices)
        self.plan = f"scale-{n % PLANS + 1:03d}"
        self.towns: list[str] = []
        self.sign_in(f"{self.plan}-office")

    @task(4)
    def dashboard(self):
        self.request("GET", "office dashboard", f"/supervision/?plan={self.plan}", text="指标")

    @task(3)
    def registry_list(self):
        page = self.request("GET", "registry list", "/registry/enterprises/", text="企业")
        if not self.towns:
            self.towns = TOWN_RE.findall(page.text or "")[:200]

    @task(3)
    def registry_filter(self):
        town = random.choice(self.towns) if self.towns else ""
        self.request("GET", "registry filter", f"/registry/enterprises/?town={town}&is_above_scale=1&q=基准企业",
                     text="企业")

    @task(1)
    def import_upload(self):
        page = self.request("GET", "import page", "/registry/enterprises/import/", text="导入")
        token = CSRF_RE.search(page.text or "")
        if token is None:
            return
        first = 10_000 + next(_imports) * 10
        body, content_type = multipart({"csrfmiddlewaretoken": token.group(1) if token else ""}, "file",
                                       "load-test.xlsx", enterprise_xlsx(first, 10, f"{self.plan}单位000"))
        job = self.request("POST", "import upload", "/registry/enterprises/import/", data=body,
                           headers={"Content-Type": content_type,
                                    "Referer": self.host + "/registry/enterprises/import/"})
        match = JOB_RE.search(job.url or "") or JOB_RE.search(job.text or "")
        if match and "校验通过" in (job.text or ""):
            token = CSRF_RE.search(job.text or "")
            self.post_form("import commit", f"/registry/imports/{match.group(1)}/commit/",
                           {"csrfmiddlewaretoken": token.group(1) if token else ""})

    @task(1)
    def bulletin_generate(self):
        page = self.request("GET", "bulletin list", "/bulletins/", text="通报")
        token = CSRF_RE.search(page.text or "")
        if token is None:
            return
        self.post_form("bulletin generate", "/bulletins/generate/",
                       {"csrfmiddlewaretoken": token.group(1) if token else "", "plan": self.plan,
                        "quarter": f"2022Q{random.randint(1, 4)}"})


class ReporterA(Reporter):
    host = NODE_A


class ReporterB(Reporter):
    host = NODE_B
    node = "B"


class OfficeA(Office):
    host = NODE_A


class OfficeB(Office):
    host = NODE_B
    node = "B"
