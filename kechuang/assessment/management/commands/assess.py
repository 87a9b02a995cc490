import datetime as dt
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from kechuang.assessment import exports, services
from kechuang.assessment.models import AssessmentResult, ResultStatus
from kechuang.audit.services import record_event
from kechuang.plans.models import Plan


class Command(BaseCommand):
    help = "年终考核：kechuang assess --plan CODE --year 2022 [-o FILE.xlsx] [--as-of 2022-12-31]"

    def add_arguments(self, parser):
        parser.add_argument("--plan", required=True)
        parser.add_argument("--year", type=int, required=True)
        parser.add_argument("-o", "--output")
        parser.add_argument("--as-of", help="数据截止日期，默认当年12月31日")

    def handle(self, *args, **options):
        plan = Plan.objects.filter(code=options["plan"]).first()
        if plan is None:
            raise CommandError(f"方案不存在：{options['plan']}")
        scheme = plan.assessment_schemes.filter(year=options["year"]).first()
        if scheme is None and options["year"] == plan.year:
            scheme = services.ensure_scheme(plan)
        if scheme is None:
            raise CommandError(f"{options['year']}年没有考核方案，请先 kechuang loadassessment FILE.yaml")
        published = AssessmentResult.objects.filter(scheme=scheme, status=ResultStatus.PUBLISHED).first()
        if published is not None:
            data, note = published.data, "已公布结果"
        else:
            as_of = dt.date.fromisoformat(options["as_of"]) if options.get("as_of") else None
            data, note = services.compute(scheme, as_of), "按当前数据计算"
        for group in data["groups"]:
            self.stdout.write(f"【{group['name']}】")
            for row in group["units"]:
                veto = "（一票否决）" if row["vetoed"] else ""
                self.stdout.write(f"  {row['rank']:>2}  {row['unit']}  {row['total']}{veto}")
        if options.get("output"):
            out = Path(options["output"])
            out.write_bytes(exports.results_xlsx(data, scheme.name))
            record_event("assessment.export", username="cli", obj=scheme, detail={"file": str(out)})
            self.stdout.write(f"已导出（{note}）：{out}")
