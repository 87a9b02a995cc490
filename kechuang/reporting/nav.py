from kechuang.core.nav import NavItem

# 本月填报 and 填报情况 open the same page (``views.home``), which sends each user on by these two permissions.
ITEMS = [
    NavItem("本月填报", "reporting:home", "reporting.fill_report", 20, "pencil-square"),
    NavItem("待审核", "reporting:review_home", "reporting.view_reviewqueue", 25, "check2-square"),
    NavItem("填报情况", "reporting:home", "reporting.view_completeness", 26, "grid-3x3"),
]
