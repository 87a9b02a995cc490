from kechuang.core.nav import NavItem

ITEMS = [NavItem("季度通报", "bulletins:bulletin_list", "bulletins.view_bulletin_list", 50, "file-earmark-text")]
