from kechuang.accounts.models import Role
from kechuang.core.nav import NavItem

ITEMS = [
    NavItem("科技资源库", "registry:index", (Role.OFFICE, Role.LEADER, Role.REPORTER, Role.REVIEWER), 30, "database"),
]
