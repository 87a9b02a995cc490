from kechuang.core.nav import NavItem

ITEMS = [
    NavItem("督办看板", "supervision:dashboard", "supervision.view_dashboard", 1, "speedometer2"),
    NavItem("月督办清单", "supervision:supervision_list", "supervision.view_supervisionlist", 30, "list-check"),
    NavItem("督办单", "supervision:order_list", "supervision.view_order_list", 31, "file-earmark-text"),
    NavItem("月例会", "supervision:meeting_list", "supervision.view_meeting_list", 32, "people"),
    NavItem("催办通知", "supervision:notice_list", "supervision.view_notice_list", 33, "bell"),
]
