"""API authentication: a bearer token (no CSRF: it is not sent by browsers on their own) or the browser session
(CSRF-checked for unsafe methods). The token is tried first so that a token request never meets the session's
CSRF check."""

from django.utils import timezone
from ninja.security import APIKeyCookie, HttpBearer

from kechuang.accounts.models import APIToken


class SessionAuth(APIKeyCookie):
    """Django session cookie; CSRF is enforced for unsafe methods."""

    param_name = "sessionid"

    def authenticate(self, request, key):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and user.is_active:
            return user
        return None


class TokenAuth(HttpBearer):
    def authenticate(self, request, token):
        row = (
            APIToken.objects.select_related("user")
            .filter(key_hash=APIToken.hash_key(token), is_active=True, user__is_active=True,
                    expires_at__gt=timezone.now())
            .first()
        )
        if row is None:
            return None
        APIToken.objects.filter(pk=row.pk).update(last_used=timezone.now())
        request.user = row.user
        return row.user
