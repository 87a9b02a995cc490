"""Notices: every kind reaches the notice centre and, through the office's channels, a real local HTTP receiver."""

from __future__ import annotations

import datetime as dt
import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from django.core import mail
from django.urls import reverse

from kechuang.audit.models import AuditEvent
from kechuang.notices import services
from kechuang.notices.models import Channel, ChannelKind, Delivery, DeliveryStatus, Notice, NoticeKind, Receipt
from kechuang.plans.models import Indicator
from kechuang.reporting import services as reporting
from kechuang.reporting.tests.helpers import filled, submitted_town_report, town_report
from kechuang.supervision import services as supervision

pytestmark = pytest.mark.django_db


class Receiver:
    """A local webhook receiver: records each POST (path and JSON body); answers like a robot, or fails on demand."""

    def __init__(self):
        self.posts: list[tuple[str, dict]] = []
        self.fail_with: int | None = None
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):  # noqa: N802 - http.server's naming
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                receiver.posts.append((self.path, json.loads(body.decode("utf-8"))))
                status = receiver.fail_with or 200
                answer = json.dumps({"errcode": 0 if status == 200 else 500, "errmsg": "ok"}).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.end_headers()
                self.wfile.write(answer)

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"

    def bodies(self, path):
        return [body for p, body in self.posts if p == path]


@pytest.fixture
def receiver():
    rx = Receiver()
    thread = threading.Thread(target=rx.server.serve_forever, daemon=True)  # threads are allowed in tests only
    thread.start()
    yield rx
    rx.server.shutdown()
    rx.server.server_close()


@pytest.fixture
def robots(plan, receiver):
    """Plan-wide WeCom and DingTalk robots and an SMS gateway, all pointing at the local receiver."""
    Channel.objects.create(kind=ChannelKind.WECOM, name="企业微信群", plan=plan, url=receiver.url + "/wecom")
    Channel.objects.create(kind=ChannelKind.DINGTALK, name="钉钉群", plan=plan, url=receiver.url + "/dingtalk")
    Channel.objects.create(kind=ChannelKind.SMS, name="短信", plan=plan, url=receiver.url + "/sms",
                           template='{"phone": "{mobile}", "msg": "{content}", "sign": "科创督办"}')
    return receiver


def test_every_notice_kind_is_posted_to_the_robots_and_the_sms_gateway_as_they_expect(
        plan, personas, robots, django_capture_on_commit_callbacks):
    town = personas["town"]
    town.phone = "13800000001"
    town.save()
    with django_capture_on_commit_callbacks(execute=True):
        # 报告退回 and 报告通过 (the lead unit reviews the town's report).
        returned = submitted_town_report(plan, personas, month=5)
        reporting.return_for_revision(returned, user=personas["lead"], reason="进展数字与佐证不符")
        approved = submitted_town_report(plan, personas, month=6)
        reporting.approve(approved, user=personas["lead"])
        # 督办单下发, then its reply falls due; the tick's reminders and urging notices.
        indicator = Indicator.objects.get(plan=plan, code="HNTE_NEW")
        order = supervision.issue_order(plan, indicator, town.unit, "高企培育进度滞后", dt.date(2022, 8, 15),
                                        personas["office"], issued_on=dt.date(2022, 8, 1))
        supervision.remind_replies(plan, dt.date(2022, 8, 12))
        supervision.send_notices(plan, dt.date(2022, 7, 1))  # June due soon, May overdue
    town_kinds = set(Notice.objects.filter(unit=town.unit).values_list("kind", flat=True))
    assert town_kinds == {NoticeKind.RETURNED, NoticeKind.APPROVED, NoticeKind.ORDER_ISSUED, NoticeKind.ORDER_DUE,
                          NoticeKind.REMINDER, NoticeKind.URGING}

    titles = {n.kind: n.title for n in Notice.objects.filter(unit=town.unit)}
    wecom = {b["markdown"]["content"].split("\n")[0] for b in robots.bodies("/wecom")}
    ding = robots.bodies("/dingtalk")
    for kind, title in titles.items():
        assert f"**{title}**" in wecom, kind
        assert any(b["markdown"]["title"] == title for b in ding), kind
    for body in robots.bodies("/wecom"):
        assert set(body) == {"msgtype", "markdown"} and body["msgtype"] == "markdown"
        assert set(body["markdown"]) == {"content"}
    for body in ding:
        assert body["msgtype"] == "markdown" and set(body["markdown"]) == {"title", "text"}
        assert body["markdown"]["text"].startswith(f"**{body['markdown']['title']}**")
    returned_post = next(b for b in robots.bodies("/wecom") if "被退回" in b["markdown"]["content"])
    assert "退回原因：进展数字与佐证不符" in returned_post["markdown"]["content"]
    assert f"(/supervision/orders/{order.pk}/)" in next(
        b["markdown"]["content"] for b in robots.bodies("/wecom") if "督办单" in b["markdown"]["content"])

    # The SMS gateway got the template filled for the town's reporter, once per town notice.
    sms = [b for b in robots.bodies("/sms") if b["phone"] == "13800000001"]
    assert len(sms) == len(titles)
    assert all(b["sign"] == "科创督办" and b["msg"].startswith("【科创督办】") for b in sms)
    assert any("进展数字与佐证不符" in b["msg"] for b in sms)

    deliveries = Delivery.objects.filter(notice__unit=town.unit)
    assert set(deliveries.values_list("status", flat=True)) == {DeliveryStatus.SENT}
    audited = AuditEvent.objects.filter(action="notices.delivery.sent").count()
    assert audited == Delivery.objects.filter(status=DeliveryStatus.SENT).count()


