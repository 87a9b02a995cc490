import io
import re
import subprocess
import sys

import openpyxl
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from kechuang.audit.models import AuditEvent
from kechuang.core.access import ALL_PERSONAS
from kechuang.core.testing import PASSWORD
from kechuang.org.models import Unit
from kechuang.registry.models import Enterprise, Expert, Talent
from kechuang.registry.tests import factories as f
from kechuang.registry.tests import xlsx

pytestmark = pytest.mark.django_db

ID_RE = re.compile(r"(?<![0-9A-Za-z])\d{17}[\dX](?![0-9A-Za-z])")
PHONE_RE = re.compile(r"(?<!\d)1\d{10}(?!\d)")
LIST_COUNT_RE = re.compile(r'SELECT COUNT\(\*\) AS "__count" FROM "registry_enterprise"'
                           r'( WHERE "registry_enterprise"\."town_id" = \d+)?')


def _setup_people():
    town = Unit.objects.get(name="武胜关镇")
    ent = f.enterprise(name="演示华中机械有限公司", town=town)
    talent = f.talent(name="演示人才001", employer=ent, number=f.id_number(7), phone="13912345678")
    expert = Expert(name="演示专家001", institution="某大学")
    expert.set_phone("13712345678")
    expert.save()
    return ent, talent, expert


def _body(response):
    if response.get("Content-Type", "").startswith("application/vnd.openxmlformats"):
        wb = openpyxl.load_workbook(io.BytesIO(response.content), read_only=True)
        return " ".join(str(v) for ws in wb for row in ws.iter_rows(values_only=True) for v in row if v is not None)
    return response.content.decode()


@pytest.mark.parametrize("persona", sorted(ALL_PERSONAS))
def test_no_role_sees_a_full_id_or_phone_number_on_pages_api_or_exports(plan, personas, client_for, persona):
    ent, talent, expert = _setup_people()
    client = client_for(persona)
    urls = [
        reverse("registry:list", args=["talents"]),
        reverse("registry:detail", args=["talents", talent.pk]),
        reverse("registry:history", args=["talents", talent.pk]),
        reverse("registry:export", args=["talents"]),
        reverse("registry:list", args=["experts"]),
        reverse("registry:detail", args=["experts", expert.pk]),
        reverse("registry:export", args=["experts"]),
        "/api/registry/talents",
        f"/api/registry/talents/{talent.pk}",
    ]
    for url in urls:
        response = client.get(url)
        body = _body(response) if response.status_code == 200 else ""
        assert not ID_RE.search(body), (url, ID_RE.search(body))
        assert not PHONE_RE.search(body), (url, PHONE_RE.search(body))
    if persona in ("office", "talent", "town", "lead"):
        page = client.get(reverse("registry:detail", args=["talents", talent.pk])).content.decode()
        assert talent.id_number_masked in page and "139****5678" in page
        assert re.search(r"\d{4}\*{10}[\dX]{4}", talent.id_number_masked)


def test_a_pii_viewer_unmasks_and_every_unmask_is_audited(plan, personas, client_for):
    _, talent, _ = _setup_people()
    client = client_for("talent")
    response = client.post(reverse("registry:unmask", args=["talents", talent.pk]))
    assert talent.id_number in response.content.decode()
    assert AuditEvent.objects.filter(action="talent.unmask", object_id=str(talent.pk)).count() == 1
    # A GET never exports plaintext, not even for the PII viewer (a cross-site link cannot unmask).
    assert talent.id_number not in _body(client.get(reverse("registry:export", args=["talents"]) + "?unmask=1"))
    url = reverse("registry:export_unmasked", args=["talents"])
    # Without a reason, or with a wrong password: nothing exported, nothing unmasked.
    assert client.post(url, {"reason": "", "password": PASSWORD}).status_code == 302
    assert client.post(url, {"reason": "津贴发放核对", "password": "wrong"}).status_code == 302
    assert not AuditEvent.objects.filter(action="talent.unmask_export").exists()
    export = client.post(url, {"reason": "津贴发放核对", "password": PASSWORD})
    assert talent.id_number in _body(export)
    event = AuditEvent.objects.get(action="talent.unmask_export")
    assert event.detail["count"] == Talent.objects.count() and event.detail["reason"] == "津贴发放核对"
    # Within a few minutes of the password check, the reason alone is enough.
    assert talent.id_number in _body(client.post(url, {"reason": "再次核对"}))
    # Without the right, the plaintext export does not exist.
    assert client_for("office").post(url, {"reason": "津贴发放核对", "password": PASSWORD}).status_code == 404


def test_a_town_lists_only_its_enterprises_and_search_matches_pinyin_initials(plan, personas, client_for):
    town, other = Unit.objects.get(name="武胜关镇"), Unit.objects.get(name="杨寨镇")
    f.enterprise(name="演示华中机械有限公司", town=town)
    f.enterprise(name="演示杨寨纺织有限公司", town=other)
    page = client_for("town").get(reverse("registry:list", args=["enterprises"])).content.decode()
    assert "演示华中机械" in page and "演示杨寨纺织" not in page
    page = client_for("office").get(reverse("registry:list", args=["enterprises"]) + "?q=hzjx").content.decode()
    assert "演示华中机械" in page and "演示杨寨纺织" not in page
    page = (
        client_for("office").get(reverse("registry:list", args=["enterprises"]) + f"?town={other.pk}").content.decode()
    )
    assert "演示杨寨纺织" in page and "演示华中机械" not in page


