"""Each cultivation list is one declared Table and FilterSet: the page, the Excel/CSV export and the API give the
same rows for the same filter, within the user's scope."""

import csv
import datetime as dt
import io

import openpyxl
import pytest
from django.urls import reverse

from .factories import certificate, enterprise, unit_of

pytestmark = pytest.mark.django_db
NAMES = {"本镇甲企业", "本镇乙企业", "他镇企业"}


def _everywhere(client, query: str) -> dict[str, set[str]]:
    page = client.get(reverse("policy:list", kwargs={"key": "rerecognition"}) + f"?year=2022&{query}")
    export = reverse("policy:list_export", kwargs={"key": "rerecognition"}) + f"?year=2022&{query}"
    ws = openpyxl.load_workbook(io.BytesIO(client.get(export).content)).active
    xlsx = {row[0] for row in ws.iter_rows(min_row=3, values_only=True)}
    text = client.get(export + "&format=csv").content.decode("utf-8-sig")
    api = client.get(reverse("api:policy_list", kwargs={"key": "rerecognition"}) + f"?year=2022&{query}").json()
    return {"page": {n for n in NAMES if n in page.content.decode()}, "xlsx": xlsx,
            "csv": {row[0] for row in list(csv.reader(io.StringIO(text)))[1:]},
            "api": {row[0] for row in api["rows"]}}


@pytest.fixture
def due(personas):
    town, other = unit_of(personas, "town"), unit_of(personas, "town_b")
    for name, unit in (("本镇甲企业", town), ("本镇乙企业", town), ("他镇企业", other)):
        certificate(enterprise(unit, name), dt.date(2019, 6, 1))
    return town, other


def test_a_town_gets_the_same_own_rows_on_the_page_in_exports_and_through_the_api(due, client_for):
    seen = _everywhere(client_for("town"), "")
    assert all(names == {"本镇甲企业", "本镇乙企业"} for names in seen.values()), seen
    seen = _everywhere(client_for("town"), "q=本镇甲")
    assert all(names == {"本镇甲企业"} for names in seen.values()), seen


def test_a_filter_narrows_the_list_alike_everywhere(due, client_for):
    _, other = due
    leader = client_for("leader")
    assert all(names == NAMES for names in _everywhere(leader, "").values())
    seen = _everywhere(leader, f"town={other.pk}")
    assert all(names == {"他镇企业"} for names in seen.values()), seen


def test_the_export_has_the_tables_headers_and_the_years_note(due, client_for):
    url = reverse("policy:list_export", kwargs={"key": "sme_renewal"}) + "?year=2022"
    ws = openpyxl.load_workbook(io.BytesIO(client_for("office").get(url).content)).active
    assert ws["A1"].value.startswith("评价年度：2022。")
    assert [c.value for c in ws[2]] == ["企业名称", "所在镇办", "2021年登记编号", "2022年是否已入库"]
    assert ws.freeze_panes == "A3"
