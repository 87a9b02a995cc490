"""Production refuses to run with a superuser or an administrator holding a business role (三员分立)."""

from django.conf import settings
from django.core.checks import Error, Tags, register
from django.db import DatabaseError

from .services import security_problems


@register(Tags.security, deploy=True)
def no_superuser_in_production(app_configs, **kwargs):
    if settings.DEBUG:
        return []
    try:
        problems = security_problems()
    except DatabaseError:  # not migrated yet: nothing to check
        return []
    return [Error(p, hint="运行 kechuang check-security 查看；超级用户请改为普通账号并按角色授权",
                  id="kechuang.E001") for p in problems]
