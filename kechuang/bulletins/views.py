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
from django.urls import reverse
from django.views.decorators.http import require_POST

from kechuang.audit.services import record_event
from kechuang.core.concurrency import ConflictError
from kechuang.core.perms import perm_required
from kechuang.core.scoping import CHANGE, get_for_user, restrict
from kechuang.documents.pdf import pdf_available
from kechuang.plans.models import Plan

from . import compose, services
from .models import Bulletin

LIST_DEFERRED = ("snapshot", "highlights", "problems", "summary", "next_steps")
DOCX_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def _version(request, default: int = 0) -> int:
    try:
        return int(request.POST.get("version") or default)
    except ValueError:
        return -1  # never matches: the save is refused as a conflict


@login_required
@perm_required("bulletins.view_bulletin_list")
def bulletin_list(request):
    # The list shows none of the texts or the data snapshot (tens of kB each): not read.
    bulletins = restrict(Bulletin.objects.select_related("plan").defer(*LIST_DEFERRED), request.user)
    may_draft = request.user.has_perm("bulletins.draft_bulletin")
    plans = restrict(Plan.objects.all(), request.user, CHANGE) if may_draft else Plan.objects.none()
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


def _choices(picked: list[dict], candidates: list[dict]) -> list[dict]:
    """Rows of the pick list: the picked items first in their order (with the office's wording), then
    the other candidates best first."""
    keys = {p["key"] for p in picked}
    rows = [{"key": p["key"], "text": p["text"], "picked": True, "order": i} for i, p in enumerate(picked, 1)]
    rows += [{"key": c["key"], "text": c["text"], "picked": False, "order": ""}
             for c in candidates if c["key"] not in keys]
    return rows


def _picks(request, name: str) -> list[dict]:
    """The ticked candidates of ``name`` in the order typed, each with its (reworded) text."""
    rows = []
    for i, key in enumerate(request.POST.getlist(name)):
        try:
            order = float(request.POST.get(f"{name}_order_{key}") or 1000 + i)
        except ValueError:
            order = 1000 + i
        rows.append((order, i, {"key": key, "text": request.POST.get(f"{name}_text_{key}", "")}))
    return [row for _o, _i, row in sorted(rows, key=lambda r: (r[0], r[1]))]


@login_required
def bulletin_detail(request, pk):
    bulletin = get_for_user(Bulletin.objects.select_related("plan", "issued_by"), request.user, pk=pk)
    snapshot = bulletin.snapshot or {}
    can_edit = request.user.has_perm("bulletins.edit_bulletin", bulletin) and not bulletin.is_issued
    cands = snapshot.get("candidates") or {"highlights": [], "problems": []}
    as_of = snapshot.get("as_of", "")
    drill = reverse("metrics:indicator_values", args=[0]).rsplit("0/", 1)[0]
    indicators = [{**r, "url": f"{drill}{r['id']}/?date={as_of}"} for r in snapshot.get("indicators", [])]
    tasks = [{**t, "url": reverse("plans:task_detail", args=[bulletin.plan.code, t["id"]])}
             for t in snapshot.get("tasks", [])]
    rankings = snapshot.get("rankings", [])
    # A bulletin issued before group ranks were kept shows one table in overall rank order.
    sections = compose.GROUPS if any(r.get("group") for r in rankings) else ((None, "全部单位"),)
    groups = []
    for group, label in sections:
        members = sorted((r for r in rankings if r.get("group") == group),
                         key=lambda r: (r.get("group_rank") or r["rank"], r["unit"]))
        if members:
            groups.append({"label": label, "rows": [
                {**r, "group_rank": r.get("group_rank") or r["rank"],
                 "url": reverse("web:unit_detail", args=[r["unit_code"]]) if r.get("unit_code") else "",
                 "card_label": compose.CARD_LABELS.get(r.get("card") or "", "—")} for r in members]})
    highlights = bulletin.highlights
    problems = bulletin.problems
    return render(request, "bulletins/bulletin_detail.html", {
        "bulletin": bulletin, "s": snapshot, "can_edit": can_edit,
        "title": compose.bulletin_title(bulletin.year, bulletin.quarter), "pdf_available": pdf_available(),
        "light_long": compose.LIGHT_LONG, "indicators": indicators, "tasks": tasks, "groups": groups,
        "highlights": highlights, "problems": problems,
        "summary_paragraphs": [p for p in bulletin.summary.splitlines() if p.strip()],
        "next_steps_paragraphs": [p for p in bulletin.next_steps.splitlines() if p.strip()],
        "highlight_choices": _choices(highlights, cands["highlights"]) if can_edit else [],
        "problem_choices": _choices(problems, cands["problems"]) if can_edit else [],
        "attachments": compose.ATTACHMENTS,
    })


@login_required
@require_POST
def bulletin_edit(request, pk):
    bulletin = get_for_user(Bulletin.objects.all(), request.user, CHANGE, pk=pk)
    try:
        services.update_narrative(bulletin, user=request.user, summary=request.POST.get("summary", ""),
                                  next_steps=request.POST.get("next_steps", ""),
                                  highlights=_picks(request, "highlight") if "picks" in request.POST else None,
                                  problems=_picks(request, "problem") if "picks" in request.POST else None,
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
    """The PDF when it is made; otherwise it is enqueued and this page polls until it is (LibreOffice takes seconds,
    too long for a request). ``?retry=1`` asks again after a failure."""
    bulletin = get_for_user(Bulletin.objects.select_related("plan", "plan__office_unit"), request.user, pk=pk)
    if not pdf_available():
        raise Http404("服务器未安装 LibreOffice")
    if services.pdf_ready(bulletin) and not request.htmx:
        record_event("bulletin.download", obj=bulletin, detail={"format": "pdf", "status": bulletin.status})
        return _attachment(services.stored_pdf(bulletin), "application/pdf", services.filename(bulletin, "pdf"))
    if bulletin.pdf_state != services.PDF_FAILED or request.GET.get("retry"):
        bulletin = services.request_pdf(bulletin)
    context = {"bulletin": bulletin, "ready": services.pdf_ready(bulletin),
               "failed": bulletin.pdf_state == services.PDF_FAILED}
    template = "bulletins/_pdf_status.html" if request.htmx else "bulletins/pdf_status.html"
    return render(request, template, context)
