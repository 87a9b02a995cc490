from kechuang.core.nav import NavItem
from kechuang.core.roles import Role

ITEMS = [NavItem("审计日志", "audit:event_list", (Role.AUDITOR,), 300, "shield-check")]
