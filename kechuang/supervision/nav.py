from kechuang.accounts.models import Role
from kechuang.core.nav import NavItem

ITEMS = [
    NavItem("督办看板", "supervision:dashboard", (Role.OFFICE, Role.LEADER), 1, "speedometer2"),
    NavItem("月督办清单", "supervision:supervision_list", (Role.OFFICE, Role.LEADER), 30, "list-check"),
    NavItem("督办单", "supervision:order_list", (Role.OFFICE, Role.LEADER, Role.REPORTER, Role.REVIEWER), 31,
            "file-earmark-text"),
    NavItem("月例会", "supervision:meeting_list", (Role.OFFICE, Role.LEADER), 32, "people"),
    NavItem("催办通知", "supervision:notice_list", (Role.OFFICE, Role.LEADER, Role.REPORTER, Role.REVIEWER), 33,
            "bell"),
]
