"""The office's extraction pages: upload a plan document, review the draft beside its source, correct, activate."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from kechuang.core.perms import check_perm
from kechuang.core.scoping import CHANGE, get_for_user, restrict

from .choices import Comparator, PlanStatus
from .extract.reading import ExtractError
from .extract.workflow import (
    activate_plan,
    draft_yaml,
    save_draft_form,
    save_draft_yaml,
    submit_extraction,
)
from .loader import PlanFileError
from .models import ExtractionJob, Plan
from .services import next_plan_code, tasks_with_units

MAX_UPLOAD = 10 * 1024 * 1024


def _office_only(request):
    check_perm(request.user, "plans.change_plan")


@login_required
def extract_upload(request):
    _office_only(request)
    error = ""
    if request.method == "POST":
        uploaded = request.FILES.get("file")
        code = (request.POST.get("code") or "").strip()
        if uploaded is None:
            error = "请选择要上传的方案文件（.docx、.doc、.pdf 或 .txt）"
        elif uploaded.size > MAX_UPLOAD:
            error = "文件过大（不超过 10 MB）"
        else:
            try:
                job = submit_extraction(uploaded, user=request.user, code=code)
            except ExtractError as exc:
                error = str(exc)
            else:
                return redirect("plans:extract_job", pk=job.pk)
    drafts = restrict(Plan.objects.filter(status=PlanStatus.DRAFT), request.user, CHANGE).order_by("-last_updated")
    return render(request, "plans/extract_upload.html", {"error": error, "drafts": drafts})


@login_required
def extract_job(request, pk):
    """The state of one upload's extraction; the page polls it (htmx, every 2 s) and moves on to the draft."""
    _office_only(request)
    # An upload belongs to the office that made it: colleagues of the same unit may follow it, no one else.
    mine = {"created_by__unit_id": request.user.unit_id} if request.user.unit_id else {"created_by": request.user}
    job = get_object_or_404(ExtractionJob.objects.select_related("plan"), pk=pk, **mine)
    if job.state == ExtractionJob.State.DONE and job.plan is not None:
        plan = job.plan
        notes = ((plan.settings or {}).get("extraction") or {}).get("warnings") or []
        messages.success(request, f"已生成方案草稿：任务 {plan.tasks.count()} 项，"
                                  f"指标 {plan.indicators.count()} 项。请逐项核对。")
        if notes:
            messages.warning(request, f"有 {len(notes)} 处未能读取或归入，已在原文中标红，请核对。")
        url = reverse("plans:extract_review", kwargs={"code": plan.code})
        if request.htmx:
            response = HttpResponse(status=204)
            response["HX-Redirect"] = url
            return response
        return redirect(url)
    template = "plans/_extract_job.html" if request.htmx else "plans/extract_job.html"
    return render(request, template, {"job": job})


def _segments(text: str, marks: list[tuple[int, int, str, str]]) -> list[dict]:
    """Cut ``text`` into plain and marked pieces; overlapping marks keep the first one."""
    segments = []
    pos = 0
    for start, end, kind, ident in sorted(marks):
        if start < pos or end <= start or end > len(text):
            continue
        if start > pos:
            segments.append({"text": text[pos:start]})
        segments.append({"text": text[start:end], "kind": kind, "id": ident})
        pos = end
    if pos < len(text):
        segments.append({"text": text[pos:]})
    return segments


