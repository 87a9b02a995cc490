from kechuang.core.nav import NavItem

ITEMS = [NavItem("精准对接", "matching:demand_list", ("office", "leader", "reporter", "reviewer"), 61, "link-45deg")]
