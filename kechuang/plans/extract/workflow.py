"""Workflow of an extracted draft: upload → draft plan → corrections → activation (each audited)."""

from __future__ import annotations

import copy
import logging
import re
import tempfile
import uuid
from pathlib import Path

import yaml
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone

from kechuang.audit.services import record_event
from kechuang.core import files as private_files
from kechuang.core.jobs import INTERRUPTED, enqueue, fail_dead, runner_id
from kechuang.org.models import Unit
from kechuang.org.services import UnitResolver, split_unit_list

from ..choices import PlanStatus
from ..loader import PlanFileError, dump_plan, load_plan
from ..models import ExtractionJob, Plan
from . import draft as make_draft
from . import extract_source
from .output import assign_codes
from .reading import ExtractError, read_docx, read_file, read_text


def owner_of(user) -> Unit | None:
    """The city (root unit) the user works for; the first root when the user has no unit."""
    unit = getattr(user, "unit", None)
    while unit is not None and unit.parent_id:
        unit = unit.parent
    return unit or Unit.objects.filter(parent__isnull=True).order_by("sort_order", "pk").first()


def read_upload(uploaded) -> object:
    name = (uploaded.name or "").lower()
    if name.endswith(".docx"):
        return read_docx(uploaded)
    if name.endswith(".txt"):
        return read_txt_file_like(uploaded)
    if name.endswith((".doc", ".wps", ".pdf")):
        with tempfile.TemporaryDirectory(prefix="kc-upload-") as tmp:
            path = Path(tmp) / ("upload" + Path(name).suffix)
            with open(path, "wb") as fh:
                for chunk in uploaded.chunks():
                    fh.write(chunk)
            return read_file(path)
    raise ExtractError("请上传 .docx、.doc、.pdf 或 .txt 格式的方案文件")


UPLOAD_SUFFIXES = (".docx", ".txt", ".doc", ".wps", ".pdf")
logger = logging.getLogger(__name__)


def submit_extraction(uploaded, *, user, code: str = "") -> ExtractionJob:
    """Keep the upload in private storage and queue its extraction; the caller shows the job's page."""
    name = uploaded.name or ""
    suffix = Path(name.lower()).suffix
    if suffix not in UPLOAD_SUFFIXES:
        raise ExtractError("请上传 .docx、.doc、.pdf 或 .txt 格式的方案文件")
    key = f"plan-uploads/{uuid.uuid4().hex}{suffix}"
    private_files.save(key, uploaded.read())
    with transaction.atomic():
        job = ExtractionJob.objects.create(created_by=user, filename=name[:255], file_key=key, code=code[:64])
        enqueue("kechuang.plans.jobs.extract_plan", job.pk, name=f"plan-extract-{job.pk}", group="plan-extract")
        record_event("plan.upload", user=user, obj=job, detail={"file": job.filename})
    return job


def run_extraction(pk: int) -> None:
    """Extract a queued upload into a draft plan (worker side). Idempotent: a job already claimed, done or failed
    is left alone, and the draft is written in one transaction or not at all."""
    claimed = ExtractionJob.objects.filter(pk=pk, state=ExtractionJob.State.QUEUED).update(
        state=ExtractionJob.State.RUNNING, runner=runner_id(), started=timezone.now())
    if not claimed:
        return
    job = ExtractionJob.objects.select_related("created_by").get(pk=pk)
    try:
        upload = ContentFile(private_files.read(job.file_key), name=job.filename)
        source = read_upload(upload)
        with transaction.atomic():
            plan = create_draft(source, user=job.created_by, code=job.code, filename=job.filename)
    except (ExtractError, PlanFileError) as exc:
        _finish(pk, state=ExtractionJob.State.FAILED, error=str(exc)[:500])
        return
    except FileNotFoundError:
        _finish(pk, state=ExtractionJob.State.FAILED, error="上传的文件已不在存储中，请重新上传")
        return
    except Exception as exc:  # noqa: BLE001 - the office sees a message, the log keeps the traceback
        logger.exception("plan extraction %s failed", pk)
        _finish(pk, state=ExtractionJob.State.FAILED,
                error=f"方案提取失败（{type(exc).__name__}），请检查文件后重新上传")
        return
    _finish(pk, state=ExtractionJob.State.DONE, error="", plan=plan)


