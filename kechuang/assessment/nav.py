from kechuang.accounts.models import Role
from kechuang.core.nav import NavItem

ITEMS = [
    NavItem("年终考核", "assessment:scheme_list", (Role.OFFICE, Role.LEADER, Role.REPORTER, Role.REVIEWER), 55,
            "award"),
]
