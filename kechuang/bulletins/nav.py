from kechuang.accounts.models import Role
from kechuang.core.nav import NavItem

ITEMS = [NavItem("季度通报", "bulletins:bulletin_list", (Role.OFFICE, Role.LEADER), 50, "file-earmark-text")]
