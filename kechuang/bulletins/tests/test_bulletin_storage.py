"""An issued bulletin's document is stored in the private storage: here a real S3 endpoint (moto's server)."""

import pytest
from django.urls import reverse

from kechuang.bulletins import services

pytestmark = pytest.mark.django_db


# Slow by nature (~5 s under load): composes, renders and issues a bulletin.
def test_an_issued_bulletin_is_stored_in_s3_and_downloaded_through_the_view(plan, personas, client_for,
                                                                             s3_storage, settings, tmp_path):
    settings.PRIVATE_FILES_DIR = tmp_path / "private"
    office = personas["office"]
    issued = services.issue_bulletin(services.draft_bulletin(plan, 2022, 2, user=office), user=office)
    key = f"{s3_storage.prefix}bulletins/{issued.docx_name}"
    stored = s3_storage.client.get_object(Bucket=s3_storage.bucket, Key=key)["Body"].read()
    assert stored.startswith(b"PK") and services.docx_bytes(issued) == stored
    assert not settings.PRIVATE_FILES_DIR.exists()
    resp = client_for("office").get(reverse("bulletins:bulletin_docx", args=[issued.pk]))
    assert resp.status_code == 200 and resp.content == stored
