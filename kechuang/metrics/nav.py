from kechuang.core.nav import NavItem

ITEMS = [NavItem("统计数据", "metrics:statistical_list", "metrics.view_statistical_list", 60, "bar-chart-line")]