def test_a_unit_channel_gets_only_its_unit_and_the_chosen_kinds(plan, personas, receiver,
                                                                django_capture_on_commit_callbacks):
    Channel.objects.create(kind=ChannelKind.DINGTALK, name="杨寨镇群", unit=personas["town_b"].unit,
                           url=receiver.url + "/b", kinds="returned")
    with django_capture_on_commit_callbacks(execute=True):
        reporting.return_for_revision(submitted_town_report(plan, personas), user=personas["lead"], reason="补充")
        services.notify(NoticeKind.RETURNED, unit=personas["town_b"].unit, plan=plan, title="杨寨镇报告被退回")
        services.notify(NoticeKind.APPROVED, unit=personas["town_b"].unit, plan=plan, title="杨寨镇报告已通过")
    assert [b["markdown"]["title"] for b in receiver.bodies("/b")] == ["杨寨镇报告被退回"]


def test_a_failing_webhook_is_retried_up_to_the_limit_and_each_attempt_audited(
        plan, personas, receiver, django_capture_on_commit_callbacks):
    from django_q.models import Schedule

    receiver.fail_with = 500
    Channel.objects.create(kind=ChannelKind.WECOM, name="企业微信群", plan=plan, url=receiver.url + "/wecom")
    with django_capture_on_commit_callbacks(execute=True):
        notice = services.notify(NoticeKind.OTHER, unit=personas["town"].unit, plan=plan, title="测试")
    delivery = Delivery.objects.get(notice=notice)
    assert delivery.status == DeliveryStatus.RETRYING and delivery.attempts == 1
    assert "HTTP 500" in delivery.last_error
    retry = Schedule.objects.get(func=services.DELIVER, args=f"({delivery.pk},)")
    assert retry.schedule_type == Schedule.ONCE
    # The worker runs the scheduled retries; here they are run as it would.
    assert services.deliver(delivery.pk) == DeliveryStatus.RETRYING
    assert services.deliver(delivery.pk) == DeliveryStatus.FAILED
    assert services.deliver(delivery.pk) == "skipped"  # no attempt beyond the limit
    assert len(receiver.bodies("/wecom")) == 3
    failures = AuditEvent.objects.filter(action="notices.delivery.failed", object_id=str(delivery.pk))
    assert failures.count() == 3 and failures.filter(result=AuditEvent.Result.FAILURE).count() == 3
    receiver.fail_with = None
    assert services.deliver(delivery.pk) == "skipped"  # a failed delivery stays failed


def test_email_channel_mails_the_units_reporters(plan, personas, django_capture_on_commit_callbacks):
    personas["town"].email = "town@example.org"
    personas["town"].save()
    Channel.objects.create(kind=ChannelKind.EMAIL, name="邮件", plan=plan, recipients="office@example.org")
    with django_capture_on_commit_callbacks(execute=True):
        services.notify(NoticeKind.ORDER_ISSUED, unit=personas["town"].unit, plan=plan, title="督办单〔2022〕第1号",
                        body="请按时反馈", link="/supervision/orders/1/")
    assert len(mail.outbox) == 1
    assert sorted(mail.outbox[0].to) == ["office@example.org", "town@example.org"]
    assert mail.outbox[0].subject == "【科创督办】督办单〔2022〕第1号"


