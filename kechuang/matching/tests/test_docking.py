"""对接 records: recording from a match, the workflow, the achievement-transfer record, scope."""

import io
from decimal import InvalidOperation

import openpyxl
import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from kechuang.audit.models import AuditEvent
from kechuang.matching import engine, services
from kechuang.matching.choices import DockingStatus
from kechuang.matching.models import Docking
from kechuang.policy.tests.factories import enterprise, unit_of
from kechuang.registry.models import Achievement, AchievementTransfer, Demand, Expert

pytestmark = pytest.mark.django_db


def _demand(personas, persona="town", title="锂电池隔膜涂覆工艺改进"):
    ent = enterprise(unit_of(personas, persona))
    return Demand.objects.create(enterprise=ent, title=title, keywords="锂电池 隔膜 涂覆",
                                 description="隔膜涂层不均匀，需要改进涂布工艺", field="新能源")


def _achievement():
    return Achievement.objects.create(title="锂离子电池隔离膜陶瓷涂层技术", institution="某大学",
                                      keywords="锂离子电池 隔离膜 涂层", field="新能源", description="陶瓷涂布均匀")


def test_a_successful_docking_of_an_achievement_creates_the_transfer_record(personas):
    demand, ach = _demand(personas), _achievement()
    d = services.record_docking(demand, user=personas["town"], achievement=ach, matched_terms=["锂电池"])
    d = services.update_docking(d, DockingStatus.CONTACTED, user=personas["town"])
    d = services.update_docking(d, DockingStatus.SUCCEEDED, user=personas["town"], outcome="签订技术转让合同",
                                amount="500000", way="技术转让")
    transfer = AchievementTransfer.objects.get()
    assert d.transfer == transfer
    assert transfer.enterprise == demand.enterprise and transfer.title == ach.title
    assert transfer.source_institution == "某大学" and str(transfer.amount) == "500000.00"
    assert AuditEvent.objects.filter(action="registry.transfer.create").count() == 1
    assert d.history.count() == 3


def test_a_successful_docking_with_an_expert_creates_no_transfer(personas):
    expert = Expert.objects.create(name="王建国", institution="某大学", keywords="锂离子电池")
    d = services.record_docking(_demand(personas), user=personas["office"], expert=expert)
    services.update_docking(d, DockingStatus.SUCCEEDED, user=personas["office"])
    assert AchievementTransfer.objects.count() == 0


def test_an_invalid_amount_leaves_the_docking_and_the_transfers_unchanged(personas):
    d = services.record_docking(_demand(personas), user=personas["town"], achievement=_achievement())
    with pytest.raises(InvalidOperation):
        services.update_docking(d, DockingStatus.SUCCEEDED, user=personas["town"], amount="not-a-number")
    d.refresh_from_db()
    assert d.status == DockingStatus.PROPOSED and AchievementTransfer.objects.count() == 0


def test_final_states_cannot_move_and_other_towns_cannot_record(personas):
    demand, ach = _demand(personas), _achievement()
    with pytest.raises(ValidationError):
        services.record_docking(demand, user=personas["town_b"], achievement=ach)
    with pytest.raises(ValidationError):
        services.record_docking(demand, user=personas["dept"], achievement=ach)
    d = services.record_docking(demand, user=personas["town"], achievement=ach)
    with pytest.raises(ValidationError):
        services.record_docking(demand, user=personas["town"], achievement=ach)  # already recorded
    d = services.update_docking(d, DockingStatus.FAILED, user=personas["town"])
    with pytest.raises(ValidationError):
        services.update_docking(d, DockingStatus.SUCCEEDED, user=personas["town"])


def test_the_matches_page_highlights_matched_terms_and_records_a_docking(client_for, personas):
    demand, ach = _demand(personas), _achievement()
    Achievement.objects.create(title="铅酸蓄电池板栅合金", institution="另一大学", keywords="铅酸电池 板栅")
    c = client_for("town")
    body = c.get(reverse("matching:demand_matches", kwargs={"pk": demand.pk})).content.decode()
    assert "<mark>隔离膜</mark>" in body and "锂离子电池隔离膜陶瓷涂层技术" in body.replace("<mark>", "").replace(
        "</mark>", "")
    r = c.post(reverse("matching:docking_create", kwargs={"pk": demand.pk}),
               {"kind": "achievement", "target": ach.pk, "score": "3.2", "terms": "锂电池 隔膜"})
    assert r.status_code == 302
    d = Docking.objects.get()
    assert d.matched_terms == ["锂电池", "隔膜"] and d.created_by == personas["town"]


def test_the_index_is_rebuilt_when_the_data_changes(personas):
    demand = _demand(personas)
    assert engine.match_demand(demand)["achievement"] == []
    ach = _achievement()
    hits = engine.match_demand(demand)["achievement"]
    assert [h.pk for h in hits] == [ach.pk]
    ach.title = "完全不同的成果"
    ach.keywords = "茶叶"
    ach.description = "茶多酚"
    ach.field = "农业"
    ach.save()
    assert engine.match_demand(demand)["achievement"] == []


def test_docking_list_and_export_are_scoped(client_for, personas):
    mine = services.record_docking(_demand(personas, "town", "本镇需求"), user=personas["town"],
                                   achievement=_achievement())
    services.record_docking(_demand(personas, "town_b", "他镇需求"), user=personas["town_b"],
                            achievement=Achievement.objects.create(title="另一成果", institution="某院"))
    body = client_for("town").get(reverse("matching:docking_list")).content.decode()
    assert "本镇需求" in body and "他镇需求" not in body
    resp = client_for("town").get(reverse("matching:docking_export"))
    ws = openpyxl.load_workbook(io.BytesIO(resp.content)).active
    rows = [[c.value for c in r] for r in ws.iter_rows(min_row=2)]
    assert len(rows) == 1 and rows[0][0] == "本镇需求"
    assert AuditEvent.objects.filter(action="matching.export", username="town").exists()
    assert client_for("town_b").get(reverse("matching:docking_detail", kwargs={"pk": mine.pk})).status_code == 404
    api = client_for("town").get(reverse("api:matching_dockings")).json()
    assert [d["demand"] for d in api] == ["本镇需求"]
