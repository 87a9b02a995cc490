import io

import openpyxl
from django.core.files.uploadedfile import SimpleUploadedFile

from kechuang.accounts.models import User
from kechuang.core.access import PLAN_READERS, TOWN_USERS, Route, html_links, xlsx_column
from kechuang.core.testing import PASSWORD
from kechuang.org.models import Unit
from kechuang.registry.models import PLATFORM_KINDS, Enterprise, ImportJob, KeyConflict, Level, Platform, Talent
from kechuang.registry.services import start_import
from kechuang.registry.validators import make_id_number, make_uscc

OWN_TOWN_READERS = frozenset({"office", "leader", "lead", "dept", "talent", "town"})
OTHER_TOWN_READERS = frozenset({"office", "leader", "lead", "dept", "talent", "town_b"})
CHANGERS = frozenset({"office"}) | TOWN_USERS


def _enterprise(town_name, uscc_seed):
    def build(ctx):

        uscc = make_uscc(f"91421381MA{uscc_seed:07d}")
        ent, _ = Enterprise.objects.get_or_create(
            uscc=uscc, defaults={"name": f"演示{town_name}企业", "town": Unit.objects.get(name=town_name)}
        )
        return ent

    return build


_own = _enterprise("武胜关镇", 9000001)
_other = _enterprise("杨寨镇", 9000002)
_zone = _enterprise("经济开发区", 9000003)
# A town, a street or the zone sees its own rows; the office, leaders and departments see every row.
JURISDICTION = {"town": "武胜关镇", "town_b": "杨寨镇", "zone": "经济开发区"}


def _three_towns(ctx):
    """Enterprises and talents in three jurisdictions, so each list shows a different set per persona."""
    _talent(ctx)
    for n, employer in enumerate((_other(ctx), _zone(ctx)), start=2):
        if not Talent.objects.filter(employer=employer).exists():
            talent = Talent(name=f"演示人才{n}", category="高端人才", employer=employer)
            talent.set_id_number(make_id_number(f"4213811990010{n}123"))
            talent.save()
    return {}


def _expected(model, town_path):
    def rows(ctx, persona):
        qs = model.objects.all()
        if persona in JURISDICTION:
            qs = qs.filter(**{f"{town_path}__name": JURISDICTION[persona]})
        return set(qs.values_list("pk", flat=True))

    return rows


def _three_platforms(ctx):
    """A platform hosted in each of the three jurisdictions."""
    for n, host in enumerate((_own(ctx), _other(ctx), _zone(ctx))):
        Platform.objects.get_or_create(name=f"演示平台{n}", defaults={
            "kind": PLATFORM_KINDS[0], "level": Level.values[0], "host": host})
    return {}


def _platform_rows(ctx, persona):
    return _expected(Platform, "host__town")(ctx, persona)


def _three_towns_list(registry):
    def build(ctx):
        _three_towns(ctx)
        return {"registry": registry}

    return build


def _enterprise_rows(ctx, persona):
    return _expected(Enterprise, "town")(ctx, persona)


def _talent_rows(ctx, persona):
    return _expected(Talent, "employer__town")(ctx, persona)


def _talent(ctx):
    talent = Talent.objects.filter(name="演示人才矩阵").first()
    if talent is None:
        talent = Talent(name="演示人才矩阵", category="高端人才", employer=_own(ctx))
        talent.set_id_number(make_id_number("42138119900101123"))
        talent.set_phone("13812345678")
        talent.save()
    return talent


def _job(ctx):
    job, _ = ImportJob.objects.get_or_create(
        registry="enterprises",
        user=ctx.users["town"],
        filename="x.xlsx",
        defaults={"content": b"", "status": "invalid"},
    )
    return {"pk": job.pk}


def _enterprise_file(uscc_seed, name):
    """An .xlsx with one enterprise of 武胜关镇 (new for the office, its own for the town)."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["统一社会信用代码", "企业名称", "所在镇办/开发区"])
    ws.append([make_uscc(f"91421381MA{uscc_seed:07d}"), name, "武胜关镇"])
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def _valid_job(ctx):
    """The town's validated upload, waiting for its commit."""
    job = start_import("enterprises", ctx.users["town"], "企业.xlsx", _enterprise_file(9000011, "演示提交企业"))
    assert job.status == "valid", job.errors
    return {"pk": job.pk}


def _new_enterprise(ctx):
    return {"uscc": make_uscc("91421381MA9000012"), "name": "演示接口企业",
            "town": Unit.objects.get(name="武胜关镇").pk}


def _upload(ctx):
    return {"file": SimpleUploadedFile("企业.xlsx", _enterprise_file(9000013, "演示接口导入企业"))}


def _detail(build, registry="enterprises"):
    return lambda ctx: {"registry": registry, "pk": build(ctx).pk}


def _conflict(ctx):
    town = User.objects.get(username="town")
    conflict, _ = KeyConflict.objects.get_or_create(
        registry="enterprises", record_id=_other(ctx).pk, unit_id=town.unit_id, resolved_at=None,
        defaults={"user": town, "source": "form"},
    )
    return {"pk": conflict.pk}


