from kechuang.accounts.models import Role
from kechuang.core.nav import NavItem

ITEMS = [
    NavItem("首页", "web:home", (Role.OFFICE, Role.LEADER, Role.REPORTER, Role.REVIEWER), 0, "house"),
    NavItem(
        "工作方案", "plans:plan_list", (Role.OFFICE, Role.LEADER, Role.REPORTER, Role.REVIEWER), 10, "journal-text"
    ),
    NavItem("单位名录", "web:unit_list", (Role.OFFICE, Role.LEADER, Role.REPORTER, Role.REVIEWER), 90, "diagram-3"),
]
