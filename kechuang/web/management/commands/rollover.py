import yaml
from django.core.management.base import BaseCommand, CommandError

from kechuang.plans.loader import PlanFileError, read_plan_file
from kechuang.plans.models import Plan
from kechuang.web.rollover import rollover_plan


class Command(BaseCommand):
    help = "年度结转：以本年度方案（或提取的草稿）生成下一年度方案草稿，本年实际值作为基期值"

    def add_arguments(self, parser):
        parser.add_argument("--from", dest="source", required=True, help="原方案编码")
        parser.add_argument("--to", dest="target", required=True, help="新方案编码")
        parser.add_argument("--year", type=int, required=True, help="新方案年度")
        parser.add_argument("--draft", help="提取得到的草稿 YAML（可选）")

    def handle(self, *args, **options):
        source = Plan.objects.filter(code=options["source"]).first()
        if source is None:
            raise CommandError(f"方案 {options['source']} 不存在")
        try:
            draft = read_plan_file(options["draft"]) if options.get("draft") else None
            plan = rollover_plan(source, options["target"], options["year"], draft)
        except (PlanFileError, yaml.YAMLError) as exc:
            raise CommandError(str(exc)) from exc
        with_baseline = plan.indicators.filter(baseline__isnull=False).count()
        self.stdout.write(
            f"已生成方案草稿 {plan.code}：{plan.title}"
            f"（任务 {plan.tasks.count()} 项，指标 {plan.indicators.count()} 项，其中 {with_baseline} 项带基期值）"
        )
