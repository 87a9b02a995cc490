from kechuang.core.nav import NavItem

ITEMS = [NavItem("数据质量", "quality:index", "quality.view_violation", 31, "clipboard-check")]
