"""Response headers that Django's SecurityMiddleware does not set."""

from django.conf import settings
from django.db import DataError
from django.http.multipartparser import MultiPartParserError
from django.shortcuts import render
from django.utils.cache import patch_cache_control

from .params import BadParameter


class SecurityHeadersMiddleware:
    """Adds a strict Content-Security-Policy: every asset is served from this origin."""

    policy = (
        "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; "
        "script-src 'self' 'unsafe-inline' 'unsafe-eval'; object-src 'none'; base-uri 'self'; "
        "frame-ancestors 'none'; form-action 'self'"
    )

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if not request.path.startswith(settings.STATIC_URL):
            response.setdefault("Content-Security-Policy", self.policy)
        response.setdefault("Cross-Origin-Opener-Policy", "same-origin")
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and not request.path.startswith(settings.STATIC_URL):
            # Pages and downloads of a signed-in user hold scoped (and sometimes personal) data: no cache keeps them.
            patch_cache_control(response, no_store=True, private=True)
        return response


class BadInputMiddleware:
    """A page asked with an out-of-range or malformed parameter answers 400 with the reason, not 500."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if isinstance(exception, BadParameter):
            message = str(exception)
        elif isinstance(exception, (OverflowError, DataError, MultiPartParserError)):
            message = "请求参数超出允许范围或格式不正确"
        else:
            return None
        return render(request, "400.html", {"message": message}, status=400)
