from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from kechuang.audit.services import record_event
from kechuang.bulletins import compose, services
from kechuang.bulletins.models import Bulletin
from kechuang.documents.pdf import PdfUnavailable, docx_to_pdf
from kechuang.plans.models import Plan


class Command(BaseCommand):
    help = "生成季度通报：kechuang bulletin --plan CODE --quarter 2022Q2 -o FILE.docx [--pdf]"

    def add_arguments(self, parser):
        parser.add_argument("--plan", required=True)
        parser.add_argument("--quarter", required=True, help="例如 2022Q2")
        parser.add_argument("-o", "--output", required=True)
        parser.add_argument("--pdf", action="store_true", help="同时生成 PDF（需要 LibreOffice）")
        parser.add_argument("--no-charts", action="store_true")

    def handle(self, *args, **options):
        plan = Plan.objects.filter(code=options["plan"]).first()
        if plan is None:
            raise CommandError(f"方案不存在：{options['plan']}")
        try:
            year, quarter = compose.parse_quarter(options["quarter"])
        except ValueError as exc:
            raise CommandError(str(exc)) from exc
        bulletin = Bulletin.objects.filter(plan=plan, year=year, quarter=quarter).first()
        if bulletin is not None and bulletin.is_issued:
            data = services.docx_bytes(bulletin)
            note = f"已印发的{bulletin.issue_label}"
        else:
            # Not issued: compose from the current data without saving anything.
            unsaved = bulletin or Bulletin(plan=plan, year=year, quarter=quarter,
                                           as_of=compose.quarter_end(year, quarter))
            unsaved.snapshot = services.build_snapshot(plan, year, quarter, unsaved.as_of)
            data = services.render(unsaved, charts=not options["no_charts"])
            note = "草稿（按当前数据）"
        out = Path(options["output"])
        out.write_bytes(data)
        record_event("bulletin.export", username="cli", obj=plan,
                     detail={"quarter": f"{year}Q{quarter}", "file": str(out), "pdf": options["pdf"]})
        self.stdout.write(f"已生成{year}年第{quarter}季度通报（{note}）：{out}")
        if options["pdf"]:
            try:
                pdf = docx_to_pdf(data)
            except PdfUnavailable as exc:
                raise CommandError(str(exc)) from exc
            pdf_path = out.with_suffix(".pdf")
            pdf_path.write_bytes(pdf)
            self.stdout.write(f"PDF：{pdf_path}")
