"""The demo gives every role's bell something to read, raised by the normal workflows (not written as rows)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.management import call_command
from django.test import Client

from kechuang.accounts.models import User
from kechuang.notices.models import Notice, Receipt
from kechuang.notices.services import unread_count

pytestmark = pytest.mark.django_db


# Slow by nature (~10 s): loads the whole demo a second time (the first load is shared, see conftest.demo_data).
def test_demo_rings_every_roles_bell_with_what_that_role_must_act_on(demo_data):

    def kinds(username):
        return set(Receipt.objects.filter(user__username=username).values_list("notice__kind", flat=True))

    assert "returned" in kinds("yangzhai")  # the demo town's returned report
    assert "urging" in kinds("wsg")  # a late town urged (催办)
    assert {"order_issued", "order_due"} <= kinds("kjj")  # the lead unit's new 督办单, its reply overdue
    assert "order_replied" in kinds("office")  # a unit answered a 督办单 the office must close
    assert "bulletin_issued" in kinds("leader")  # the issued quarterly bulletins
    for username in ("yangzhai", "kjj", "office", "leader"):
        assert unread_count(User.objects.get(username=username)) > 0, username
    # Dated on the demo's calendar (up to 8 October of the plan year), not today.
    dates = {n.created.astimezone(dt.UTC).date() for n in Notice.objects.all()}
    assert min(dates) >= dt.date(2022, 2, 1) and max(dates) <= dt.date(2022, 10, 8)
    # Nobody reads another unit's notices: the town sees only its own.
    town = User.objects.get(username="yangzhai")
    assert set(Receipt.objects.filter(user=town).values_list("notice__unit", flat=True)) == {town.unit_id}
    # The bell in the page shows the count, for the leader too.
    client = Client()
    client.force_login(User.objects.get(username="leader"))
    page = client.get("/notices/").content.decode()
    assert "季度通报" in page and "已印发" in page

    # Loading the demo again does not repeat these notices.
    def events():
        return sorted(Notice.objects.exclude(kind="urging").values_list("kind", "title"))

    before = events()
    call_command("demo", "--quiet")
    assert events() == before
