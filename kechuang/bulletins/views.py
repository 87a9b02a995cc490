"""Bulletin pages: list, generate a draft for a quarter, preview and edit, issue, download.

The office drafts, edits and issues; leaders read issued bulletins. Every query goes through
``Bulletin.scope_rule`` (restrict / get_for_user); downloads are audited.
"""

from __future__ import annotations

from urllib.parse import quote

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from kechuang.audit.services import record_event
from kechuang.core.concurrency import ConflictError
from kechuang.core.scoping import CHANGE, get_for_user, restrict, restrict_or_404
from kechuang.plans.models import Plan

from . import compose, services
from .models import Bulletin
from .pdf import PdfUnavailable, pdf_available

DOCX_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def _version(request, default: int = 0) -> int:
    try:
        return int(request.POST.get("version") or default)
    except ValueError:
        return -1  # never matches: the save is refused as a conflict


@login_required
def bulletin_list(request):
    bulletins = restrict_or_404(Bulletin.objects.select_related("plan"), request.user)
    plans = restrict(Plan.objects.all(), request.user, CHANGE) if request.user.is_office else Plan.objects.none()
    return render(request, "bulletins/bulletin_list.html", {
        "bulletins": bulletins, "plans": plans, "quarters": [1, 2, 3, 4],
    })


@login_required
@require_POST
def bulletin_generate(request):
    plan = get_for_user(Plan.objects.all(), request.user, CHANGE, code=request.POST.get("plan", ""))
    try:
        year, quarter = compose.parse_quarter(request.POST.get("quarter", ""))
        bulletin = services.draft_bulletin(plan, year, quarter, user=request.user)
    except (ValueError, services.BulletinError) as exc:
        messages.error(request, getattr(exc, "message", str(exc)))
        return redirect("bulletins:bulletin_list")
    messages.success(request, f"已生成{bulletin}草稿")
    return redirect("bulletins:bulletin_detail", pk=bulletin.pk)


@login_required
def bulletin_detail(request, pk):
    bulletin = get_for_user(Bulletin.objects.select_related("plan", "issued_by"), request.user, pk=pk)
    snapshot = bulletin.snapshot or {}
    return render(request, "bulletins/bulletin_detail.html", {
        "bulletin": bulletin, "s": snapshot, "can_edit": request.user.is_office and not bulletin.is_issued,
        "title": compose.bulletin_title(bulletin.year, bulletin.quarter), "pdf_available": pdf_available(),
        "light_words": compose.LIGHT_WORDS,
        "rankings": sorted(snapshot.get("rankings", []), key=lambda r: (r["rank"], r["unit"])),
    })


@login_required
@require_POST
def bulletin_edit(request, pk):
    bulletin = get_for_user(Bulletin.objects.all(), request.user, CHANGE, pk=pk)
    try:
        services.update_narrative(bulletin, user=request.user, summary=request.POST.get("summary", ""),
                                  next_steps=request.POST.get("next_steps", ""),
                                  version=_version(request))
        messages.success(request, "已保存")
    except ConflictError as exc:
        messages.error(request, exc.message)
    except services.BulletinError as exc:
        messages.error(request, exc.message)
    return redirect("bulletins:bulletin_detail", pk=bulletin.pk)


@login_required
@require_POST
def bulletin_issue(request, pk):
    bulletin = get_for_user(Bulletin.objects.all(), request.user, CHANGE, pk=pk)
    try:
        bulletin = services.issue_bulletin(bulletin, user=request.user,
                                           version=_version(request, bulletin.version))
        messages.success(request, f"已印发：{bulletin.issue_label}")
    except (ConflictError, services.BulletinError) as exc:
        messages.error(request, exc.message)
    return redirect("bulletins:bulletin_detail", pk=bulletin.pk)


def _attachment(data: bytes, content_type: str, name: str) -> HttpResponse:
    response = HttpResponse(data, content_type=content_type)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(name)}"
    response["X-Content-Type-Options"] = "nosniff"
    return response


@login_required
def bulletin_docx(request, pk):
    bulletin = get_for_user(Bulletin.objects.select_related("plan", "plan__office_unit"), request.user, pk=pk)
    data = services.docx_bytes(bulletin)
    record_event("bulletin.download", obj=bulletin, detail={"format": "docx", "status": bulletin.status})
    return _attachment(data, DOCX_TYPE, services.filename(bulletin, "docx"))


@login_required
def bulletin_pdf(request, pk):
    bulletin = get_for_user(Bulletin.objects.select_related("plan", "plan__office_unit"), request.user, pk=pk)
    if not pdf_available():
        raise Http404("服务器未安装 LibreOffice")
    try:
        data = services.pdf_bytes(bulletin)
    except PdfUnavailable as exc:
        messages.error(request, str(exc))
        return redirect("bulletins:bulletin_detail", pk=bulletin.pk)
    record_event("bulletin.download", obj=bulletin, detail={"format": "pdf", "status": bulletin.status})
    return _attachment(data, "application/pdf", services.filename(bulletin, "pdf"))
