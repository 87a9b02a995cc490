"""The high-tech pipeline: stage changes only through the service, with history and events."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from kechuang.audit.models import AuditEvent
from kechuang.core.concurrency import ConflictError
from kechuang.policy import services
from kechuang.policy.choices import Stage
from kechuang.policy.models import CultivationEntry

from .factories import enterprise, unit_of

pytestmark = pytest.mark.django_db


def test_an_entry_moves_through_the_pipeline_with_an_event_per_move(personas):
    ent = enterprise(unit_of(personas, "town"))
    user = personas["town"]
    entry = services.add_to_pool(ent, 2022, user=user, note="重点培育")
    for stage in (Stage.APPLYING, Stage.RECOGNISED, Stage.VALID):
        entry = services.change_stage(entry, stage, user=user)
    assert entry.stage == Stage.VALID and entry.version == 4
    assert [e.to_stage for e in entry.events.order_by("id")] == ["pool", "applying", "recognised", "valid"]
    assert entry.history.count() == 4
    assert AuditEvent.objects.filter(action="policy.cultivation.stage").count() == 3


def test_a_move_not_in_the_pipeline_is_refused(personas):
    entry = services.add_to_pool(enterprise(unit_of(personas, "town")), 2022, user=personas["office"])
    with pytest.raises(ValidationError):
        services.change_stage(entry, Stage.VALID, user=personas["office"])
    entry.refresh_from_db()
    assert entry.stage == Stage.POOL and entry.events.count() == 1


def test_a_stale_version_is_a_conflict(personas):
    entry = services.add_to_pool(enterprise(unit_of(personas, "town")), 2022, user=personas["office"])
    services.change_stage(entry, Stage.APPLYING, user=personas["office"])
    with pytest.raises(ConflictError):
        services.change_stage(entry, Stage.RECOGNISED, user=personas["office"], expected_version=1)


def test_another_town_cannot_add_or_move_an_enterprise(personas):
    ent = enterprise(unit_of(personas, "town"))
    with pytest.raises(ValidationError):
        services.add_to_pool(ent, 2022, user=personas["town_b"])
    entry = services.add_to_pool(ent, 2022, user=personas["town"])
    with pytest.raises(ValidationError):
        services.change_stage(entry, Stage.APPLYING, user=personas["town_b"])
    with pytest.raises(ValidationError):
        services.change_stage(entry, Stage.APPLYING, user=personas["leader"])


def test_an_enterprise_is_in_the_pool_once_per_year(personas):
    ent = enterprise(unit_of(personas, "town"))
    services.add_to_pool(ent, 2022, user=personas["office"])
    with pytest.raises(ValidationError):
        services.add_to_pool(ent, 2022, user=personas["office"])
    assert CultivationEntry.objects.filter(enterprise=ent).count() == 1


def test_the_board_page_changes_a_stage_through_the_form(client_for, personas):
    entry = services.add_to_pool(enterprise(unit_of(personas, "town"), "看板企业"), 2022, user=personas["town"])
    c = client_for("town")
    board = c.get(reverse("policy:board") + "?year=2022").content.decode()
    assert "看板企业" in board
    r = c.post(reverse("policy:entry_stage", kwargs={"pk": entry.pk}), {"to_stage": "applying", "version": 1})
    assert r.status_code == 302
    entry.refresh_from_db()
    assert entry.stage == Stage.APPLYING
    assert client_for("town_b").get(reverse("policy:entry_detail", kwargs={"pk": entry.pk})).status_code == 404
