"""The private storage is one setting away from S3, and its settings parse strictly."""

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.core.files.storage import storages

from kechuang.core.files import NoPublicUrl, PrivateFileSystemStorage
from kechuang.settings import env_url, s3_storage


def test_the_default_private_storage_is_the_data_directory_and_makes_no_urls(settings, tmp_path):
    settings.PRIVATE_FILES_DIR = tmp_path / "files"
    storage = storages["private"]
    assert isinstance(storage, PrivateFileSystemStorage) and storage.location == str(tmp_path / "files")
    with pytest.raises(NoPublicUrl):
        storage.url("evidence/x")


def test_s3_settings_keep_objects_private_and_address_by_path():
    options = s3_storage("kc", endpoint_url="http://minio:9000", prefix="guangshui")["OPTIONS"]
    assert options["default_acl"] is None and options["addressing_style"] == "path"
    assert options["location"] == "guangshui" and options["file_overwrite"] is False


def test_an_endpoint_that_is_not_a_url_is_refused(monkeypatch):
    monkeypatch.setenv("KC_S3", "minio:9000")
    with pytest.raises(ImproperlyConfigured):
        env_url("KC_S3")
    monkeypatch.setenv("KC_S3", "https://oss.example.cn")
    assert env_url("KC_S3") == "https://oss.example.cn"
