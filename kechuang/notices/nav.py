from kechuang.core.nav import NavItem

ITEMS = [NavItem("通知渠道", "notices:channel_list", "notices.view_channel_list", 290, "broadcast")]
