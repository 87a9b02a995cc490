from django.shortcuts import get_object_or_404
from ninja import Router, Schema

from kechuang.core.scoping import restrict, restrict_or_404

from .models import Unit

PREFIX = "/units"
router = Router(tags=["单位"])


class UnitOut(Schema):
    id: int
    code: str
    name: str
    full_name: str
    kind: str
    parent_id: int | None


@router.get("/", response=list[UnitOut])
def list_units(request):
    return list(restrict_or_404(Unit.objects.filter(is_active=True), request.auth))


@router.get("/{code}", response=UnitOut)
def get_unit(request, code: str):
    return get_object_or_404(restrict(Unit.objects.all(), request.auth), code=code)