def test_a_town_creates_an_enterprise_in_its_own_jurisdiction_only(plan, personas, client_for):
    town = personas["town"].unit
    other = Unit.objects.get(name="杨寨镇")
    client = client_for("town")
    data = {"uscc": f.uscc(), "name": "演示新建公司", "town": other.pk}
    response = client.post(reverse("registry:create", args=["enterprises"]), data)
    assert response.status_code == 200 and not Enterprise.objects.filter(name="演示新建公司").exists()
    data["town"] = town.pk
    response = client.post(reverse("registry:create", args=["enterprises"]), data)
    assert response.status_code == 302
    ent = Enterprise.objects.get(name="演示新建公司")
    assert ent.town == town and ent.history.count() == 1


def test_the_web_import_previews_then_commits(plan, personas, client_for):
    client = client_for("office")
    data = xlsx.workbook_bytes([xlsx.enterprise_row(f.uscc(), "演示网页导入公司")])
    upload = io.BytesIO(data)
    upload.name = "企业.xlsx"
    response = client.post(reverse("registry:import", args=["enterprises"]), {"file": upload})
    assert response.status_code == 302
    job_page = client.get(response["Location"]).content.decode()
    assert "校验通过" in job_page and not Enterprise.objects.exists()
    job_id = int(response["Location"].rstrip("/").split("/")[-1])
    client.post(reverse("registry:import_commit", args=[job_id]))
    assert Enterprise.objects.filter(name="演示网页导入公司").exists()
    assert AuditEvent.objects.filter(action="registry.import").exists()


def test_the_command_line_import_is_a_dry_run_unless_commit(plan, tmp_path):
    good = tmp_path / "good.xlsx"
    good.write_bytes(xlsx.workbook_bytes([xlsx.enterprise_row(f.uscc(), "演示命令行公司")]))
    bad = tmp_path / "bad.xlsx"
    bad.write_bytes(xlsx.workbook_bytes([xlsx.enterprise_row("123", "演示坏公司")]))
    from django.core.management import call_command
    from django.core.management.base import CommandError

    call_command("import", "enterprises", str(good))
    assert not Enterprise.objects.exists()
    call_command("import", "enterprises", str(good), "--commit")
    assert Enterprise.objects.count() == 1
    with pytest.raises(CommandError) as exc:
        call_command("import", "enterprises", str(bad), "--commit")
    assert exc.value.returncode == 1
    assert Enterprise.objects.count() == 1


def test_the_command_line_exits_non_zero_on_errors(tmp_path):
    bad = tmp_path / "bad.xlsx"
    bad.write_bytes(b"not a spreadsheet")
    proc = subprocess.run(
        [sys.executable, "manage.py", "import", "enterprises", str(bad)], capture_output=True, text=True, timeout=120
    )
    assert proc.returncode == 1
    assert ".xlsx" in proc.stderr


def test_no_plaintext_talent_numbers_anywhere_in_the_database_tables(plan):
    from django.db import connection

    _, talent, expert = _setup_people()
    secrets = [talent.id_number, "13912345678", "13712345678"]
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names():
            if not table.startswith("registry_"):
                continue
            cursor.execute(f'SELECT * FROM "{table}"')  # noqa: S608
            dump = repr(cursor.fetchall())
            for secret in secrets:
                assert secret not in dump, table
    assert Talent.objects.get(id_hash=talent.id_hash) == talent


def test_a_town_edits_a_linked_row_by_uscc_and_cannot_move_it_to_another_town(plan, personas, client_for):
    import datetime as dt

    from kechuang.registry.models import HighTechCertificate

    own = f.enterprise(town=personas["town"].unit)
    other = f.enterprise(town=personas["town_b"].unit)
    cert = f.certificate(own, dt.date(2022, 3, 1))
    client = client_for("town")
    url = reverse("registry:edit", args=["certificates", cert.pk])
    page = client.get(url).content.decode()
    assert f'value="{own.uscc}"' in page
    data = {
        "enterprise": own.uscc,
        "number": cert.number,
        "issued_on": "2022-03-02",
        "expires_on": "2025-03-02",
        "status": "valid",
        "is_first_recognition": "on",
    }
    assert client.post(url, data).status_code == 302
    assert HighTechCertificate.objects.get(pk=cert.pk).issued_on == dt.date(2022, 3, 2)
    data["enterprise"] = other.uscc
    response = client.post(url, data)
    assert response.status_code == 200 and "找不到" in response.content.decode()
    assert HighTechCertificate.objects.get(pk=cert.pk).enterprise == own
    assert HighTechCertificate.history.filter(id=cert.pk).count() == 2


def test_a_lists_row_count_is_counted_once_per_data_change_and_per_row_scope(plan, personas, client_for):
    """The count over a large registry is kept under the data fingerprint: counted again after a change, and
    never shared between row scopes (a town counts its own enterprises)."""
    town = Unit.objects.get(name="武胜关镇")
    f.enterprise(name="计数甲有限公司", town=town)
    url = reverse("registry:list", args=["enterprises"])
    office, town_user = client_for("office"), client_for("town")

    def shown(client):
        with CaptureQueriesContext(connection) as ctx:
            page = client.get(url).content.decode()
        # The list's own count (the whole registry, or the town's rows), not the counts behind indicators.
        counts = [q for q in ctx.captured_queries if LIST_COUNT_RE.fullmatch(q["sql"])]
        return int(re.search(r'data-testid="row-count">共 (\d+) 条', page).group(1)), len(counts)

    total = Enterprise.objects.count()
    assert shown(office) == (total, 1)
    assert shown(office) == (total, 0)
    assert shown(town_user) == (Enterprise.objects.filter(town=town).count(), 1)
    f.enterprise(name="计数乙有限公司", town=Unit.objects.get(name="杨寨镇"))
    assert shown(office) == (total + 1, 1)