def _review_context(plan: Plan, user) -> dict:
    extraction = (plan.settings or {}).get("extraction") or {}
    spans = extraction.get("spans") or {}
    proposed = set(extraction.get("proposed_units") or [])
    marks: list[tuple[int, int, str, str]] = []
    task_links: dict[str, dict] = {}
    for i, task in enumerate(spans.get("tasks", [])):
        title = task["title"]
        ident = f"src-t{i}"
        marks.append((title["ostart"], title["oend"], "task", ident))
        links = {"title": ident, "units": {}}
        for j, assignment in enumerate(task.get("units", [])):
            for k, name in enumerate(assignment.get("names", [])):
                uid = f"src-t{i}-u{j}-{k}"
                marks.append((name["ostart"], name["oend"], "unit", uid))
                links["units"].setdefault((assignment["role"], name["name"]), uid)
        task_links[task["number"]] = links
    target_links: dict[str, str] = {}
    for i, target in enumerate(spans.get("targets", [])):
        ident = f"src-g{i}"
        marks.append((target["value"]["ostart"], target["value"]["oend"], "target", ident))
        target_links[target["code"]] = ident
    warnings = []
    for i, warning in enumerate(extraction.get("warnings") or []):
        ident = f"src-w{i}" if "ostart" in warning else ""
        if ident:
            marks.append((warning["ostart"], warning["oend"], "warn", ident))
        warnings.append({**warning, "src": ident})
    tasks = []
    for task in tasks_with_units(plan.tasks.order_by("seq")):
        links = task_links.get(task.number, {"title": "", "units": {}})
        lead = [{"name": n, "new": n in proposed,
                 "src": links["units"].get(("lead", n)) or links["units"].get(("main", n), "")}
                for n in (task.lead_text.split("、") if task.lead_text else [])]
        responsible = [{"name": n, "new": n in proposed,
                        "src": links["units"].get(("responsible", n)) or links["units"].get(("main", n), "")}
                       for n in (task.responsible_text.split("、") if task.responsible_text else [])]
        tasks.append({"task": task, "src": links["title"], "lead": lead, "responsible": responsible,
                      "child": bool(task.parent_id)})
    indicators = [{"ind": ind, "src": target_links.get(ind.code, ""), "tasks": [t.number for t in ind.tasks.all()]}
                  for ind in plan.indicators.order_by("seq").prefetch_related("tasks")]
    return {
        "plan": plan,
        "segments": _segments(plan.source_text or "", marks),
        "tasks": tasks,
        "indicators": indicators,
        "proposed": sorted(proposed),
        "warnings": warnings,
        "is_draft": plan.status == PlanStatus.DRAFT,
        "comparators": Comparator.choices,
        "counts": {"tasks": len(tasks), "targets": len(indicators),
                   "units": sum(len(t["lead"]) + len(t["responsible"]) for t in tasks)},
    }


@login_required
def extract_review(request, code):
    plan = get_for_user(Plan.objects.select_related("owner_unit", "office_unit"), request.user, CHANGE, code=code)
    context = _review_context(plan, request.user)
    context["draft_yaml"] = draft_yaml(plan)
    context["next_year"] = plan.year + 1
    context["next_code"] = next_plan_code(plan)
    return render(request, "plans/extract_review.html", context)


@login_required
@require_POST
def extract_save(request, code):
    plan = get_for_user(Plan.objects.all(), request.user, CHANGE, code=code)
    text = request.POST.get("draft_yaml", "")
    try:
        plan = save_draft_yaml(plan, text, user=request.user)
    except PlanFileError as exc:
        context = _review_context(plan, request.user)
        context.update({"draft_yaml": text, "yaml_error": str(exc)})
        return render(request, "plans/extract_review.html", context)
    messages.success(request, "草稿已保存。")
    return redirect("plans:extract_review", code=plan.code)


@login_required
@require_POST
def extract_edit(request, code):
    plan = get_for_user(Plan.objects.all(), request.user, CHANGE, code=code)
    try:
        plan = save_draft_form(plan, request.POST, user=request.user)
    except PlanFileError as exc:
        context = _review_context(plan, request.user)
        context.update({"draft_yaml": draft_yaml(plan), "form_error": str(exc)})
        return render(request, "plans/extract_review.html", context)
    messages.success(request, "修改已保存。")
    return redirect("plans:extract_review", code=plan.code)


@login_required
@require_POST
def extract_activate(request, code):
    plan = get_for_user(Plan.objects.all(), request.user, CHANGE, code=code)
    try:
        plan = activate_plan(plan, user=request.user)
    except PlanFileError as exc:
        messages.error(request, str(exc))
        return redirect("plans:extract_review", code=plan.code)
    messages.success(request, f"方案“{plan.title}”已启用。")
    return redirect("plans:plan_detail", code=plan.code)
