"""Office documents to PDF through LibreOffice headless (bulletins, assessment notices, evidence previews).

Optional: only when ``soffice`` is installed (``pdf_available()``); otherwise ``PdfUnavailable``.

Each call gets its own LibreOffice profile (``-env:UserInstallation``) and calls are serialised
with a file lock, because instances sharing a profile block each other. A fontconfig file that
includes the system configuration plus the bundled ``65-kechuang-fonts.conf`` maps the official font
names (仿宋_GB2312 …) to installed CJK fonts, so nothing renders as boxes even when the alias
file has not been installed system-wide.
"""

from __future__ import annotations

import fcntl
import os
import shutil
import subprocess
import tempfile
from pathlib import Path

# A data file shipped with this package (also installed system-wide by scripts/system-deps.sh).
FONT_ALIASES = Path(__file__).resolve().parent / "fonts" / "65-kechuang-fonts.conf"
LOCK_FILE = Path(tempfile.gettempdir()) / "kechuang-soffice.lock"
TIMEOUT_SECONDS = 180


class PdfUnavailable(RuntimeError):
    pass


def soffice_path() -> str | None:
    return shutil.which("soffice") or shutil.which("libreoffice")


def pdf_available() -> bool:
    return soffice_path() is not None


def convert_to_pdf(data: bytes, suffix: str, timeout: int = TIMEOUT_SECONDS) -> bytes:
    """``data`` (a .docx, .doc, .xls … named by ``suffix``, which picks LibreOffice's import filter) as PDF."""
    binary = soffice_path()
    if binary is None:
        raise PdfUnavailable("服务器未安装 LibreOffice，无法生成 PDF")
    with tempfile.TemporaryDirectory(prefix="kechuang-pdf-") as tmp:
        tmpdir = Path(tmp)
        source = tmpdir / f"source{suffix}"
        source.write_bytes(data)
        fonts_conf = tmpdir / "fonts.conf"
        fonts_conf.write_text(
            '<?xml version="1.0"?>\n<!DOCTYPE fontconfig SYSTEM "fonts.dtd">\n<fontconfig>\n'
            '  <include ignore_missing="yes">/etc/fonts/fonts.conf</include>\n'
            f'  <include ignore_missing="yes">{FONT_ALIASES}</include>\n</fontconfig>\n',
            encoding="utf-8",
        )
        env = {**os.environ, "FONTCONFIG_FILE": str(fonts_conf), "HOME": str(tmpdir)}
        cmd = [
            binary, f"-env:UserInstallation=file://{tmpdir / 'profile'}", "--headless", "--norestore",
            "--convert-to", "pdf", "--outdir", str(tmpdir), str(source),
        ]
        with open(LOCK_FILE, "a+") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            try:
                proc = subprocess.run(cmd, env=env, capture_output=True, timeout=timeout, check=False)
            except subprocess.TimeoutExpired as exc:
                raise PdfUnavailable("PDF 转换超时") from exc
            finally:
                fcntl.flock(lock, fcntl.LOCK_UN)
        target = tmpdir / "source.pdf"
        if proc.returncode != 0 or not target.exists():
            raise PdfUnavailable(f"PDF 转换失败：{proc.stderr.decode('utf-8', 'replace')[:300]}")
        return target.read_bytes()


def docx_to_pdf(docx_bytes: bytes, timeout: int = TIMEOUT_SECONDS) -> bytes:
    return convert_to_pdf(docx_bytes, ".docx", timeout=timeout)
