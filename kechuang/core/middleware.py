"""Response headers that Django's SecurityMiddleware does not set."""

from django.conf import settings
from django.db import DataError
from django.http import JsonResponse
from django.http.multipartparser import MultiPartParserError
from django.shortcuts import render
from django.utils.cache import patch_cache_control

from .params import BadParameter


class SecurityHeadersMiddleware:
    """Adds a strict Content-Security-Policy: every asset is served from this origin and no script runs that is
    not a static file (no inline scripts or handlers, no eval; behaviour is declared in markup, see app.js)."""

    policy = (
        "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; "
        "script-src 'self'; object-src 'none'; base-uri 'self'; "
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
    """A page asked with an out-of-range or malformed parameter answers 400 with the reason, not 500. Bodies
    larger than any upload may be are refused from the Content-Length header before a byte is read, and NUL
    characters (which PostgreSQL cannot store) are refused in query strings and in form or JSON bodies."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        if length > settings.KECHUANG_MAX_REQUEST_BYTES:
            return self._refuse(request, f"上传内容超过 {settings.KECHUANG_MAX_REQUEST_BYTES // 1024 // 1024} MB", 413)
        if "%00" in request.META.get("QUERY_STRING", ""):
            return self._refuse(request, "参数中不能包含空字符（NUL）", 400)
        content_type = request.META.get("CONTENT_TYPE", "")
        if request.method in ("POST", "PUT", "PATCH") and content_type.startswith(
            ("application/json", "application/x-www-form-urlencoded")
        ):
            body = request.body
            if b"\x00" in body or b"\\u0000" in body or b"%00" in body:
                return self._refuse(request, "提交的内容中不能包含空字符（NUL）", 400)
        elif (request.method == "POST" and content_type.startswith("multipart/form-data")
              and not request.path.startswith("/api/")):  # the API reads the raw body itself
            try:
                fields = request.POST
            except MultiPartParserError:
                return self._refuse(request, "提交的内容格式不正确", 400)
            if any("\x00" in value for _, values in fields.lists() for value in values):
                return self._refuse(request, "提交的内容中不能包含空字符（NUL）", 400)
        return self.get_response(request)

    @staticmethod
    def _refuse(request, message: str, status: int):
        if request.path.startswith("/api/"):
            return JsonResponse({"detail": message}, status=status)
        return render(request, "400.html", {"message": message}, status=status)

    def process_exception(self, request, exception):
        if isinstance(exception, BadParameter):
            message = str(exception)
        elif isinstance(exception, (OverflowError, DataError, MultiPartParserError)):
            message = "请求参数超出允许范围或格式不正确"
        else:
            return None
        return render(request, "400.html", {"message": message}, status=400)
