"""The registry lists are declarations (a FilterSet and a Table per registry): the page, its exports and the
API list endpoints give the same rows for the same filter, within the same scope, with ID numbers masked."""

import csv
import datetime as dt
import io
import random

import openpyxl
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from kechuang.org.models import Unit, UnitKind
from kechuang.registry import demo
from kechuang.registry.config import REGISTRIES
from kechuang.registry.filtersets import FILTERSETS, unit_choices
from kechuang.registry.tables import TABLES
from kechuang.registry.tests import factories as f

pytestmark = pytest.mark.django_db


def _xlsx_names(response) -> set[str]:
    """Every text cell of the registry export's data sheet (the re-importable file: header row, then rows)."""
    wb = openpyxl.load_workbook(io.BytesIO(response.content), read_only=True)
    ws = wb.worksheets[0]
    return {str(v) for row in ws.iter_rows(min_row=2, values_only=True) for v in row if v is not None}


def _csv_rows(response) -> list[list[str]]:
    assert response["Content-Type"].startswith("text/csv")
    return list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))


def _api_names(response) -> set[str]:
    assert response.status_code == 200, response.content
    return {row["name"] for row in response.json()}


def _everywhere(client, query: str) -> dict[str, set[str]]:
    """The enterprise names on the page, in the .xlsx export, in the CSV export and through the API."""
    base = reverse("registry:list", args=["enterprises"])
    export = reverse("registry:export", args=["enterprises"])
    names = {"甲镇规上企业", "甲镇小企业", "乙镇规上企业"}
    page = client.get(f"{base}?{query}").content.decode()
    return {
        "page": {n for n in names if n in page},
        "xlsx": names & _xlsx_names(client.get(f"{export}?{query}")),
        "csv": names & {row[1] for row in _csv_rows(client.get(f"{export}?{query}&format=csv"))[1:]},
        "api": names & _api_names(client.get(f"/api/registry/enterprises?{query}")),
    }


@pytest.fixture
def three_enterprises(plan):
    town, other = Unit.objects.get(name="武胜关镇"), Unit.objects.get(name="杨寨镇")
    f.enterprise(name="甲镇规上企业", town=town, is_above_scale=True)
    f.enterprise(name="甲镇小企业", town=town, is_above_scale=False)
    f.enterprise(name="乙镇规上企业", town=other, is_above_scale=True)
    return town, other


def test_a_town_sees_only_its_own_enterprises_on_the_page_in_exports_and_through_the_api(
        three_enterprises, personas, client_for):
    seen = _everywhere(client_for("town"), "")
    assert all(names == {"甲镇规上企业", "甲镇小企业"} for names in seen.values()), seen
    seen = _everywhere(client_for("town"), "is_above_scale=1")
    assert all(names == {"甲镇规上企业"} for names in seen.values()), seen


def test_a_filter_by_a_field_narrows_the_rows_alike_in_page_exports_and_api(three_enterprises, personas, client_for):
    town, other = three_enterprises
    office = client_for("office")
    assert all(names == {"甲镇规上企业", "甲镇小企业", "乙镇规上企业"} for names in _everywhere(office, "").values())
    seen = _everywhere(office, "is_above_scale=1")
    assert all(names == {"甲镇规上企业", "乙镇规上企业"} for names in seen.values()), seen
    seen = _everywhere(office, f"town={other.pk}")
    assert all(names == {"乙镇规上企业"} for names in seen.values()), seen
    seen = _everywhere(office, f"town={town.pk}&is_above_scale=0")
    assert all(names == {"甲镇小企业"} for names in seen.values()), seen
    seen = _everywhere(office, "q=jzgs")  # pinyin initials of 甲镇规上
    assert all(names == {"甲镇规上企业"} for names in seen.values()), seen


def test_a_town_cannot_widen_its_list_with_another_towns_filter(three_enterprises, personas, client_for):
    _, other = three_enterprises
    seen = _everywhere(client_for("town"), f"town={other.pk}")
    assert all("乙镇规上企业" not in names for names in seen.values()), seen


def test_a_filter_value_that_does_not_parse_is_ignored_not_an_error(plan, personas, client_for):
    ent = f.enterprise(name="年度数据企业", town=Unit.objects.get(name="武胜关镇"))
    f.year_row(ent, 2021, "100")
    response = client_for("office").get(reverse("registry:list", args=["enterprise-years"]) + "?year=abc")
    assert response.status_code == 200 and "年度数据企业" in response.content.decode()
    response = client_for("office").get(reverse("registry:list", args=["enterprise-years"]) + "?year=2020")
    assert "年度数据企业" not in response.content.decode()


