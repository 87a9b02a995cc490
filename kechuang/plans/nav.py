from kechuang.accounts.models import Role
from kechuang.core.nav import NavItem

ITEMS = [NavItem("导入方案", "plans:extract_upload", (Role.OFFICE,), 15, "file-earmark-arrow-up")]
