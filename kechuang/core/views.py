"""/healthz for a load balancer: public JSON, 200 when this node can serve, 503 when not (see core.health)."""

from __future__ import annotations

from django.http import JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from .health import health


@never_cache
@require_GET
def healthz(request):
    result = health()
    return JsonResponse(result, status=200 if result["status"] == "ok" else 503,
                        json_dumps_params={"ensure_ascii": False})
