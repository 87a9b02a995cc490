from kechuang.core.nav import NavItem

ITEMS = [
    NavItem("工作方案", "plans:plan_list", "plans.view_plan_list", 10, "journal-text"),
    NavItem("导入方案", "plans:extract_upload", "plans.change_plan", 15, "file-earmark-arrow-up"),
]
