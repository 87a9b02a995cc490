from kechuang.accounts.models import Role
from kechuang.core.nav import NavItem

ITEMS = [NavItem("审计日志", "audit:event_list", (Role.AUDITOR,), 300, "shield-check")]
