from django.core.management.base import BaseCommand, CommandError

from kechuang.plans.loader import PlanFileError, load_plan


class Command(BaseCommand):
    help = "加载（或更新）工作方案文件：kechuang loadplan FILE.yaml"

    def add_arguments(self, parser):
        parser.add_argument("file")
        parser.add_argument("--status", choices=["draft", "active", "archived"])

    def handle(self, *args, **options):
        try:
            plan = load_plan(options["file"], status=options.get("status"))
        except PlanFileError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(
            f"已加载方案 {plan.code}：{plan.title}（任务 {plan.tasks.count()} 项，指标 {plan.indicators.count()} 项）"
        )
