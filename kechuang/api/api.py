"""The REST API under /api/: one router per domain, discovered from each app's api_routes.py
(``router`` and ``PREFIX``). OpenAPI at /api/openapi.json, offline docs at /api/docs."""

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, SuspiciousOperation
from django.db import DataError
from django.http.multipartparser import MultiPartParserError
from ninja import NinjaAPI
from ninja.errors import ValidationError

from kechuang.core.discovery import app_modules
from kechuang.core.params import BadParameter

from .auth import SessionAuth, TokenAuth
from .errors import chinese_errors, logger

api = NinjaAPI(
    title="科创督办 API",
    version="1",
    description="科技创新工作方案的计划、填报、督办、通报与考核接口。会话或 Bearer 令牌认证；数据范围与网页一致。",
    auth=[TokenAuth(), SessionAuth(csrf=True)],
    docs_url="/docs",
    # The API description names every route and field: behind sign-in unless KECHUANG_API_DOCS_PUBLIC is set.
    docs_decorator=None if settings.KECHUANG_API_DOCS_PUBLIC else login_required,
    urls_namespace="api",
)


@api.exception_handler(ValidationError)
def _validation_error(request, exc):
    return api.create_response(request, {"detail": chinese_errors(exc.errors)}, status=422)


@api.exception_handler(PermissionDenied)
def _forbidden(request, exc):
    return api.create_response(request, {"detail": str(exc) or "无权执行此操作"}, status=403)


@api.exception_handler(SuspiciousOperation)
def _suspicious(request, exc):
    return api.create_response(request, {"detail": "请求不合法"}, status=400)


@api.exception_handler(Exception)
def _server_error(request, exc):
    # Production answers JSON, never Django's HTML error page; the traceback goes to the log (and to the
    # developer's console under DEBUG, where the exception is re-raised).
    if settings.DEBUG:
        raise exc
    logger.exception("API error on %s", request.path)
    return api.create_response(request, {"detail": "服务器内部错误，已记录，请稍后重试或联系管理员"}, status=500)


@api.exception_handler(BadParameter)
def _bad_parameter(request, exc):
    return api.create_response(request, {"detail": str(exc)}, status=422)


@api.exception_handler(OverflowError)
@api.exception_handler(DataError)
def _out_of_range(request, exc):
    # An id or number beyond what the database stores (e.g. 2**64): the input is wrong, not the server.
    return api.create_response(request, {"detail": "参数超出允许范围"}, status=422)


@api.exception_handler(MultiPartParserError)
def _bad_body(request, exc):
    return api.create_response(request, {"detail": "请求体格式不正确"}, status=400)


def _register():
    for module in app_modules("api_routes"):
        api.add_router(module.PREFIX, module.router)


_register()
