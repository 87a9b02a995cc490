"""Screenshots of 我的待办 for the README (docs/screenshots/*.png).

Loads the demo into a throw-away data directory, starts the app with gunicorn (production settings, as `make run`),
signs in through the login form as each demo account with Playwright (Debian's chromium, as the browser tests) and
saves one viewport-sized PNG per role, plus one 390 px phone shot. PNGs are reduced to a 256-colour palette so each
stays well under 200 KB.

    .venv/bin/python scripts/screenshots.py [--out docs/screenshots] [--keep]
"""

from __future__ import annotations

import argparse
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

from PIL import Image
from playwright.sync_api import sync_playwright

ROOT = Path(__file__).resolve().parent.parent
PASSWORD = "Kechuang@2022"  # the demo accounts' password (kechuang.core.management.commands.demo)
DESKTOP = {"width": 1366, "height": 768}
PHONE = {"width": 390, "height": 844}
# (file name, demo account, viewport)
SHOTS = [
    ("todo-unit", "yangzhai", DESKTOP),  # a town's filer: returned report, what is due, urging notices
    ("todo-lead-unit", "kjj", DESKTOP),  # the lead unit: reviews waiting, its 督办单
    ("todo-office", "office", DESKTOP),  # the office: late units, one-click 催办, items to supervise
    ("todo-leader", "leader", DESKTOP),  # the leader: red items and their responsible units
    ("todo-unit-phone", "yangzhai", PHONE),
]
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run", "--disable-quic"]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _manage(env: dict, *args: str) -> None:
    subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env=env, check=True)


def _wait_for(url: str, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(url, timeout=5)  # noqa: S310 - our own local server
            return
        except OSError:
            time.sleep(0.5)
    raise SystemExit(f"服务未在 {timeout:.0f} 秒内启动：{url}")


def _shrink(path: Path) -> None:
    """Palette PNG: screenshots are flat UI colours, so 256 colours look the same at a fraction of the size."""
    with Image.open(path) as img:
        small = img.convert("RGB").quantize(colors=256, method=Image.Quantize.MEDIANCUT, dither=Image.Dither.NONE)
    small.save(path, optimize=True)


def take(base_url: str, out: Path) -> list[Path]:
    out.mkdir(parents=True, exist_ok=True)
    saved = []
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=shutil.which("chromium") or "/usr/bin/chromium",
                                     args=CHROMIUM_ARGS)
        try:
            for name, username, viewport in SHOTS:
                context = browser.new_context(viewport=viewport, locale="zh-CN", timezone_id="Asia/Shanghai",
                                              device_scale_factor=1)
                page = context.new_page()
                page.goto(base_url + "/login/")
                page.fill("#id_username", username)
                page.fill("#id_password", PASSWORD)
                page.click("button[type=submit]")
                page.wait_for_load_state("networkidle")
                page.goto(base_url + "/")
                page.wait_for_load_state("networkidle")
                path = out / f"{name}.png"
                page.screenshot(path=str(path))
                _shrink(path)
                saved.append(path)
                print(f"{path.relative_to(ROOT)}  {path.stat().st_size // 1024} KB  ({username}, "
                      f"{viewport['width']}×{viewport['height']})")
                context.close()
        finally:
            browser.close()
    return saved


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "screenshots")
    parser.add_argument("--keep", action="store_true", help="保留临时数据目录（便于排查）")
    args = parser.parse_args()
    data_dir = Path(tempfile.mkdtemp(prefix="kechuang-shots-"))
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "KECHUANG_REDIS_URL", "KECHUANG_DEBUG")}
    env.update(KECHUANG_DATA_DIR=str(data_dir), PYTHONPATH=str(ROOT))
    server = None
    try:
        _manage(env, "migrate", "--noinput", "-v0")
        _manage(env, "collectstatic", "--noinput", "-v0")
        _manage(env, "demo", "--quiet")
        port = _free_port()
        gunicorn = Path(sys.executable).with_name("gunicorn")
        server = subprocess.Popen([str(gunicorn), "kechuang.wsgi:application", "--bind", f"127.0.0.1:{port}",
                                   "--workers", "2", "--timeout", "120"], cwd=ROOT, env=env)
        base_url = f"http://127.0.0.1:{port}"
        _wait_for(base_url + "/login/")
        take(base_url, args.out)
    finally:
        if server is not None:
            server.terminate()
            server.wait(timeout=30)
        if args.keep:
            print(f"数据目录：{data_dir}")
        else:
            shutil.rmtree(data_dir, ignore_errors=True)


if __name__ == "__main__":
    main()
