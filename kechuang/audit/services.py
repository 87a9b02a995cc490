"""Writing audit events. Every caller goes through ``record_event``."""

from __future__ import annotations

from typing import Any

from .context import current_request
from .models import AuditEvent


def client_ip(request) -> str | None:
    if request is None:
        return None
    return request.META.get("REMOTE_ADDR") or None


def record_event(
    action: str,
    *,
    user=None,
    request=None,
    obj: Any = None,
    result: str = AuditEvent.Result.SUCCESS,
    detail: dict | None = None,
    username: str | None = None,
) -> AuditEvent:
    """Append one event. ``request`` defaults to the current request (see AuditContextMiddleware)."""
    request = request if request is not None else current_request.get()
    if user is None and request is not None and getattr(request, "user", None) is not None:
        if request.user.is_authenticated:
            user = request.user
    event = AuditEvent(
        action=action,
        result=result,
        user=user if (user is not None and getattr(user, "pk", None)) else None,
        username=username or (user.get_username() if user is not None and hasattr(user, "get_username") else ""),
        ip=client_ip(request),
        user_agent=(request.META.get("HTTP_USER_AGENT", "")[:300] if request is not None else ""),
        detail=detail or {},
    )
    if obj is not None:
        event.object_type = obj._meta.label if hasattr(obj, "_meta") else type(obj).__name__
        event.object_id = str(getattr(obj, "pk", "") or "")
        event.object_repr = str(obj)[:200]
    event.save()
    return event
