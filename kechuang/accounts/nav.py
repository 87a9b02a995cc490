from kechuang.core.nav import NavItem

from .models import Role

ITEMS = [
    NavItem("账号管理", "accounts:user_list", (Role.SYSADMIN, Role.SECADMIN), 200, "people"),
    NavItem("修改密码", "accounts:password_change", (), 290, "key"),
    NavItem("接口令牌", "accounts:token_list", (), 295, "braces"),
]
