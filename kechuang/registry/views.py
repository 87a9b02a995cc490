"""Generic registry pages driven by ``config.REGISTRIES``: list, detail, create/edit, history,
Excel template/export/import with background jobs. Every query goes through ``restrict``."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db import IntegrityError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from kechuang.accounts.services import reauthenticate, recently_reauthenticated
from kechuang.audit.services import record_event
from kechuang.core.jobs import enqueue
from kechuang.core.perms import perm_required
from kechuang.core.scoping import CHANGE, VIEW, get_for_user, restrict, restrict_or_404
from kechuang.core.tables import configure, sheet
from kechuang.core.xlsx import attachment, sheet_response

from .config import REGISTRIES, RegistryConfig, get_registry
from .conflicts import file_conflicts
from .conflicts import resolve as resolve_conflict
from .error_workbook import INLINE_BYTES, AnnotationUnavailable, annotate
from .filtersets import filter_rows
from .forms import ReferenceField, registry_form_class
from .importing import build_template, export_rows
from .models import ImportJob, ImportStatus, KeyConflict
from .plausibility import validate_one
from .services import (
    HIDDEN_FIELDS,
    OutOfScope,
    can_unmask,
    display_value,
    field_label,
    request_commit,
    save_row,
    start_import,
)
from .tables import table_for

PAGE_SIZE = 50


def _can_change(cfg: RegistryConfig, user) -> bool:
    return cfg.model.scope_rule(user, CHANGE) not in (False, None)


@login_required
@perm_required("registry.view_registries")
def index(request):
    cards = []
    for cfg in sorted(REGISTRIES.values(), key=lambda c: c.order):
        decision = cfg.model.scope_rule(request.user, VIEW)
        if decision in (False, None):
            continue
        cards.append({"cfg": cfg, "count": restrict(cfg.model.objects.all(), request.user).count()})
    if not cards:
        raise Http404
    open_conflicts = restrict(KeyConflict.objects.filter(resolved_at__isnull=True), request.user).count()
    return render(request, "registry/index.html", {"cards": cards, "open_conflicts": open_conflicts})


@login_required
def conflicts(request):
    """The office's list of keys units tried to register outside their jurisdiction."""
    qs = restrict_or_404(KeyConflict.objects.select_related("unit", "user", "resolved_by"), request.user)
    show_all = request.GET.get("all") == "1"
    if not show_all:
        qs = qs.filter(resolved_at__isnull=True)
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    rows = []
    for c in page.object_list:
        cfg = REGISTRIES.get(c.registry)
        record = cfg.model.objects.filter(pk=c.record_id).first() if cfg else None
        rows.append({"c": c, "cfg": cfg, "record": record})
    return render(request, "registry/conflicts.html", {"page": page, "rows": rows, "show_all": show_all})


@login_required
@require_POST
def conflict_resolve(request, pk):
    conflict = get_for_user(KeyConflict.objects.all(), request.user, CHANGE, pk=pk)
    resolve_conflict(conflict, request.user, request.POST.get("note", "").strip())
    messages.success(request, "已标记为处理完毕")
    return redirect("registry:conflicts")


@login_required
def registry_list(request, registry):
    cfg = get_registry(registry)
    rows = filter_rows(cfg, request.user, request.GET)
    table = configure(table_for(cfg)(rows.qs), request, PAGE_SIZE)
    params = request.GET.copy()
    params.pop("page", None)
    return render(
        request,
        "registry/list.html",
        {
            "cfg": cfg,
            "table": table,
            "filter": rows,
            "querystring": params.urlencode(),
            "can_change": _can_change(cfg, request.user),
            "can_unmask_export": cfg.pii and can_unmask(request.user),
        },
    )


def _detail_fields(cfg: RegistryConfig, obj, unmask: bool) -> list[tuple[str, object]]:
    out = []
    for f in cfg.model._meta.concrete_fields:
        if f.name in HIDDEN_FIELDS:
            continue
        out.append((str(f.verbose_name), display_value(obj, f.name)))
        if f.name == "name":
            for v in cfg.virtual:
                out.append((field_label(cfg, v), display_value(obj, v, unmask=unmask)))
    return out


RELATED = {
    "enterprises": [
        "years",
        "hightech_certificates",
        "tech_sme_registrations",
        "labels",
        "rd_institutions",
        "platforms",
        "patents",
        "contracts",
        "pledges",
        "fundings",
        "demands",
    ],
    "ip-trainings": ["attendances"],
    "commissioners": ["logs"],
}


