from django.core.management.base import BaseCommand

from kechuang.supervision.jobs import TICK_SCHEDULE, ensure_schedules


class Command(BaseCommand):
    help = "创建后台任务的定时计划（每日 01:10 运行 tick；已存在则不变）。migrate 之后会自动执行。"

    def handle(self, *args, **options):
        created = ensure_schedules()
        self.stdout.write(f"定时计划 {TICK_SCHEDULE}：{'已创建' if created else '已存在'}")
