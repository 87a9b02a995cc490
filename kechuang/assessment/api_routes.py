"""Assessment API (read-only): office and leaders read the current result; a unit reads its own
published row only."""

from __future__ import annotations

from django.http import Http404
from ninja import Router

from kechuang.core.scoping import get_for_user, restrict

from .models import AssessmentResult, AssessmentScheme, ResultStatus

PREFIX = "/assessment"
router = Router(tags=["年终考核"])


@router.get("/{scheme_id}/result", response=dict)
def get_assessment_result(request, scheme_id: int):
    user = request.auth
    scheme = get_for_user(AssessmentScheme.objects.all(), user, pk=scheme_id)
    results = restrict(AssessmentResult.objects.filter(scheme=scheme), user)
    result = results.filter(status=ResultStatus.PUBLISHED).first() or results.filter(status=ResultStatus.DRAFT).first()
    if result is None:
        raise Http404
    meta = {"scheme": scheme.name, "year": scheme.year, "status": result.status, "as_of": result.as_of.isoformat()}
    if user.has_perm("assessment.view_all_results"):
        return {**meta, "groups": result.data.get("groups", [])}
    row = result.unit_row(user.unit_id)
    if row is None:
        raise Http404
    return {**meta, "unit": row}
