"""Session and account guards: the idle timer, and after a reset link a new password before anything else."""

import time

from django.conf import settings
from django.shortcuts import redirect
from django.urls import reverse


class MustChangePasswordMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and getattr(user, "must_change_password", False):
            allowed = {reverse("accounts:password_change"), reverse("logout")}
            if request.path not in allowed and not request.path.startswith(("/static/", "/api/")):
                return redirect("accounts:password_change")
        return self.get_response(request)


class IdleSessionMiddleware:
    """Every request of a signed-in user renews the idle timeout (SESSION_COOKIE_AGE, 30 minutes), but the session
    is written at most once a minute (KECHUANG_SESSION_RENEW_SECONDS): saving it on every request cost a database
    write per page view, and on SQLite the one write lock. The timeout is thus between 29 and 30 idle minutes.
    Sits after SessionMiddleware, which saves the session the way out when this marks it."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        session = getattr(request, "session", None)
        if session is not None and "_auth_user_id" in session:
            now = int(time.time())
            if now - session.get("_kc_renewed", 0) >= settings.KECHUANG_SESSION_RENEW_SECONDS:
                session["_kc_renewed"] = now
        return response