def _finish(pk: int, **fields) -> None:
    job = ExtractionJob.objects.get(pk=pk)
    ExtractionJob.objects.filter(pk=pk, state=ExtractionJob.State.RUNNING).update(file_key="", **fields)
    # The upload is no longer needed once its outcome is recorded (a failed one is re-uploaded).
    private_files.delete(job.file_key)


def recover_interrupted_jobs(is_dead) -> int:
    """Fail extraction jobs whose worker died (nothing was written: the draft is one transaction)."""
    return fail_dead(ExtractionJob.objects.filter(state=ExtractionJob.State.RUNNING), is_dead,
                     runner="runner", clock="started",
                     failed={"state": ExtractionJob.State.FAILED, "error": INTERRUPTED, "file_key": ""},
                     on_failed=lambda job: private_files.delete(job.file_key), load=("file_key",))


def read_txt_file_like(uploaded):
    data = uploaded.read()
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return read_text(data.decode(encoding))
        except UnicodeDecodeError:
            continue
    raise ExtractError("无法识别文本文件的编码（应为 UTF-8 或 GB18030）")


@transaction.atomic
def create_draft(source, *, user, code: str = "", filename: str = "") -> Plan:
    """Extract ``source`` (a reading.Source) and store it as a draft plan (source text and spans kept)."""
    result = extract_source(source)
    assign_codes(result)
    owner = owner_of(user)
    resolver = UnitResolver(owner) if owner is not None else None
    data = make_draft(result, owner=owner, code=code, resolver=resolver)
    existing = Plan.objects.filter(code=data["code"]).first()
    if existing is not None and existing.status != PlanStatus.DRAFT:
        raise PlanFileError(f"方案编码 {data['code']} 已被{existing.get_status_display()}的方案使用，请换一个编码")
    if existing is None:
        # A draft has no working rules of its own yet: start from the owner's newest plan's.
        previous = Plan.objects.filter(owner_unit=owner).order_by("-year").first() if owner else None
        if previous is not None:
            data["settings"] = {**{k: v for k, v in (previous.settings or {}).items() if k != "extraction"},
                                **data["settings"]}
            if previous.office_unit_id:
                data["office_unit"] = previous.office_unit.name
    plan = load_plan(data, status=PlanStatus.DRAFT)
    record_event("plan.extract", user=user, obj=plan, detail={
        "file": filename, "tasks": len(result.all_tasks()), "targets": len(result.targets),
        "proposed_units": data["settings"]["extraction"]["proposed_units"],
        "warnings": len(data["settings"]["extraction"]["warnings"]),
    })
    return plan


def draft_yaml(plan: Plan) -> str:
    """The draft as editable YAML (without the extraction sidecar, which is kept aside)."""
    data = dump_plan(plan)
    data["settings"] = {k: v for k, v in (plan.settings or {}).items() if k != "extraction"}
    return yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=1000)


@transaction.atomic
def save_draft_yaml(plan: Plan, text: str, *, user) -> Plan:
    """Apply the office's corrections (the draft as YAML), validated by the loader."""
    plan = Plan.objects.select_for_update().get(pk=plan.pk)
    if plan.status != PlanStatus.DRAFT:
        raise PlanFileError("只有草稿状态的方案可以修改")
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise PlanFileError(f"草稿不是有效的 YAML：{exc}") from exc
    if not isinstance(data, dict):
        raise PlanFileError("草稿的顶层必须是字典")
    if data.get("code") != plan.code:
        raise PlanFileError(f"草稿的方案编码应为 {plan.code}，不能修改")
    settings = copy.deepcopy(data.get("settings") or {})
    if (plan.settings or {}).get("extraction"):
        settings["extraction"] = plan.settings["extraction"]
    data["settings"] = settings
    data["status"] = PlanStatus.DRAFT
    plan = load_plan(data, status=PlanStatus.DRAFT)
    record_event("plan.draft_edit", user=user, obj=plan)
    return plan


@transaction.atomic
def activate_plan(plan: Plan, *, user) -> Plan:
    """draft → active."""
    plan = Plan.objects.select_for_update().get(pk=plan.pk)
    if plan.status != PlanStatus.DRAFT:
        raise PlanFileError(f"方案当前状态为“{plan.get_status_display()}”，只有草稿可以启用")
    if not plan.tasks.exists():
        raise PlanFileError("草稿中没有任务，不能启用")
    plan.status = PlanStatus.ACTIVE
    plan.save(update_fields=["status", "last_updated"])
    record_event("plan.activate", user=user, obj=plan)
    return plan


