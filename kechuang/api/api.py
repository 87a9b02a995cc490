"""The REST API under /api/: one router per domain, discovered from each app's api_routes.py
(``router`` and ``PREFIX``). OpenAPI at /api/openapi.json, offline docs at /api/docs."""

from django.conf import settings
from ninja import NinjaAPI

from kechuang.core.discovery import app_modules

from .auth import SessionAuth, TokenAuth

api = NinjaAPI(
    title="科创督办 API",
    version="1",
    description="科技创新工作方案的计划、填报、督办、通报与考核接口。会话或 Bearer 令牌认证；数据范围与网页一致。",
    auth=[SessionAuth(csrf=True), TokenAuth()],
    docs_url="/docs",
    urls_namespace="api",
)


def _register():
    for module in app_modules("api_routes"):
        api.add_router(module.PREFIX, module.router)


_register()
_ = settings  # settings are imported so routers can rely on configured apps
