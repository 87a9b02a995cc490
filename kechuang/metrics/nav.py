from kechuang.accounts.models import Role
from kechuang.core.nav import NavItem

ITEMS = [
    NavItem("统计数据", "metrics:statistical_list", (Role.OFFICE,), 60, "bar-chart-line"),
]
