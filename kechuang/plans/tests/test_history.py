"""Every change to a data model writes exactly one history row, with who made it."""

import pytest
from django.apps import apps

from kechuang.plans.models import Indicator


@pytest.mark.django_db
def test_one_edit_writes_exactly_one_history_row_with_the_user(client_for, personas):
    indicator = Indicator.objects.get(code="HNTE_NEW")
    before = indicator.history.count()
    indicator.target = 12
    indicator._history_user = personas["office"]
    indicator.save()
    assert indicator.history.count() == before + 1
    latest = indicator.history.first()
    assert latest.history_user == personas["office"] and latest.target == 12
    assert latest.prev_record.target == 10


@pytest.mark.django_db
def test_every_concrete_data_model_keeps_history(plan):
    untracked = []
    # The log itself; secrets; flags; data-quality runs and their violations (computed from stored rows and
    # replaced by the next run, like a job); notices, their read receipts and send attempts (messages, not data;
    # each send is audited).
    exempt = {"AuditEvent", "APIToken", "SystemFlag", "QualityRun", "Violation", "Notice", "Receipt", "Delivery"}
    for model in apps.get_models():
        if not model.__module__.startswith("kechuang.") or model.__name__.startswith("Historical"):
            continue
        # Event rows are themselves the history of a workflow (append-only); job rows track a run.
        if model._meta.auto_created or model.__name__ in exempt or model.__name__.endswith(("Event", "Job")):
            continue
        if not hasattr(model, "history"):
            untracked.append(model._meta.label)
    assert not untracked, f"models without history: {untracked}"
