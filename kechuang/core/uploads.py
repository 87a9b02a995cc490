"""One guard for every uploaded Office Open XML file (registry imports, the monthly filing form, plan documents):
refuse before any parser sees it what is not a sane .xlsx/.docx, an archive bomb, an XML entity or DOCTYPE
declaration, or a file whose members are larger than the caller allows."""

from __future__ import annotations

import io
import zipfile

MAX_RATIO = 150  # compressed → uncompressed, per member larger than 1 MB


class UploadRefused(ValueError):
    """The file as a whole is refused; the message is Chinese and names why."""


def read_limited(fileobj, max_bytes: int) -> bytes:
    """Read at most ``max_bytes`` (streamed in chunks); larger files are refused without reading them whole."""
    chunks, total = [], 0
    while True:
        chunk = fileobj.read(1 << 20)
        if not chunk:
            return b"".join(chunks)
        total += len(chunk)
        if total > max_bytes:
            raise UploadRefused(f"文件超过 {max_bytes // 1024 // 1024} MB，已拒绝")
        chunks.append(chunk)


def check_ooxml(data: bytes, *, kind: str = "xlsx", max_uncompressed: int = 200 * 1024 * 1024) -> None:
    """Refuse anything that is not a sane ``kind`` ("xlsx" or "docx") package before a parser reads it."""
    label = {"xlsx": "Excel 2007 及以上格式（.xlsx）", "docx": "Word 2007 及以上格式（.docx）"}[kind]
    root = {"xlsx": "xl/", "docx": "word/"}[kind]
    if not data.startswith(b"PK"):
        raise UploadRefused(f"文件不是 {label}；请“另存为” .{kind} 后再上传")
    check_zip_package(data, kind=kind, required="[Content_Types].xml", root=root,
                      max_uncompressed=max_uncompressed)


def check_zip_package(data: bytes, *, kind: str, required: str, root: str = "",
                      max_uncompressed: int = 200 * 1024 * 1024) -> None:
    """A zip-based document (OOXML, OFD): it must hold ``required`` (and something under ``root``), and must not
    be an archive bomb or carry XML DOCTYPE/ENTITY declarations."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        infos = archive.infolist()
    except zipfile.BadZipFile as exc:
        raise UploadRefused(f"文件已损坏或不是 .{kind} 文件") from exc
    names = {i.filename for i in infos}
    if required not in names or (root and not any(n.startswith(root) for n in names)):
        raise UploadRefused(f"文件不是 .{kind} 文件")
    total = 0
    for info in infos:
        total += info.file_size
        if info.file_size > 1024 * 1024 and info.file_size > MAX_RATIO * max(info.compress_size, 1):
            raise UploadRefused(f"文件压缩比异常（{info.filename}），疑似压缩炸弹，已拒绝")
        if total > max_uncompressed:
            raise UploadRefused(f"文件解压后超过 {max_uncompressed // 1024 // 1024} MB，已拒绝；请拆分后上传")
    # No DTDs or entity declarations anywhere (XML entity bomb, external entities); sizes must be what the
    # archive declares, so a member cannot lie its way past the limits above.
    for info in infos:
        if not info.filename.endswith((".xml", ".rels", ".vml")):
            continue
        tail = b""
        with archive.open(info) as stream:
            read = 0
            while True:
                chunk = stream.read(1 << 20)
                if not chunk:
                    break
                read += len(chunk)
                if read > info.file_size + 1024:
                    raise UploadRefused("文件内容与声明大小不符，已拒绝")
                window = (tail + chunk).upper()
                if b"<!DOCTYPE" in window or b"<!ENTITY" in window:
                    raise UploadRefused("文件包含 DOCTYPE/ENTITY 声明（可能是恶意 XML），已拒绝")
                tail = chunk[-16:]
