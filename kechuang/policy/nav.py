from kechuang.core.nav import NavItem

ITEMS = [NavItem("企业培育", "policy:board", "policy.view_lists", 60, "award")]