def _split(text: str) -> list[str]:
    return split_unit_list(text)


@transaction.atomic
def save_draft_form(plan: Plan, post, *, user) -> Plan:
    """Apply the review form: task titles and units, indicator names, comparators, targets, tasks; deletions."""
    plan = Plan.objects.select_for_update().get(pk=plan.pk)
    if plan.status != PlanStatus.DRAFT:
        raise PlanFileError("只有草稿状态的方案可以修改")
    data = dump_plan(plan)
    data["settings"] = plan.settings or {}
    tasks_by_number = {t.number: t.pk for t in plan.tasks.all()}

    def apply(items):
        for item in items:
            pk = tasks_by_number.get(item["number"])
            prefix = f"task-{pk}-"
            if f"{prefix}title" in post:
                title = post.get(f"{prefix}title", "").strip()
                if not title:
                    raise PlanFileError(f"任务{item['number']}的标题不能为空")
                item["title"] = title
                item["lead"] = _split(post.get(f"{prefix}lead", ""))
                item["responsible"] = _split(post.get(f"{prefix}responsible", ""))
            apply(item.get("children", []))

    apply(data["tasks"])
    renamed = _split_and_merge(data, post, tasks_by_number)
    indicators = {i.code: i.pk for i in plan.indicators.all()}
    kept = []
    for item in data["indicators"]:
        prefix = f"ind-{indicators[item['code']]}-"
        if post.get(f"{prefix}delete"):
            continue
        if f"{prefix}target" in post:
            item["name"] = post.get(f"{prefix}name", "").strip() or item["name"]
            item["comparator"] = post.get(f"{prefix}comparator", item["comparator"])
            item["target"] = post.get(f"{prefix}target", "").strip()
            item["measure"] = post.get(f"{prefix}measure", "").strip()
            item["tasks"] = [n for n in re.split(r"[、,，\s]+", post.get(f"{prefix}tasks", "")) if n]
        # A target of a task merged into the one before it follows that task.
        item["tasks"] = list(dict.fromkeys(renamed.get(n, n) for n in item.get("tasks") or []))
        kept.append(item)
    deleted = {i["code"] for i in data["indicators"]} - {i["code"] for i in kept}
    for item in kept:
        if item.get("part_of") in deleted:
            item.pop("part_of")
    data["indicators"] = kept
    plan = load_plan(data, status=PlanStatus.DRAFT)
    record_event("plan.draft_edit", user=user, obj=plan, detail={"deleted_indicators": sorted(deleted)})
    return plan


def _split_and_merge(data: dict, post, tasks_by_number: dict) -> dict:
    """Apply "并入上一项" (merge a task into the one before it at the same level) and "拆分" (a new task after
    it, with the title given). Returns {merged task number: the number it was merged into}."""
    renamed: dict[str, str] = {}
    numbers = set(tasks_by_number)

    def walk(items: list) -> list:
        out: list = []
        previous = None  # the task before, as listed on the page (a task split off just now is not listed)
        for item in items:
            item["children"] = walk(item.get("children", []))
            if not item["children"]:
                item.pop("children")
            prefix = f"task-{tasks_by_number.get(item['number'])}-"
            if post.get(f"{prefix}merge") and previous is not None:
                into = previous
                for role in ("lead", "responsible"):
                    into[role] = list(dict.fromkeys((into.get(role) or []) + (item.get(role) or [])))
                into["text"] = "\n".join(t for t in (into.get("text", ""), item.get("text", "")) if t)
                if item.get("children"):
                    into.setdefault("children", []).extend(item["children"])
                renamed[item["number"]] = into["number"]
                for old, new in list(renamed.items()):
                    if new == item["number"]:
                        renamed[old] = into["number"]
                continue
            out.append(item)
            previous = item
            title = (post.get(f"{prefix}split") or "").strip()
            if title:
                k = 2
                while f"{item['number']}-{k}" in numbers:
                    k += 1
                number = f"{item['number']}-{k}"
                numbers.add(number)
                out.append({"number": number, "title": title, "key": False,
                            "lead": list(item.get("lead") or []), "responsible": list(item.get("responsible") or []),
                            "text": ""})
        return out

    data["tasks"] = walk(data["tasks"])
    return renamed
