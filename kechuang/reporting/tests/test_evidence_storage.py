"""Evidence through the private storage: a real S3 endpoint (moto's server) and the local data directory."""

import hashlib

import pytest
from django.urls import reverse

from kechuang.audit.models import AuditEvent
from kechuang.core.files import NoPublicUrl, private_storage
from kechuang.reporting import evidence as ev
from kechuang.reporting.models import Evidence

from .files import pdf_bytes, upload
from .helpers import town_report

pytestmark = pytest.mark.django_db


def _object_keys(s3):
    listing = s3.client.list_objects_v2(Bucket=s3.bucket)
    return {item["Key"] for item in listing.get("Contents", [])}


def test_evidence_round_trips_through_s3_behind_the_authorised_view(plan, personas, client_for, s3_storage,
                                                                     settings, tmp_path):
    settings.PRIVATE_FILES_DIR = tmp_path / "private"
    data = pdf_bytes() + b"%" + bytes(range(256)) * 64  # binary content survives the round trip
    e = ev.add_evidence(town_report(plan, personas), user=personas["town"], uploaded=upload("进展.pdf", data))
    key = f"{s3_storage.prefix}evidence/{e.stored_name}"
    assert _object_keys(s3_storage) == {key}
    assert s3_storage.client.get_object(Bucket=s3_storage.bucket, Key=key)["Body"].read() == data
    assert not settings.PRIVATE_FILES_DIR.exists()  # nothing on local disk
    url = reverse("reporting:evidence_download", args=[e.pk])
    assert client_for("town_b").get(url).status_code == 404
    resp = client_for("town").get(url)
    assert resp.status_code == 200 and b"".join(resp.streaming_content) == data
    assert hashlib.sha256(data).hexdigest() == e.sha256
    assert AuditEvent.objects.filter(action="reporting.evidence_download", object_id=str(e.pk)).count() == 1
    with pytest.raises(NoPublicUrl):  # no presigned or public bucket URL can be made for a private file
        private_storage().url(e.storage_name)


def test_deleting_evidence_removes_its_object_from_the_bucket(plan, personas, s3_storage,
                                                            django_capture_on_commit_callbacks):
    e = ev.add_evidence(town_report(plan, personas), user=personas["town"], uploaded=upload("a.pdf", pdf_bytes()))
    assert len(_object_keys(s3_storage)) == 1
    with django_capture_on_commit_callbacks(execute=True):
        ev.delete_evidence(e, user=personas["town"])
    assert _object_keys(s3_storage) == set() and not Evidence.objects.exists()


def test_a_missing_object_is_a_404_not_a_server_error(plan, personas, client_for, s3_storage):
    e = ev.add_evidence(town_report(plan, personas), user=personas["town"], uploaded=upload("a.pdf", pdf_bytes()))
    s3_storage.client.delete_object(Bucket=s3_storage.bucket, Key=f"{s3_storage.prefix}{e.storage_name}")
    assert client_for("town").get(reverse("reporting:evidence_download", args=[e.pk])).status_code == 404


def test_files_written_on_disk_before_storages_still_download(plan, personas, client_for, settings, tmp_path):
    settings.PRIVATE_FILES_DIR = tmp_path / "private"
    (settings.PRIVATE_FILES_DIR / "evidence").mkdir(parents=True)
    (settings.PRIVATE_FILES_DIR / "evidence" / ("a" * 32)).write_bytes(pdf_bytes())  # the old layout, by path
    row = town_report(plan, personas)
    e = Evidence.objects.create(task_report=row, stored_name="a" * 32, original_name="旧.pdf",
                                content_type="application/pdf", size=len(pdf_bytes()),
                                sha256=hashlib.sha256(pdf_bytes()).hexdigest(), uploaded_by=personas["town"])
    resp = client_for("town").get(reverse("reporting:evidence_download", args=[e.pk]))
    assert resp.status_code == 200 and b"".join(resp.streaming_content) == pdf_bytes()
