"""A key held outside the user's jurisdiction: the same neutral message at every door, nothing about the other
record, and one work item for the office."""

import json

import pytest

from kechuang.audit.models import AuditEvent
from kechuang.registry.config import get_registry
from kechuang.registry.conflicts import HIDDEN_MESSAGE
from kechuang.registry.forms import registry_form_class
from kechuang.registry.importing import columns_for, run_import
from kechuang.registry.models import Enterprise, KeyConflict, Talent
from kechuang.registry.tests import factories as f
from kechuang.registry.tests import xlsx

pytestmark = pytest.mark.django_db


def _talent_file(rows):
    labels = {c.name: c.header for c in columns_for(get_registry("talents"))}
    headers = [labels[n] for n in ("name", "id_number", "category", "employer")]
    return xlsx.workbook_bytes(rows, headers=headers, sheet="科技人才")


def _other_towns_talent(personas):
    employer = f.enterprise(name="杨寨演示机械有限公司", town=personas["town_b"].unit)
    return f.talent(name="王秘密", employer=employer, number=f.id_number(77))


def _reveals(text: str, talent) -> bool:
    return any(s in text for s in (talent.name, talent.employer.name, "杨寨", "已存在", "已登记", "重复"))


def test_a_town_importing_an_id_number_held_in_another_town_learns_nothing_and_the_office_is_told(plan, personas):
    hidden = _other_towns_talent(personas)
    own = f.enterprise(town=personas["town"].unit)
    data = _talent_file([["张三", f.id_number(77), "高端人才", own.uscc]])
    result = run_import("talents", data, personas["town"], commit=True)
    assert not result.ok
    err = result.errors[0]
    assert (err.row, err.reason) == (2, HIDDEN_MESSAGE)
    assert not _reveals(str(err), hidden)
    assert Talent.objects.count() == 1 and Talent.objects.get().name == "王秘密"
    conflict = KeyConflict.objects.get()
    assert (conflict.registry, conflict.record_id, conflict.unit, conflict.source) == (
        "talents", hidden.pk, personas["town"].unit, "import")
    assert AuditEvent.objects.filter(action="registry.conflict", user=personas["town"]).count() == 1
    # Validating the same file again files no second work item.
    run_import("talents", data, personas["town"], commit=False)
    assert KeyConflict.objects.count() == 1


def test_an_id_number_the_user_may_see_keeps_its_precise_message(plan, personas):
    own = f.enterprise(town=personas["town"].unit)
    f.talent(name="李四", employer=own, number=f.id_number(78))
    client_form = {"name": "李四二", "id_number": f.id_number(78), "category": "高端人才", "employer": own.uscc}
    form = registry_form_class(get_registry("talents"), personas["town"], None)(data=client_form)
    assert not form.is_valid()
    assert form.errors["id_number"] == ["已有相同身份证号码的记录"]
    assert form.hidden_conflicts == [] and KeyConflict.objects.count() == 0


def test_the_web_form_and_the_api_give_the_same_neutral_answer(plan, personas, client_for):
    hidden = _other_towns_talent(personas)
    other_ent = hidden.employer
    own = f.enterprise(town=personas["town"].unit)
    town = client_for("town")
    page = town.post(
        "/registry/talents/new/",
        {"name": "张三", "id_number": f.id_number(77), "category": "高端人才", "employer": own.uscc},
    )
    assert page.status_code == 200
    html = page.content.decode()
    assert HIDDEN_MESSAGE in html and not _reveals(html.replace("杨寨镇", ""), hidden)
    # A USCC held in another town, through the API with the town's token.
    api = town.post(
        "/api/registry/rows/enterprises",
        data=json.dumps({"uscc": other_ent.uscc, "name": "冒名公司"}),
        content_type="application/json",
    )
    assert api.status_code == 422
    assert HIDDEN_MESSAGE in api.json()["detail"] and other_ent.name not in api.json()["detail"]
    assert Enterprise.objects.get(uscc=other_ent.uscc).name == "杨寨演示机械有限公司"
    assert sorted(KeyConflict.objects.values_list("source", flat=True)) == ["api", "form"]


def test_only_the_office_sees_and_settles_conflicts(plan, personas, client_for):
    hidden = _other_towns_talent(personas)
    run_import("talents", _talent_file([["张三", f.id_number(77), "高端人才", ""]]), personas["town"])
    conflict = KeyConflict.objects.get()
    for name in ("town", "town_b", "leader", "dept"):
        assert client_for(name).get("/registry/conflicts/").status_code == 404
    office = client_for("office")
    page = office.get("/registry/conflicts/").content.decode()
    assert "王秘密" in page and "武胜关镇" in page
    assert "有 1 条登记冲突待核对" in office.get("/registry/").content.decode()
    assert client_for("town").post(f"/registry/conflicts/{conflict.pk}/resolve/").status_code == 404
    office.post(f"/registry/conflicts/{conflict.pk}/resolve/", {"note": "系本人调动，已转入武胜关镇"})
    conflict.refresh_from_db()
    assert conflict.resolved_by == personas["office"] and conflict.note.startswith("系本人调动")
    assert "暂无待处理" in office.get("/registry/conflicts/").content.decode()
    assert AuditEvent.objects.filter(action="registry.conflict_resolved").count() == 1
    assert hidden.pk == conflict.record_id
