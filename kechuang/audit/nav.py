from kechuang.core.nav import NavItem

ITEMS = [NavItem("审计日志", "audit:event_list", "audit.view_auditlog", 300, "shield-check")]
