"""Completeness and timeliness per unit and period: on time, late, missing, draft; rates over the year."""

import datetime as dt

import pytest

from kechuang.reporting import services

from .helpers import at, filled, period, task, unit

pytestmark = pytest.mark.django_db


def _submit_all(plan, user, month, when):
    p = period(plan, month)
    for t, _role in services.unit_task_roles(plan, user.unit):
        row, _ = services.ensure_task_report(plan, t, user.unit, p, user=user)
        filled(row, user)
        services.submit(row, user=user, now=when)


def test_units_are_on_time_late_missing_or_draft(plan, personas):
    may = period(plan, 5)  # due 2022-06-05
    _submit_all(plan, personas["town"], 5, at(dt.date(2022, 6, 5), 23))
    _submit_all(plan, personas["town_b"], 5, at(dt.date(2022, 6, 7)))
    zone = personas["zone"]
    row, _ = services.ensure_task_report(plan, task(plan), zone.unit, may, user=zone)
    status = services.unit_period_status(plan, may, as_of=dt.date(2022, 6, 10))
    assert status[unit("武胜关镇").pk] == "on_time"
    assert status[unit("杨寨镇").pk] == "late"
    assert status[unit("经济开发区").pk] == "draft"
    assert status[unit("马坪镇").pk] == "missing"
    # Seen from the due date, the late unit had not submitted yet.
    assert services.unit_period_status(plan, may, as_of=dt.date(2022, 6, 5))[unit("杨寨镇").pk] == "draft"


def test_a_units_own_cells_read_by_themselves_match_the_plans_matrix(plan, personas):
    """The to-do badge reads one unit's rows only; its states are the completeness page's for that unit."""
    may = period(plan, 5)
    _submit_all(plan, personas["town"], 5, at(dt.date(2022, 6, 5), 23))
    _submit_all(plan, personas["town_b"], 5, at(dt.date(2022, 6, 7)))
    zone = personas["zone"]
    services.ensure_task_report(plan, task(plan), zone.unit, may, user=zone)
    periods = [period(plan, m) for m in (4, 5, 6)]
    for as_of in (dt.date(2022, 6, 5), dt.date(2022, 6, 10)):
        whole = services.status_matrix(plan, periods, as_of)
        for name in ("武胜关镇", "杨寨镇", "经济开发区", "马坪镇"):
            u = unit(name)
            own = services.status_matrix(plan, periods, as_of, unit_ids=[u.pk])
            assert own == {k: v for k, v in whole.items() if k[1] == u.pk} and len(own) == 3
    assert {whole[(may.pk, unit(n).pk)] for n in ("武胜关镇", "杨寨镇", "经济开发区", "马坪镇")} == {
        "on_time", "late", "draft", "missing"}


def test_a_partial_submission_is_not_complete(plan, personas):
    town = personas["town"]
    row, _ = services.ensure_task_report(plan, task(plan), town.unit, period(plan, 5), user=town)
    filled(row, town)
    services.submit(row, user=town, now=at(dt.date(2022, 6, 1)))
    assert services.unit_period_status(plan, period(plan, 5), dt.date(2022, 6, 9))[town.unit.pk] == "draft"


def test_timeliness_rates_over_the_year(plan, personas):
    town = personas["town"]
    _submit_all(plan, town, 1, at(dt.date(2022, 2, 3)))
    _submit_all(plan, town, 2, at(dt.date(2022, 3, 9)))
    rates = services.timeliness(plan, 2022, 4, as_of=dt.date(2022, 5, 10))
    mine = rates[town.unit.pk]
    assert (mine["on_time"], mine["late"], mine["missing"], mine["months"]) == (1, 1, 2, 4)
    assert mine["on_time_rate"] == 0.25 and mine["submitted_rate"] == 0.5
    # A month not yet due does not count.
    assert services.timeliness(plan, 2022, 4, as_of=dt.date(2022, 5, 5))[town.unit.pk]["months"] == 3
