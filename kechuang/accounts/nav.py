from kechuang.core.nav import NavItem

from .models import Role

ITEMS = [
    NavItem("账号管理", "accounts:user_list", (Role.SYSADMIN, Role.SECADMIN), 200, "people"),
]
