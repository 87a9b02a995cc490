"""The notice centre (every signed-in user) and the office's channel settings."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from kechuang.audit.services import record_event
from kechuang.core.perms import perm_required
from kechuang.core.scoping import get_for_user, restrict, restrict_or_404

from . import services
from .forms import ChannelForm
from .models import Channel, Delivery, Receipt


@login_required
def notice_list(request):
    """My notices, newest first; ?unread=1 shows only the unread ones."""
    receipts = restrict(Receipt.objects.select_related("notice"), request.user)
    unread_only = request.GET.get("unread") == "1"
    if unread_only:
        receipts = receipts.filter(read_at__isnull=True)
    page = Paginator(receipts, 30).get_page(request.GET.get("page"))
    return render(request, "notices/notice_list.html", {"page": page, "unread_only": unread_only})


@login_required
@require_POST
def mark_read(request):
    """Mark one notice (``receipt``) or all of mine read, then back to the list (or to the notice's page)."""
    raw = request.POST.get("receipt", "").strip()
    if raw:
        receipt = get_for_user(Receipt.objects.select_related("notice"), request.user,
                               pk=int(raw) if raw.isdigit() else 0)
        services.mark_read(request.user, [receipt.pk])
        if request.POST.get("open") and receipt.notice.link.startswith("/"):
            return redirect(receipt.notice.link)
    else:
        count = services.mark_read(request.user)
        messages.success(request, f"已将 {count} 条通知标为已读")
    return redirect("notices:notice_list")


@login_required
@perm_required("notices.view_channel_list")
def channel_list(request):
    """The office's outbound channels and the latest sends (status, attempts, last error)."""
    channels = restrict(Channel.objects.select_related("plan", "unit"), request.user)
    deliveries = restrict(Delivery.objects.select_related("notice", "channel"), request.user)[:50]
    return render(request, "notices/channel_list.html", {"channels": channels, "deliveries": deliveries})


@login_required
def channel_edit(request, pk=None):
    """Add or change a channel (office only)."""
    restrict_or_404(Channel.objects.all(), request.user, "change")
    channel = get_for_user(Channel.objects.all(), request.user, "change", pk=pk) if pk else Channel()
    form = ChannelForm(request.POST or None, instance=channel)
    if request.method == "POST" and form.is_valid():
        channel = form.save()
        record_event("notices.channel.save", obj=channel, detail={"kind": channel.kind, "enabled": channel.enabled})
        messages.success(request, f"已保存通知渠道：{channel.name}")
        return redirect("notices:channel_list")
    return render(request, "notices/channel_form.html", {"form": form, "channel": channel})


@login_required
@require_POST
def channel_test(request, pk):
    """Send a test message through one channel (office only); the result shows under 最近发送."""
    channel = get_for_user(Channel.objects.all(), request.user, "change", pk=pk)
    services.send_test(channel, request.user)
    messages.success(request, f"已发送测试消息到“{channel.name}”，发送结果见下方“最近发送”")
    return redirect("notices:channel_list")
