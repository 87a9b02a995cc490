from kechuang.core.access import ALL_PERSONAS, Route
from kechuang.notices.models import Channel, ChannelKind, Receipt
from kechuang.notices.services import notify


def _channel(ctx):
    channel, _ = Channel.objects.get_or_create(name="办公室工作群", defaults={"kind": ChannelKind.WECOM,
                                                                       "url": "http://127.0.0.1:9/robot"})
    return {"pk": channel.pk}


def _notices_for_everyone(ctx):
    """One notice for each persona's unit (the office's for unit-less personas), raised once per test database."""
    for user in ctx.users.values():
        if not Receipt.objects.filter(user=user).exists():
            notice = notify("other", unit=None, title=f"测试通知 {user.username}", key=f"access:{user.username}")
            if notice:
                Receipt.objects.filter(notice=notice).exclude(user=user).delete()
                Receipt.objects.get_or_create(notice=notice, user=user)
    return {}


def _my_receipts(ctx, persona):
    return set(Receipt.objects.filter(user=ctx.users[persona]).values_list("pk", flat=True))


ROUTES = [
    Route("notices:notice_list", allow=ALL_PERSONAS),
    # Marking one's own notices read sets read times on receipts (messages keep no history): nothing the
    # row-count fingerprint can see; tests/test_notices.py checks the receipts.
    Route("notices:mark_read", allow=ALL_PERSONAS, method="POST", ok=(302,), kwargs=_notices_for_everyone,
          changes=False, note="receipts only"),
    Route("notices:channel_list", allow={"office"}),
    Route("notices:channel_new", allow={"office"}),
    Route("notices:channel_edit", allow={"office"}, kwargs=_channel),
    Route("notices:channel_edit", allow={"office"}, kwargs=_channel, method="POST", ok=(302,),
          data={"kind": "dingtalk", "name": "办公室工作群", "url": "http://127.0.0.1:9/robot", "enabled": "on"},
          note="save"),
    Route("notices:channel_test", allow={"office"}, kwargs=_channel, method="POST", ok=(302,)),
    Route("api:list_notices", allow=ALL_PERSONAS, kwargs=_notices_for_everyone, rows=_my_receipts),
    # The matrix posts a form, not JSON: the API refuses the body (400); the JSON case is in tests/test_notices.py.
    Route("api:mark_notices_read", allow=ALL_PERSONAS, method="POST", ok=(400,), changes=False, note="no body"),
]
