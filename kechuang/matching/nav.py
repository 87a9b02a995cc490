from kechuang.core.nav import NavItem

ITEMS = [NavItem("精准对接", "matching:demand_list", "matching.view_demand_list", 61, "link-45deg")]
