"""Load the bundled plan and deterministic demo data (演示数据), and print the demo accounts."""

import random

from django.core.management.base import BaseCommand
from django.db import transaction

from kechuang.accounts.models import Role, User, UserRole
from kechuang.core.discovery import app_modules
from kechuang.core.models import SystemFlag
from kechuang.org.models import Unit
from kechuang.plans.loader import bundled_plan_path, load_plan

DEMO_PASSWORD = "Kechuang@2022"

# (username, unit name, roles, description)
DEMO_USERS = [
    ("office", "领导小组办公室", [Role.OFFICE], "领导小组办公室（全局管理）"),
    ("leader", "广水市", [Role.LEADER], "市领导（只读）"),
    ("auditor", None, [Role.AUDITOR], "审计管理员（仅审计日志）"),
    ("sysadmin", None, [Role.SYSADMIN], "系统管理员（账号）"),
    ("secadmin", None, [Role.SECADMIN], "安全管理员（角色）"),
    ("kjj", "市科技经信局", [Role.REPORTER, Role.REVIEWER], "市科技经信局（牵头单位）"),
    ("czj", "市财政局", [Role.REPORTER], "市财政局（责任单位）"),
    ("tjj", "市统计局", [Role.REPORTER], "市统计局（责任单位）"),
    ("rcb", "市委人才办", [Role.REPORTER, Role.REVIEWER, Role.PII_VIEWER], "市委人才办（牵头，可查看人才身份信息）"),
    ("scjgj", "市市场监管局", [Role.REPORTER, Role.REVIEWER], "市市场监管局（牵头）"),
    ("nyncj", "市农业农村局", [Role.REPORTER, Role.REVIEWER], "市农业农村局（牵头）"),
    ("wsg", "武胜关镇", [Role.REPORTER], "武胜关镇（镇办）"),
    ("yangzhai", "杨寨镇", [Role.REPORTER], "杨寨镇（镇办）"),
    ("yingshan", "应山街道", [Role.REPORTER], "应山街道（街道）"),
    ("kfq", "经济开发区", [Role.REPORTER], "经济开发区"),
]


class Command(BaseCommand):
    help = "加载广水市2022年方案与演示数据（可重复执行），并列出演示账号"

    def add_arguments(self, parser):
        parser.add_argument("--plan", default="guangshui-2022", help="随软件分发的方案编码")
        parser.add_argument("--seed", type=int, default=2022)
        parser.add_argument("--quiet", action="store_true")

    def handle(self, *args, **options):
        with transaction.atomic():
            plan = load_plan(bundled_plan_path(options["plan"]), status="active")
            for username, unit_name, roles, _desc in DEMO_USERS:
                user = User.objects.filter(username=username).first()
                if user is None:
                    unit = Unit.objects.get(name=unit_name) if unit_name else None
                    user = User.objects.create_user(
                        username=username, password=DEMO_PASSWORD, unit=unit, display_name=_desc.split("（")[0],
                        is_demo=True,
                    )
                for role in roles:
                    if not UserRole.objects.filter(user=user, role=role).exists():
                        UserRole.objects.create(user=user, role=role)
            SystemFlag.set("demo_data", "1")
        for module in app_modules("demo"):
            generate = getattr(module, "generate", None)
            if generate is not None:
                if not options["quiet"]:
                    self.stdout.write(f"生成演示数据：{module.__name__}")
                generate(plan, random.Random(options["seed"]))
        if options["quiet"]:
            return
        self.stdout.write(self.style.SUCCESS(f"已加载方案：{plan.title}（演示数据）"))
        self.stdout.write(f"演示账号（密码均为 {DEMO_PASSWORD}）：")
        for username, _unit, _roles, desc in DEMO_USERS:
            self.stdout.write(f"  {username:<10} {desc}")
