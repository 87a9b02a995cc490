from kechuang.core.nav import NavItem

ITEMS = [NavItem("科技资源库", "registry:index", "registry.view_registries", 30, "database")]
