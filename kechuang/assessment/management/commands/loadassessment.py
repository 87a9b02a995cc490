from django.core.management.base import BaseCommand, CommandError

from kechuang.assessment.services import AssessmentError, load_scheme


class Command(BaseCommand):
    help = "载入（或更新）年终考核方案文件：kechuang loadassessment FILE.yaml"

    def add_arguments(self, parser):
        parser.add_argument("file")

    def handle(self, *args, **options):
        try:
            scheme = load_scheme(options["file"])
        except AssessmentError as exc:
            raise CommandError(exc.message) from exc
        self.stdout.write(f"已载入考核方案：{scheme.name}（{len(scheme.config.get('indicators', []))} 项指标）")
