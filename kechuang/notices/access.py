from kechuang.core.access import ALL_PERSONAS, Route


def _channel(ctx):
    from kechuang.notices.models import Channel, ChannelKind

    channel, _ = Channel.objects.get_or_create(name="办公室工作群", defaults={"kind": ChannelKind.WECOM,
                                                                       "url": "http://127.0.0.1:9/robot"})
    return {"pk": channel.pk}


ROUTES = [
    Route("notices:notice_list", allow=ALL_PERSONAS),
    Route("notices:mark_read", allow=ALL_PERSONAS, method="POST", ok=(302,)),
    Route("notices:channel_list", allow={"office"}),
    Route("notices:channel_new", allow={"office"}),
    Route("notices:channel_edit", allow={"office"}, kwargs=_channel),
    Route("notices:channel_edit", allow={"office"}, kwargs=_channel, method="POST", ok=(302,),
          data={"kind": "dingtalk", "name": "办公室工作群", "url": "http://127.0.0.1:9/robot", "enabled": "on"},
          note="save"),
    Route("notices:channel_test", allow={"office"}, kwargs=_channel, method="POST", ok=(302,)),
]
