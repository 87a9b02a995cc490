from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import render

from kechuang.core.params import parse_date
from kechuang.core.perms import check_perm
from kechuang.core.scoping import restrict

from .labels import DOMAINS
from .models import AuditEvent


@login_required
def event_list(request):
    """The audit log, filterable by user, action, result and date; read-only for the auditor."""
    check_perm(request.user, "audit.view_auditlog")
    events = restrict(AuditEvent.objects.all(), request.user)
    filters = {k: request.GET.get(k, "").strip() for k in ("username", "action", "result", "since", "until")}
    if filters["username"]:
        events = events.filter(username__icontains=filters["username"])
    if filters["action"]:
        events = events.filter(action__startswith=filters["action"])
    if filters["result"]:
        events = events.filter(result=filters["result"])
    since, until = parse_date(filters["since"], "起始日期"), parse_date(filters["until"], "截止日期")
    if since:
        events = events.filter(time__date__gte=since)
    if until:
        events = events.filter(time__date__lte=until)
    page = Paginator(events, 50).get_page(request.GET.get("page"))
    return render(
        request, "audit/event_list.html",
        {"page": page, "filters": filters, "results": AuditEvent.Result.choices, "domains": DOMAINS},
    )
