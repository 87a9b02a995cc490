"""Outbound channels: how one notice becomes an e-mail, a group-robot message or SMS gateway calls.

Each sender raises ``SendError`` with a Chinese reason; the worker records it and retries. No provider is
hard-coded: robots are identified by their webhook URL, the SMS gateway by its URL and JSON template.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import time
import urllib.error
import urllib.parse
import urllib.request

from django.conf import settings
from django.core.mail import send_mail

from .models import ChannelKind

TIMEOUT_SECONDS = 10
# WeCom rejects markdown content over 4,096 bytes (UTF-8); DingTalk allows more, the same cap keeps both safe.
MARKDOWN_MAX_BYTES = 4000


class SendError(Exception):
    """A send that failed; the message (Chinese) is shown on the delivery list."""


def markdown_text(notice, site_url: str = "") -> str:
    """The notice as Markdown (both robots render it): bold title, body, link; a long body is cut to fit."""
    link = f"\n\n[查看详情]({site_url}{notice.link})" if notice.link else ""
    head = f"**{notice.title}**\n\n"
    room = MARKDOWN_MAX_BYTES - len((head + link).encode("utf-8"))
    body = notice.body
    if len(body.encode("utf-8")) > room:
        body = body.encode("utf-8")[: max(room - 9, 0)].decode("utf-8", "ignore") + "……"
    return (head + body + link).strip()


def dingtalk_signed_url(url: str, secret: str, now_ms: int | None = None) -> str:
    """DingTalk "加签": timestamp and HMAC-SHA256 signature of "timestamp\\nsecret" appended to the webhook URL."""
    if not secret:
        return url
    timestamp = str(now_ms if now_ms is not None else int(time.time() * 1000))
    digest = hmac.new(secret.encode("utf-8"), f"{timestamp}\n{secret}".encode(), hashlib.sha256).digest()
    sign = urllib.parse.quote_plus(base64.b64encode(digest))
    return f"{url}{'&' if '?' in url else '?'}timestamp={timestamp}&sign={sign}"


def wecom_payload(notice, site_url: str = "") -> dict:
    """WeCom group robot: https://developer.work.weixin.qq.com/document/path/91770 (markdown message)."""
    return {"msgtype": "markdown", "markdown": {"content": markdown_text(notice, site_url)}}


def dingtalk_payload(notice, site_url: str = "") -> dict:
    """DingTalk custom robot: markdown message with a title (shown in the conversation list) and text."""
    return {"msgtype": "markdown", "markdown": {"title": notice.title, "text": markdown_text(notice, site_url)}}


def sms_content(notice) -> str:
    return f"【科创督办】{notice.title}：{notice.body}"[:300]


def sms_payload(template: str, mobile: str, content: str) -> dict:
    """Fill the gateway's JSON template; values are JSON-escaped so a quote in the text cannot break the body."""
    if not template.strip():
        return {"mobile": mobile, "content": content}
    filled = template.replace("{mobile}", json.dumps(mobile)[1:-1]).replace("{content}", json.dumps(content)[1:-1])
    try:
        return json.loads(filled)
    except json.JSONDecodeError as exc:
        raise SendError(f"短信请求模板不是有效的 JSON（第 {exc.lineno} 行第 {exc.colno} 列）") from exc


def check_template(template: str) -> str | None:
    """A Chinese reason when the SMS template cannot be filled, else None (used by the channel form)."""
    try:
        sms_payload(template, "13800000000", "测试")
    except SendError as exc:
        return str(exc)
    return None


def post_json(url: str, payload: dict) -> None:
    """POST ``payload`` as UTF-8 JSON. Robots answer 200 with ``errcode`` 0 on success; anything else fails."""
    data = json.dumps(payload, ensure_ascii=False).encode("utf-8")
    request = urllib.request.Request(url, data=data, method="POST",
                                     headers={"Content-Type": "application/json; charset=utf-8"})
    try:
        with urllib.request.urlopen(request, timeout=TIMEOUT_SECONDS) as response:  # noqa: S310 - office-set URL
            body = response.read(65536)
    except urllib.error.HTTPError as exc:
        raise SendError(f"接口返回 HTTP {exc.code}") from exc
    except (urllib.error.URLError, TimeoutError, OSError) as exc:
        raise SendError(f"无法连接接口地址：{getattr(exc, 'reason', exc)}") from exc
    try:
        answer = json.loads(body or b"{}")
    except ValueError:
        return  # a gateway that answers plain text with 200 is taken as success
    if isinstance(answer, dict) and answer.get("errcode") not in (None, 0, "0"):
        raise SendError(f"接口返回错误：{answer.get('errcode')} {answer.get('errmsg', '')}".strip())


def send(channel, notice, *, emails: list[str], mobiles: list[str]) -> None:
    """Send ``notice`` through ``channel`` to the given addresses (e-mail, SMS) or the robot's group."""
    site_url = getattr(settings, "KECHUANG_SITE_URL", "")
    extra = [r.strip() for r in channel.recipients.replace("，", ",").split(",") if r.strip()]
    if channel.kind == ChannelKind.EMAIL:
        to = sorted(set(emails) | {r for r in extra if "@" in r})
        if not to:
            raise SendError("没有可用的邮箱地址")
        body = notice.body + (f"\n\n{site_url}{notice.link}" if notice.link else "")
        try:
            send_mail(f"【科创督办】{notice.title}", body, settings.DEFAULT_FROM_EMAIL, to)
        except OSError as exc:
            raise SendError(f"邮件发送失败：{exc}") from exc
    elif channel.kind in (ChannelKind.WECOM, ChannelKind.DINGTALK):
        if not channel.url:
            raise SendError("未填写群机器人 Webhook 地址")
        if channel.kind == ChannelKind.WECOM:
            post_json(channel.url, wecom_payload(notice, site_url))
        else:
            post_json(dingtalk_signed_url(channel.url, channel.secret), dingtalk_payload(notice, site_url))
    elif channel.kind == ChannelKind.SMS:
        if not channel.url:
            raise SendError("未填写短信网关地址")
        to = sorted(set(mobiles) | {r for r in extra if "@" not in r})
        if not to:
            raise SendError("没有可用的手机号码")
        content = sms_content(notice)
        for mobile in to:
            post_json(channel.url, sms_payload(channel.template, mobile, content))
    else:  # pragma: no cover - choices are closed
        raise SendError("未知的通知渠道")