def test_the_talent_list_and_its_exports_show_id_numbers_masked(plan, personas, client_for):
    talent = f.talent(name="演示人才甲", number=f.id_number(11), phone="13912345678")
    client = client_for("office")
    page = client.get(reverse("registry:list", args=["talents"])).content.decode()
    assert talent.id_number_masked in page and talent.id_number not in page
    rows = _csv_rows(client.get(reverse("registry:export", args=["talents"]) + "?format=csv"))
    assert rows[0][:3] == ["姓名", "身份证号码", "联系电话"]
    assert rows[1][:3] == ["演示人才甲", talent.id_number_masked, "139****5678"]
    cells = _xlsx_names(client.get(reverse("registry:export", args=["talents"])))
    assert talent.id_number_masked in cells and talent.id_number not in cells


def test_the_list_sorts_by_a_column_and_pages_by_fifty_whatever_the_url_asks(plan, personas, client_for):
    town = Unit.objects.get(name="武胜关镇")
    for i in range(55):
        f.enterprise(name=f"排序企业{i:02d}", town=town)
    client = client_for("office")
    url = reverse("registry:list", args=["enterprises"])
    page = client.get(f"{url}?sort=-name&per_page=1000").content.decode()
    assert "排序企业54" in page and "排序企业00" not in page and "第 1 / 2 页" in page
    assert page.index("排序企业54") < page.index("排序企业53")
    last = client.get(f"{url}?sort=-name&page=99").content.decode()  # out of range: the last page
    assert "排序企业00" in last and "第 2 / 2 页" in last
    assert client.get(f"{url}?sort=no_such_column").status_code == 200


def test_every_registry_has_a_filterset_and_a_table_declared_from_its_config():
    for key, cfg in REGISTRIES.items():
        assert set(cfg.filters) | {"q"} == set(FILTERSETS[key].base_filters), key
        assert list(TABLES[key].base_columns) == list(cfg.list_fields), key


def test_a_list_cell_is_escaped_and_a_date_reads_in_chinese(plan, personas, client_for):
    town = Unit.objects.get(name="武胜关镇")
    f.enterprise(name="演示<b>粗体</b>有限公司", town=town, registered_on=dt.date(2015, 3, 5), uscc_warning=True)
    page = client_for("office").get(reverse("registry:list", args=["enterprises"])).content.decode()
    assert "<td>演示&lt;b&gt;粗体&lt;/b&gt;有限公司</td>" in page and "<b>粗体" not in page
    assert "<td>2015年3月5日</td>" in page and "待核实</span></td>" in page


def test_every_registry_list_loads_its_rows_in_one_query_not_one_per_row(plan, personas, client_for):
    """The rows load only the columns their cells show: a cell reading a column left out would load it row by row
    (a page of fifty demo rows: fifty more queries)."""
    demo.generate(plan, random.Random(2022))
    client = client_for("office")
    for key, cfg in REGISTRIES.items():
        rows = f'SELECT {connection.ops.quote_name(cfg.model._meta.db_table)}."id"'
        with CaptureQueriesContext(connection) as queries:
            response = client.get(reverse("registry:list", args=[key]))
        assert response.status_code == 200, key
        loads = [q["sql"] for q in queries if q["sql"].startswith(rows)]
        assert len(loads) < 5, (key, len(loads), loads[-1][:300])


def test_the_town_filter_offers_the_towns_of_the_users_own_city_not_another_countys(plan, personas):
    office = personas["office"]
    other_city = Unit.objects.create(code="fl-city", name="邻县", kind=UnitKind.CITY)
    Unit.objects.create(code="fl-town", name="邻县某镇", kind=UnitKind.TOWN, parent=other_city)
    names = {name for _pk, name in unit_choices(office)}
    assert "武胜关镇" in names and "杨寨镇" in names and "邻县某镇" not in names
    # A tree with no towns of its own (a unit outside any city) still offers every town.
    loose = Unit.objects.create(code="fl-dept", name="独立单位", kind=UnitKind.DEPARTMENT)
    office.unit = loose
    assert {"武胜关镇", "邻县某镇"} <= {name for _pk, name in unit_choices(office)}
