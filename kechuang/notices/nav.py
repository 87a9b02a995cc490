from kechuang.accounts.models import Role
from kechuang.core.nav import NavItem

ITEMS = [
    NavItem("通知渠道", "notices:channel_list", (Role.OFFICE,), 290, "broadcast"),
]
