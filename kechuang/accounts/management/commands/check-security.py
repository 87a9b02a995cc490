"""`kechuang check-security`: 三员分立 and token hygiene on the live database (no superuser, no administrator with a
business role, every active API token with an expiry). Exits 1 and lists each problem in Chinese."""

from django.core.management.base import BaseCommand, CommandError

from kechuang.accounts.services import security_problems


class Command(BaseCommand):
    help = "检查三员分立与接口令牌：无超级用户、管理员不兼任业务角色、令牌均有有效期"

    def handle(self, *args, **options):
        problems = security_problems()
        if problems:
            raise CommandError("安全检查未通过：\n" + "\n".join(f"- {p}" for p in problems))
        self.stdout.write("安全检查通过：无超级用户，管理员未兼任业务角色，接口令牌均有有效期。")
