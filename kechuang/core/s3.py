"""The S3-compatible private storage (MinIO, Ceph, a cloud object store), used when KECHUANG_S3_BUCKET is set.

Kept apart from kechuang.core.files so that boto3 is imported only by installations that use it.
"""

from __future__ import annotations

from storages.backends.s3 import S3Storage

from .files import NoPublicUrl


class PrivateS3Storage(S3Storage):
    """Objects stay private: no ACL is set, and no presigned or public URL is ever made."""

    def url(self, name, parameters=None, expire=None, http_method=None):
        raise NoPublicUrl("私有文件只能经授权视图下载")
