from kechuang.core.nav import NavItem

ITEMS = [NavItem("企业培育", "policy:board", ("office", "leader", "reporter", "reviewer"), 60, "award")]