@login_required
def detail(request, registry, pk, unmask=False):
    cfg = get_registry(registry)
    obj = get_for_user(cfg.model.objects.all(), request.user, pk=pk)
    related = []
    for name in RELATED.get(registry, []):
        manager = getattr(obj, name)
        rcfg = next(c for c in REGISTRIES.values() if c.model is manager.model)
        items = restrict(manager.all(), request.user)[:50]
        related.append({"cfg": rcfg, "items": items})
    return render(
        request,
        "registry/detail.html",
        {
            "cfg": cfg,
            "obj": obj,
            "fields": _detail_fields(cfg, obj, unmask),
            "related": related,
            "can_change": restrict(cfg.model.objects.filter(pk=obj.pk), request.user, CHANGE).exists(),
            "can_unmask": cfg.pii and can_unmask(request.user),
            "unmasked": unmask,
            "violations": [v for v in validate_one(registry, obj) if v.rule.code != "legacy_uscc"],
        },
    )


@login_required
@require_POST
def unmask(request, registry, pk):
    cfg = get_registry(registry)
    obj = get_for_user(cfg.model.objects.all(), request.user, pk=pk)
    if not (cfg.pii and can_unmask(request.user)):
        raise Http404
    record_event(f"{cfg.model._meta.model_name}.unmask", obj=obj, detail={"registry": registry})
    return detail(request, registry, pk, unmask=True)


@login_required
def edit(request, registry, pk=None):
    cfg = get_registry(registry)
    if pk is None:
        if not _can_change(cfg, request.user):
            raise Http404
        instance = None
    else:
        instance = get_for_user(cfg.model.objects.all(), request.user, CHANGE, pk=pk)
    form_class = registry_form_class(cfg, request.user, instance)
    form = form_class(request.POST or None, instance=instance)
    for name, field in form.fields.items():
        if isinstance(field, ReferenceField) and field.initial is not None:
            form.initial[name] = field.initial  # the USCC or name, not the primary key
    for field in form.fields.values():
        css = "form-select" if isinstance(field.widget, forms.Select) else "form-control"
        if isinstance(field.widget, forms.CheckboxInput):
            css = "form-check-input"
        field.widget.attrs.setdefault("class", css)
    if request.method == "POST" and form.is_valid():
        try:
            obj = save_row(cfg, form, request.user, created=pk is None)
        except OutOfScope:
            form.add_error(None, "只能登记本辖区的记录")
        except Exception as exc:  # an IntegrityError (duplicate) → form error
            if not isinstance(exc, IntegrityError):
                raise
            form.add_error(None, "与已有记录重复（编号、代码或身份证号已存在）")
        else:
            messages.success(request, "已保存")
            for warning in getattr(form, "rule_warnings", []):
                messages.warning(request, f"请核实：{warning}")
            return redirect(obj.get_absolute_url())
    if getattr(form, "hidden_conflicts", None):
        file_conflicts(cfg.key, request.user, form.hidden_conflicts, "form")
    return render(request, "registry/form.html", {"cfg": cfg, "form": form, "obj": instance})


@login_required
def history(request, registry, pk):
    cfg = get_registry(registry)
    obj = get_for_user(cfg.model.objects.all(), request.user, pk=pk)
    records = list(obj.history.select_related("history_user").order_by("-history_date", "-history_id")[:100])
    rows = []
    for i, rec in enumerate(records):
        prev = records[i + 1] if i + 1 < len(records) else None
        changes = []
        if prev is not None:
            delta = rec.diff_against(prev)
            for change in delta.changes:
                if change.field in ("last_updated", "initials"):
                    continue
                secret = change.field in HIDDEN_FIELDS
                label = {"id_number_enc": "身份证号码", "phone_enc": "联系电话"}.get(change.field, None)
                if change.field in ("id_hash", "phone_hash"):
                    continue
                if label is None:
                    try:
                        label = str(cfg.model._meta.get_field(change.field).verbose_name)
                    except Exception:  # noqa: BLE001
                        label = change.field
                changes.append(
                    {
                        "field": label,
                        "old": "（已加密）" if secret else change.old,
                        "new": "（已加密）" if secret else change.new,
                    }
                )
        rows.append({"rec": rec, "changes": changes})
    return render(request, "registry/history.html", {"cfg": cfg, "obj": obj, "rows": rows})


@login_required
def export(request, registry):
    cfg = get_registry(registry)
    rows = filter_rows(cfg, request.user, request.GET)
    record_event("registry.export", detail={"registry": registry, "filters": rows.active(), "unmasked": False})
    if request.GET.get("format") == "csv":  # the list's own columns (masked), as on the page
        return sheet_response(sheet(table_for(cfg)(rows.qs), cfg.title), f"{cfg.title}.csv", "csv")
    # Always masked: a plaintext export is a POST with a reason and a fresh password (export_unmasked).
    return attachment(export_rows(cfg, rows.qs, unmask=False), f"{cfg.title}.xlsx")


class UnmaskForm(forms.Form):
    reason = forms.CharField(label="用途说明", min_length=4, max_length=200)
    password = forms.CharField(label="本人登录密码", widget=forms.PasswordInput, required=False)


