from kechuang.bulletins import services
from kechuang.bulletins.models import Bulletin
from kechuang.core.access import Route


def _draft_of(quarter):
    def kwargs(ctx):
        bulletin = Bulletin.objects.filter(plan=ctx.plan, year=ctx.plan.year, quarter=quarter).first()
        if bulletin is None:
            bulletin = services.draft_bulletin(ctx.plan, ctx.plan.year, quarter, user=ctx.users["office"])
        return {"pk": bulletin.pk}

    return kwargs


_draft = _draft_of(3)
_fresh_draft = _draft_of(4)


def _issued(ctx):
    existing = Bulletin.objects.filter(plan=ctx.plan, year=ctx.plan.year, quarter=1).first()
    if existing is None:
        office = ctx.users["office"]
        existing = services.issue_bulletin(services.draft_bulletin(ctx.plan, ctx.plan.year, 1, user=office),
                                           user=office)
    return {"pk": existing.pk}


OFFICE_AND_LEADER = {"office", "leader"}

ROUTES = [
    Route("bulletins:bulletin_list", allow=OFFICE_AND_LEADER),
    Route("bulletins:bulletin_generate", allow={"office"}, method="POST", ok=(302,),
          data=lambda ctx: {"plan": ctx.plan.code, "quarter": f"{ctx.plan.year}Q2"}),
    # A draft is the office's alone; leaders read issued bulletins.
    Route("bulletins:bulletin_detail", allow={"office"}, kwargs=_draft),
    Route("bulletins:bulletin_detail", allow=OFFICE_AND_LEADER, kwargs=_issued),
    Route("bulletins:bulletin_edit", allow={"office"}, kwargs=_draft, method="POST", ok=(302,),
          data={"summary": "概述", "next_steps": "下步", "version": "1"}),
    Route("bulletins:bulletin_issue", allow={"office"}, kwargs=_fresh_draft, method="POST", ok=(302,),
          data={"version": "1"}),
    Route("bulletins:bulletin_docx", allow={"office"}, kwargs=_draft),
    Route("bulletins:bulletin_docx", allow=OFFICE_AND_LEADER, kwargs=_issued),
    Route("bulletins:bulletin_pdf", allow=OFFICE_AND_LEADER, kwargs=_issued,
          note="404 for everyone when LibreOffice is absent"),
]

ROUTES += [
    Route("api:list_bulletins", allow=OFFICE_AND_LEADER),
    Route("api:get_bulletin", allow={"office"}, kwargs=lambda ctx: {"bulletin_id": _draft(ctx)["pk"]}),
    Route("api:get_bulletin", allow=OFFICE_AND_LEADER, kwargs=lambda ctx: {"bulletin_id": _issued(ctx)["pk"]}),
]
