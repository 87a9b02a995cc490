from kechuang.core.nav import NavItem

ITEMS = [
    NavItem("账号管理", "accounts:user_list", "accounts.list_users", 200, "people"),
    NavItem("修改密码", "accounts:password_change", None, 290, "key"),
    NavItem("接口令牌", "accounts:token_list", None, 295, "braces"),
]
