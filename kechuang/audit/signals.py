"""Login, logout and failed-login events."""

from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver

from .models import AuditEvent
from .services import record_event


@receiver(user_logged_in)
def on_login(sender, request, user, **kwargs):
    record_event("auth.login", user=user, request=request)


@receiver(user_logged_out)
def on_logout(sender, request, user, **kwargs):
    if user is not None:
        record_event("auth.logout", user=user, request=request)


@receiver(user_login_failed)
def on_login_failed(sender, credentials, request=None, **kwargs):
    record_event(
        "auth.login_failed",
        request=request,
        result=AuditEvent.Result.FAILURE,
        username=str(credentials.get("username", ""))[:150],
    )
