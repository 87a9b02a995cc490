"""Load the bundled plan and deterministic demo data (演示数据), and print the demo accounts."""

import random

import yaml
from django.core.management.base import BaseCommand
from django.db import transaction

from kechuang.accounts.models import User, UserRole
from kechuang.core.discovery import app_modules
from kechuang.core.models import SystemFlag
from kechuang.org.models import Unit
from kechuang.plans.loader import DATA_DIR, bundled_plan_path, load_plan

DEMO_PASSWORD = "Kechuang@2022"


def bundled_plan_codes() -> list[str]:
    """Plan files shipped with the package (the demo loads the first unless told otherwise)."""
    return sorted(p.stem for p in DATA_DIR.glob("*.yaml") if "." not in p.stem)


def demo_accounts(plan_code: str) -> list[dict]:
    """The demo accounts shipped beside the plan file (one per role)."""
    path = DATA_DIR / f"{plan_code}.demo-accounts.yaml"
    return yaml.safe_load(path.read_text("utf-8")) if path.exists() else []


class Command(BaseCommand):
    help = "加载随软件分发的方案与演示数据（可重复执行），并列出演示账号"

    def add_arguments(self, parser):
        parser.add_argument("--plan", default=None, help="随软件分发的方案编码（默认第一个）")
        parser.add_argument("--seed", type=int, default=2022)
        parser.add_argument("--quiet", action="store_true")

    def handle(self, *args, **options):
        options["plan"] = options["plan"] or bundled_plan_codes()[0]
        with transaction.atomic():
            plan = load_plan(bundled_plan_path(options["plan"]), status="active")
            accounts = demo_accounts(options["plan"])
            for account in accounts:
                user = User.objects.filter(username=account["username"]).first()
                if user is None:
                    unit = Unit.objects.get(name=account["unit"]) if account.get("unit") else None
                    user = User.objects.create_user(
                        username=account["username"],
                        password=DEMO_PASSWORD,
                        unit=unit,
                        display_name=account["label"].split("（")[0],
                        is_demo=True,
                    )
                for role in account["roles"]:
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
        for account in accounts:
            self.stdout.write(f"  {account['username']:<10} {account['label']}")
