from kechuang.core.nav import NavItem

ITEMS = [
    # Every signed-in user's landing page (the administrators are sent on to their own page).
    NavItem("首页", "web:home", None, 0, "house"),
    NavItem("单位名录", "web:unit_list", "web.view_unit_list", 90, "diagram-3"),
]
