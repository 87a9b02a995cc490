"""The daily tick: every app's housekeeping in one command (on the top floor because it reaches them all)."""

import datetime as dt

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from kechuang.core.fingerprint import compact
from kechuang.core.jobs import recover_interrupted
from kechuang.plans.choices import PlanStatus
from kechuang.plans.models import Plan
from kechuang.quality.services import schedule_check
from kechuang.registry.services import purge_import_files
from kechuang.supervision.services import tick


class Command(BaseCommand):
    help = "定时任务（每日运行）：生成填报期，发送报送提醒与催办通知，提出督办建议；重复运行不会重复发送。"

    def add_arguments(self, parser):
        parser.add_argument("--as-of", help="业务日期 YYYY-MM-DD（默认今天）")
        parser.add_argument("--plan", help="方案编码（默认所有执行中的方案）")

    def handle(self, *args, **options):
        try:
            as_of = dt.date.fromisoformat(options["as_of"]) if options.get("as_of") else timezone.localdate()
        except ValueError as exc:
            raise CommandError("日期格式应为 YYYY-MM-DD") from exc
        plans = Plan.objects.filter(code=options["plan"]) if options.get("plan") else Plan.objects.filter(
            status=PlanStatus.ACTIVE)
        if options.get("plan") and not plans.exists():
            raise CommandError(f"找不到方案：{options['plan']}")
        for plan in plans:
            result = tick(plan, as_of)
            self.stdout.write(
                f"{plan.code} {as_of}：发送通知 {len(result['notices'])} 条，新增督办建议 {len(result['proposals'])} 项"
            )
        purged = purge_import_files()
        if purged:
            self.stdout.write(f"删除超过保留期限的导入文件 {purged} 个")
        # Jobs whose worker died (on any node) end as failed with a message instead of "running" forever.
        interrupted = recover_interrupted()
        if interrupted:
            self.stdout.write(f"标记中断的后台任务 {interrupted} 个为失败")
        compact()  # the data fingerprint's change log folded to one row per scope (also every 5 min by the worker)
        schedule_check("daily")  # the full data-quality check (monthly values too), in the task worker