def test_notice_centre_shows_only_my_notices_and_marks_them_read(plan, personas, client_for):
    services.notify(NoticeKind.RETURNED, unit=personas["town"].unit, plan=plan, title="武胜关镇报告被退回",
                    link="/reporting/")
    services.notify(NoticeKind.RETURNED, unit=personas["town_b"].unit, plan=plan, title="杨寨镇报告被退回")
    town = client_for("town")
    page = town.get(reverse("notices:notice_list")).content.decode()
    assert "武胜关镇报告被退回" in page and "杨寨镇报告被退回" not in page
    assert 'data-testid="unread-count">1<' in page
    assert "杨寨镇报告被退回" in client_for("town_b").get(reverse("notices:notice_list")).content.decode()
    assert "武胜关镇" not in client_for("nobody").get(reverse("notices:notice_list")).content.decode().split("<main")[1]
    mine = Receipt.objects.get(user=personas["town"])
    other = Receipt.objects.get(user=personas["town_b"])
    assert town.post(reverse("notices:mark_read"), {"receipt": other.pk}).status_code == 404
    response = town.post(reverse("notices:mark_read"), {"receipt": mine.pk, "open": "1"})
    assert response.status_code == 302 and response["Location"] == "/reporting/"
    mine.refresh_from_db()
    other.refresh_from_db()
    assert mine.read_at is not None and other.read_at is None
    assert 'data-testid="unread-count"' not in town.get(reverse("notices:notice_list")).content.decode()


def test_the_same_key_raises_a_notice_once(plan, personas):
    first = services.notify(NoticeKind.ORDER_DUE, unit=personas["town"].unit, plan=plan, title="到期", key="k1")
    again = services.notify(NoticeKind.ORDER_DUE, unit=personas["town"].unit, plan=plan, title="到期", key="k1")
    assert first is not None and again is None
    assert Notice.objects.filter(key="k1").count() == 1


def test_the_office_configures_channels_and_bad_settings_are_refused_in_chinese(plan, personas, client_for):
    office = client_for("office")
    response = office.post(reverse("notices:channel_new"), {"kind": "sms", "name": "短信网关", "url": "",
                                                            "template": '{"to": {mobile}'})
    page = response.content.decode()
    assert response.status_code == 200 and not Channel.objects.filter(name="短信网关").exists()
    assert "群机器人和短信网关必须填写接口地址" in page and "短信请求模板不是有效的 JSON" in page
    response = office.post(reverse("notices:channel_new"), {
        "kind": "dingtalk", "name": "杨寨镇群", "unit": personas["town_b"].unit.pk, "url": "http://127.0.0.1:9/x",
        "kinds": ["returned", "order_issued"], "enabled": "on"})
    assert response.status_code == 302
    channel = Channel.objects.get(name="杨寨镇群")
    assert channel.kinds == "returned,order_issued" and channel.unit == personas["town_b"].unit
    listing = office.get(reverse("notices:channel_list")).content.decode()
    assert "杨寨镇群" in listing and "报告退回、督办单下发" in listing
    assert client_for("town").get(reverse("notices:channel_list")).status_code == 404
    assert AuditEvent.objects.filter(action="notices.channel.save", object_id=str(channel.pk)).exists()


def test_a_report_returned_inside_a_failed_transaction_raises_no_notice(plan, personas):
    row = filled(town_report(plan, personas), personas["town"])
    with pytest.raises(reporting.WorkflowError):
        reporting.return_for_revision(row, user=personas["lead"], reason="未报送不能退回")
    assert not Notice.objects.exists()


def test_an_urging_notice_is_mailed_once_when_an_email_channel_is_configured(plan, personas,
                                                                              django_capture_on_commit_callbacks):
    personas["town"].email = "town@example.org"
    personas["town"].save()
    Channel.objects.create(kind=ChannelKind.EMAIL, name="邮件", plan=plan)
    with django_capture_on_commit_callbacks(execute=True):
        supervision.tick(plan, dt.date(2022, 7, 6))
    to_town = [m for m in mail.outbox if m.to == ["town@example.org"]]
    assert len(to_town) == 1 and to_town[0].subject == "【科创督办】催办通知"


def test_the_office_sends_a_test_message_through_one_channel(plan, personas, receiver, client_for,
                                                             django_capture_on_commit_callbacks):
    wecom = Channel.objects.create(kind=ChannelKind.WECOM, name="企业微信群", plan=plan, url=receiver.url + "/w")
    Channel.objects.create(kind=ChannelKind.DINGTALK, name="钉钉群", plan=plan, url=receiver.url + "/d")
    office = client_for("office")
    with django_capture_on_commit_callbacks(execute=True):
        response = office.post(reverse("notices:channel_test", args=[wecom.pk]))
    assert response.status_code == 302
    assert [b["markdown"]["content"].split("\n")[0] for b in receiver.bodies("/w")] == ["**通知渠道测试**"]
    assert receiver.bodies("/d") == []
    listing = office.get(reverse("notices:channel_list")).content.decode()
    assert "通知渠道测试" in listing and "已发送" in listing
    assert client_for("town").post(reverse("notices:channel_test", args=[wecom.pk])).status_code == 404