ROUTES = [
    # Conflicts name records outside the submitting unit's jurisdiction: the office only.
    Route("registry:conflicts", allow={"office"}),
    Route("registry:conflict_resolve", allow={"office"}, method="POST", ok=(302,), kwargs=_conflict,
          data={"note": "已转移"}),
    Route("registry:index", allow=PLAN_READERS),
    Route("registry:list", allow=PLAN_READERS, kwargs=lambda ctx: {"registry": "enterprises"}),
    # What each persona's pages and files show, row by row (the same sets as the API lists below).
    Route("registry:list", allow=PLAN_READERS, note="rows", kwargs=_three_towns_list("enterprises"),
          rows=_enterprise_rows, seen=html_links(r"/registry/enterprises/(\d+)/")),
    Route("registry:list", allow=PLAN_READERS, note="rows", kwargs=_three_towns_list("talents"),
          rows=_talent_rows, seen=html_links(r"/registry/talents/(\d+)/")),
    Route("registry:export", allow=PLAN_READERS, note="rows", kwargs=_three_towns_list("enterprises"),
          rows=_enterprise_rows, seen=xlsx_column("registry.Enterprise", "统一社会信用代码", "uscc")),
    Route("registry:export", allow=PLAN_READERS, note="rows", kwargs=_three_towns_list("talents"),
          rows=_talent_rows, seen=xlsx_column("registry.Talent", "姓名", "name")),
    Route("registry:list", allow=PLAN_READERS, kwargs=lambda ctx: {"registry": "experts"}),
    # University agreements are city-level: towns have no access.
    Route("registry:list", allow=PLAN_READERS - TOWN_USERS, kwargs=lambda ctx: {"registry": "agreements"}),
    Route("registry:detail", allow=OWN_TOWN_READERS, kwargs=_detail(_own)),
    Route("registry:detail", allow=OTHER_TOWN_READERS, kwargs=_detail(_other)),
    Route("registry:detail", allow=OWN_TOWN_READERS, kwargs=_detail(_talent, "talents")),
    Route("registry:history", allow=OWN_TOWN_READERS, kwargs=_detail(_own)),
    Route("registry:create", allow=CHANGERS, kwargs=lambda ctx: {"registry": "enterprises"}),
    Route("registry:edit", allow={"office", "town"}, kwargs=_detail(_own)),
    Route("registry:edit", allow={"office", "town_b"}, kwargs=_detail(_other)),
    # Only holders of the PII-viewer right may unmask (the talent persona); each unmask is audited.
    Route("registry:unmask", allow={"talent"}, method="POST", kwargs=_detail(_talent, "talents")),
    Route("registry:export", allow=PLAN_READERS, kwargs=lambda ctx: {"registry": "enterprises"}),
    Route("registry:export", allow=PLAN_READERS, kwargs=lambda ctx: {"registry": "talents"}),
    Route("registry:export_unmasked", allow={"talent"}, method="POST", kwargs=lambda ctx: {"registry": "talents"},
          data={"reason": "人才津贴发放核对", "password": PASSWORD}),
    Route("registry:template", allow=CHANGERS, kwargs=lambda ctx: {"registry": "enterprises"}),
    Route("registry:import", allow=CHANGERS, kwargs=lambda ctx: {"registry": "enterprises"}),
    Route("registry:import_job", allow={"town"}, kwargs=_job),
    Route("registry:import_commit", allow={"town"}, method="POST", ok=(302,), kwargs=_valid_job),
    # The matrix's invalid job has no file left: its uploader is sent back to the job page with the reason.
    Route("registry:import_errors_xlsx", allow={"town"}, ok=(302,), kwargs=_job),
    Route("api:list_enterprises", allow=PLAN_READERS, kwargs=_three_towns, rows=_enterprise_rows),
    Route("api:get_enterprise", allow=OWN_TOWN_READERS, kwargs=lambda ctx: {"enterprise_id": _own(ctx).pk}),
    Route("api:get_enterprise", allow=OTHER_TOWN_READERS, kwargs=lambda ctx: {"enterprise_id": _other(ctx).pk}),
    Route("api:list_platforms", allow=PLAN_READERS),
    Route("api:list_platforms", allow=PLAN_READERS, note="rows", kwargs=_three_platforms, rows=_platform_rows),
    Route("registry:list", allow=PLAN_READERS, note="platform rows",
          kwargs=lambda ctx: {**_three_platforms(ctx), "registry": "platforms"},
          rows=_platform_rows, seen=html_links(r"/registry/platforms/(\d+)/")),
    Route("api:list_talents", allow=PLAN_READERS, kwargs=_three_towns, rows=_talent_rows),
    Route("api:get_talent", allow=OWN_TOWN_READERS, kwargs=lambda ctx: {"talent_id": _talent(ctx).pk}),
    Route("api:list_contracts", allow=PLAN_READERS),
    # Writes: the changers reach validation (a body that is not a JSON object: 400/422); others get 404.
    Route(
        "api:create_row", allow=CHANGERS, method="POST", ok=(400, 422), kwargs=lambda ctx: {"registry": "enterprises"},
        changes=False, note="no body",
    ),
    # The office creates the row; the town then meets its own duplicate, another town the neutral refusal.
    Route("api:create_row", allow=CHANGERS, method="POST", ok=(201, 422), note="a new enterprise",
          kwargs=lambda ctx: {"registry": "enterprises"}, data=_new_enterprise),
    Route("api:import_file", allow=CHANGERS, method="POST", ok=(422,), kwargs=lambda ctx: {"registry": "enterprises"},
          changes=False, note="no file"),
    Route("api:import_file", allow=CHANGERS, method="POST", ok=(200,), kwargs=lambda ctx: {"registry": "enterprises"},
          query="commit=true", data=_upload, note="a file"),
]