@login_required
@require_POST
def export_unmasked(request, registry):
    """Bulk plaintext export for a PII viewer: a stated reason, the password confirmed within the last few
    minutes, and one audit event with the number of people exported."""
    cfg = get_registry(registry)
    if not (cfg.pii and can_unmask(request.user)):
        raise Http404
    rows = filter_rows(cfg, request.user, request.POST)
    qs, active = rows.qs, rows.active()
    form = UnmaskForm(request.POST)
    back = reverse("registry:list", args=[registry])
    if not form.is_valid():
        messages.error(request, "导出明文须填写用途说明（至少 4 个字）")
        return redirect(back)
    if not (recently_reauthenticated(request) or reauthenticate(request, form.cleaned_data["password"])):
        messages.error(request, "密码验证未通过，未导出")
        return redirect(back)
    data = export_rows(cfg, qs, unmask=True)
    record_event(f"{cfg.model._meta.model_name}.unmask_export", detail={
        "registry": registry, "filters": active, "count": qs.count(), "reason": form.cleaned_data["reason"]})
    return attachment(data, f"{cfg.title}（明文）.xlsx")


@login_required
def template(request, registry):
    cfg = get_registry(registry)
    if not _can_change(cfg, request.user):
        raise Http404
    record_event("registry.template", detail={"registry": registry})
    return attachment(build_template(cfg), f"{cfg.title}导入模板.xlsx")


class UploadForm(forms.Form):
    file = forms.FileField(label="Excel 文件（.xlsx）")


MAX_UPLOAD = 30 * 1024 * 1024


@login_required
def import_upload(request, registry):
    cfg = get_registry(registry)
    if not _can_change(cfg, request.user):
        raise Http404
    form = UploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        if upload.size > MAX_UPLOAD:
            form.add_error("file", "文件超过 30 MB，请拆分后导入")
        else:
            job = start_import(registry, request.user, upload.name, upload.read())
            record_event(
                "registry.import_upload", detail={"registry": registry, "job": job.pk, "filename": upload.name}
            )
            return redirect("registry:import_job", pk=job.pk)
    jobs = restrict(ImportJob.objects.filter(registry=registry), request.user)[:10]
    return render(request, "registry/import.html", {"cfg": cfg, "form": form, "jobs": jobs})


def _job_context(job):
    cfg = get_registry(job.registry)
    return {
        "job": job,
        "cfg": cfg,
        "running": job.status in (ImportStatus.PENDING, ImportStatus.VALIDATING, ImportStatus.COMMITTING),
    }


@login_required
def import_job(request, pk):
    job = get_for_user(ImportJob.objects.defer("content"), request.user, pk=pk)
    template_name = "registry/_job_status.html" if request.htmx else "registry/job.html"
    return render(request, template_name, _job_context(job))


@login_required
def import_errors_xlsx(request, pk):
    """The uploader's own file with each bad cell highlighted and the reason in a comment (invalid jobs only)."""
    job = get_for_user(ImportJob.objects.all(), request.user, pk=pk)
    if job.status != ImportStatus.INVALID:
        raise Http404
    content = bytes(job.content)
    if job.summary.get("annotation_error"):
        messages.error(request, job.summary["annotation_error"])
        return redirect("registry:import_job", pk=job.pk)
    if job.summary.get("annotated"):
        data = content
    elif content and len(content) > INLINE_BYTES:
        # A large file is annotated by the worker (seconds of openpyxl work do not belong in a request).
        if not job.summary.get("annotating"):
            ImportJob.objects.filter(pk=job.pk).update(summary={**job.summary, "annotating": True})
            enqueue("kechuang.registry.error_workbook.annotate_job", job.pk, name=f"导入错误标注 {job.pk}")
        messages.info(request, "正在生成标注错误的文件（文件较大，约需数秒），请稍后再点击“下载标注错误的原文件”")
        return redirect("registry:import_job", pk=job.pk)
    else:
        try:
            data = annotate(content, job.errors)
        except AnnotationUnavailable as exc:
            messages.error(request, str(exc))
            return redirect("registry:import_job", pk=job.pk)
    record_event("registry.import_errors_download", obj=job,
                 detail={"registry": job.registry, "errors": len(job.errors)})
    stem = job.filename.rsplit(".", 1)[0] or get_registry(job.registry).title
    return attachment(data, f"{stem}（错误标注）.xlsx")


@login_required
@require_POST
def import_commit(request, pk):
    job = get_for_user(ImportJob.objects.all(), request.user, pk=pk)
    job = request_commit(job)
    if job.status == ImportStatus.DONE:
        messages.success(
            request,
            f"导入完成：新增 {job.summary.get('created', 0)} 条，更新 "
            f"{job.summary.get('updated', 0)} 条，无变化 {job.summary.get('unchanged', 0)} 条",
        )
    return redirect(reverse("registry:import_job", kwargs={"pk": job.pk}))