def test_a_signed_dingtalk_robot_gets_timestamp_and_signature_and_long_text_fits(
        plan, personas, receiver, django_capture_on_commit_callbacks):
    import base64
    import hashlib
    import hmac
    from urllib.parse import parse_qs, urlsplit

    secret = "SEC0123456789abcdef"
    Channel.objects.create(kind=ChannelKind.DINGTALK, name="钉钉群", plan=plan, url=receiver.url + "/d",
                           secret=secret)
    Channel.objects.create(kind=ChannelKind.WECOM, name="企业微信群", plan=plan, url=receiver.url + "/w")
    with django_capture_on_commit_callbacks(execute=True):
        services.notify(NoticeKind.RETURNED, unit=personas["town"].unit, plan=plan, title="报告被退回",
                        body="退回原因：" + "进展描述过于简略。" * 800, link="/reporting/")
    (path, body), = [(p, b) for p, b in receiver.posts if p.startswith("/d")]
    query = parse_qs(urlsplit(path).query)
    timestamp, sign = query["timestamp"][0], query["sign"][0]
    expected = base64.b64encode(hmac.new(secret.encode(), f"{timestamp}\n{secret}".encode(), hashlib.sha256).digest())
    assert sign == expected.decode()
    wecom = receiver.bodies("/w")[0]["markdown"]["content"]
    assert len(wecom.encode("utf-8")) <= 4096 and wecom.endswith("[查看详情](/reporting/)") and "……" in wecom
    assert len(body["markdown"]["text"].encode("utf-8")) <= 4096


def test_the_api_lists_my_notices_and_marks_them_read(plan, personas, client_for):
    services.notify(NoticeKind.RETURNED, unit=personas["town"].unit, plan=plan, title="武胜关镇报告被退回")
    services.notify(NoticeKind.APPROVED, unit=personas["town"].unit, plan=plan, title="武胜关镇报告已通过")
    services.notify(NoticeKind.RETURNED, unit=personas["town_b"].unit, plan=plan, title="杨寨镇报告被退回")
    town = client_for("town")
    mine = town.get("/api/notices?unread=true").json()
    assert {n["title"] for n in mine} == {"武胜关镇报告被退回", "武胜关镇报告已通过"}
    assert {n["kind_label"] for n in mine} == {"报告退回", "报告通过"}
    other = Receipt.objects.get(user=personas["town_b"]).pk
    answer = town.post("/api/notices/read", {"ids": [mine[0]["id"], other]}, content_type="application/json").json()
    assert answer == {"marked": 1, "unread": 1}
    assert Receipt.objects.get(pk=other).read_at is None
    assert town.post("/api/notices/read", {}, content_type="application/json").json() == {"marked": 1, "unread": 0}


def test_a_reply_tells_the_office_and_an_issued_bulletin_tells_the_leaders_in_app_and_by_robot(
        plan, personas, robots, django_capture_on_commit_callbacks):
    from kechuang.bulletins import services as bulletins

    town, office = personas["town"], personas["office"]
    indicator = Indicator.objects.get(plan=plan, code="HNTE_NEW")
    with django_capture_on_commit_callbacks(execute=True):
        order = supervision.issue_order(plan, indicator, town.unit, "高企培育进度滞后", dt.date(2022, 8, 15),
                                        office, issued_on=dt.date(2022, 8, 1))
        supervision.reply_order(order, town, "已召开专题会，制定追赶计划")
        issued = bulletins.issue_bulletin(bulletins.draft_bulletin(plan, 2022, 2, user=office), user=office)

    replied = Notice.objects.get(kind=NoticeKind.ORDER_REPLIED)
    assert replied.unit is None and "已召开专题会" in replied.body
    assert replied.link == f"/supervision/orders/{order.pk}/"
    assert set(Receipt.objects.filter(notice=replied).values_list("user__username", flat=True)) == {
        office.username}  # the office closes it; units and leaders are not bothered
    bulletin = Notice.objects.get(kind=NoticeKind.BULLETIN_ISSUED)
    assert issued.issue_label in bulletin.title
    assert set(Receipt.objects.filter(notice=bulletin).values_list("user__username", flat=True)) == {
        personas["leader"].username}
    wecom = {b["markdown"]["content"].split("\n")[0] for b in robots.bodies("/wecom")}
    assert {f"**{replied.title}**", f"**{bulletin.title}**"} <= wecom
