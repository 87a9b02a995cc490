"""Private files (evidence, bulletins) through one named Django storage, ``STORAGES["private"]``.

The default is the data directory on local disk (``PRIVATE_FILES_DIR``); ``KECHUANG_S3_BUCKET`` switches it to an
S3-compatible object store (see ``kechuang/core/s3.py``). Either way a file is only ever streamed through an
authorised, audited view: the private storages refuse to make URLs, so no page can link a file directly.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import FileSystemStorage, storages
from django.utils.functional import cached_property

PRIVATE = "private"
# Storages whose files a backup carries (static files are rebuilt by collectstatic).
BACKED_UP = ("private", "default")


class NoPublicUrl(RuntimeError):
    pass


class PrivateFileSystemStorage(FileSystemStorage):
    """Files under ``settings.PRIVATE_FILES_DIR`` (read when first used, so tests may point it elsewhere)."""

    @cached_property
    def base_location(self):
        return self._value_or_setting(self._location, settings.PRIVATE_FILES_DIR)

    def _clear_cached_properties(self, setting, **kwargs):
        super()._clear_cached_properties(setting, **kwargs)
        if setting == "PRIVATE_FILES_DIR":
            self.__dict__.pop("base_location", None)
            self.__dict__.pop("location", None)

    def url(self, name):
        raise NoPublicUrl("私有文件只能经授权视图下载")


def private_storage():
    return storages[PRIVATE]


def save(name: str, data: bytes) -> str:
    """Store ``data`` under exactly ``name`` (callers choose random names); returns the name."""
    storage = private_storage()
    saved = storage.save(name, ContentFile(data))
    if saved != name:  # a storage that renamed it would break the reference the caller is about to record
        storage.delete(saved)
        raise FileExistsError(name)
    return saved


def read(name: str) -> bytes:
    with private_storage().open(name, "rb") as handle:
        return handle.read()


def open_private(name: str):
    """An open binary file for streaming; FileNotFoundError when the storage does not hold it."""
    storage = private_storage()
    if not storage.exists(name):
        raise FileNotFoundError(name)
    return storage.open(name, "rb")


def delete(name: str) -> None:
    if name:
        private_storage().delete(name)


def walk(storage, prefix: str = "") -> Iterator[str]:
    """Every file name in ``storage`` (recursively, sorted), through the storage API only."""
    try:
        dirs, files = storage.listdir(prefix)
    except FileNotFoundError:
        return
    for name in sorted(files):
        yield f"{prefix}{name}"
    for d in sorted(dirs):
        yield from walk(storage, f"{prefix}{d}/")


def sha256_of(storage, name: str) -> tuple[str, int]:
    digest, size = hashlib.sha256(), 0
    with storage.open(name, "rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
            size += len(chunk)
    return digest.hexdigest(), size
