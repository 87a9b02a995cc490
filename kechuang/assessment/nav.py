from kechuang.core.nav import NavItem

ITEMS = [NavItem("年终考核", "assessment:scheme_list", "assessment.view_scheme_list", 55, "award")]
