"""Notices API: my notices and marking them read — what an OA or WeCom integration polls; the same services as
the notice centre."""

from __future__ import annotations

import datetime as dt

from ninja import Router, Schema

from kechuang.core.params import DbId, Limit, Offset
from kechuang.core.scoping import restrict

from . import services
from .models import Receipt

PREFIX = "/notices"
router = Router(tags=["消息通知"])


class NoticeOut(Schema):
    id: int  # the receipt: this user's copy of the notice
    kind: str
    kind_label: str
    title: str
    body: str
    link: str
    created: dt.datetime
    read: bool


class ReadIn(Schema):
    ids: list[DbId] | None = None  # omitted: all of my notices


class ReadOut(Schema):
    marked: int
    unread: int


@router.get("", response=list[NoticeOut])
def list_notices(request, unread: bool = False, offset: Offset = 0, limit: Limit = 100):
    """My notices, newest first (``unread=true``: only those not yet read)."""
    qs = restrict(Receipt.objects.select_related("notice"), request.auth)
    if unread:
        qs = qs.filter(read_at__isnull=True)
    return [
        {"id": r.pk, "kind": r.notice.kind, "kind_label": r.notice.get_kind_display(), "title": r.notice.title,
         "body": r.notice.body, "link": r.notice.link, "created": r.notice.created, "read": r.read_at is not None}
        for r in qs[offset : offset + limit]
    ]


@router.post("/read", response=ReadOut)
def mark_notices_read(request, payload: ReadIn):
    """Mark the given notices (or all of mine) read; ids of other users' notices are ignored."""
    marked = services.mark_read(request.auth, payload.ids)
    return {"marked": marked, "unread": services.unread_count(request.auth)}
