from kechuang.accounts.models import Role
from kechuang.core.nav import NavItem

ITEMS = [
    NavItem("本月填报", "reporting:home", (Role.REPORTER, Role.REVIEWER), 20, "pencil-square"),
    NavItem("待审核", "reporting:review_home", (Role.REVIEWER, Role.OFFICE), 25, "check2-square"),
    NavItem("填报情况", "reporting:home", (Role.OFFICE, Role.LEADER), 26, "grid-3x3"),
]
