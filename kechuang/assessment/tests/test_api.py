"""Read-only API: a unit reads only its own published row; leaders read issued bulletins only."""

import pytest

from kechuang.assessment import services
from kechuang.bulletins import services as bulletins

pytestmark = pytest.mark.django_db


def test_a_unit_reads_its_own_published_row_through_the_api(plan, personas, client_for):
    scheme = services.ensure_scheme(plan)
    url = f"/api/assessment/{scheme.pk}/result"
    assert client_for("town").get(url).status_code == 404
    services.publish_assessment(scheme, user=personas["office"])
    body = client_for("town").get(url).json()
    assert body["unit"]["unit"] == "武胜关镇" and "groups" not in body
    everything = client_for("leader").get(url).json()
    assert {g["name"] for g in everything["groups"]} == {"市直部门", "镇（街道）", "开发区"}


def test_leaders_list_only_issued_bulletins(plan, personas, client_for):
    office = personas["office"]
    bulletins.draft_bulletin(plan, 2022, 1, user=office)
    issued = bulletins.issue_bulletin(bulletins.draft_bulletin(plan, 2022, 2, user=office), user=office)
    rows = client_for("leader").get("/api/bulletins/").json()
    assert [r["id"] for r in rows] == [issued.pk] and rows[0]["issue_label"] == "2022年第1期"
    assert len(client_for("office").get("/api/bulletins/").json()) == 2
    assert client_for("leader").get(f"/api/bulletins/{issued.pk}").json()["snapshot"]["as_of"] == "2022-06-30"
