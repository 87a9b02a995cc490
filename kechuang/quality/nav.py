from kechuang.accounts.models import Role
from kechuang.core.nav import NavItem

ITEMS = [
    NavItem(
        "数据质量", "quality:index", (Role.OFFICE, Role.LEADER, Role.REPORTER, Role.REVIEWER), 31, "clipboard-check"
    ),
]
