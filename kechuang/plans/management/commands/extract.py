import json
import sys

import yaml
from django.core.management.base import BaseCommand, CommandError

from kechuang.org.models import Unit
from kechuang.org.services import UnitResolver
from kechuang.plans.extract import ExtractError, draft, extract_path, summary
from kechuang.plans.extract.output import warnings


class Command(BaseCommand):
    help = ("从方案文件（.docx、.doc、.pdf 或 .txt）提取任务、分工和目标，生成方案草稿："
            "extract FILE [-o draft.yaml] [--json]。"
            "未能读取或归入的内容输出到标准错误；有数值却没有识别出目标、或没有识别出任务时退出码为 2")

    def add_arguments(self, parser):
        parser.add_argument("file")
        parser.add_argument("-o", "--output", help="草稿 YAML 文件（默认输出到标准输出）")
        parser.add_argument("--json", action="store_true", help="输出 JSON 摘要（任务与目标）")
        parser.add_argument("--code", default="", help="草稿方案编码")
        parser.add_argument("--owner", default="", help="所属市县单位名称（用于单位名称匹配）")

    def handle(self, *args, **options):
        try:
            result = extract_path(options["file"])
        except (ExtractError, OSError) as exc:
            raise CommandError(str(exc)) from exc
        if options["json"]:
            text = json.dumps(summary(result), ensure_ascii=False, indent=2)
        else:
            owner = None
            if options["owner"]:
                owner = Unit.objects.filter(name=options["owner"], parent__isnull=True).first() or \
                    Unit.objects.filter(name=options["owner"]).first()
            resolver = UnitResolver(owner) if owner is not None else None
            data = draft(result, owner=owner, owner_name=options["owner"], code=options["code"], resolver=resolver)
            text = yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=1000)
        if options.get("output"):
            with open(options["output"], "w", encoding="utf-8") as fh:
                fh.write(text)
            self.stderr.write(
                f"已写入 {options['output']}：任务 {len(result.all_tasks())} 项，目标 {len(result.targets)} 项")
        else:
            sys.stdout.write(text + "\n")
        notes = warnings(result)
        if notes:
            self.stderr.write(f"提示：以下 {len(notes)} 处未能读取或归入，请核对原文：")
            for note in notes:
                where = f"（原文第 {result.norm.original.count(chr(10), 0, note['ostart']) + 1} 行）" \
                    if "ostart" in note else ""
                self.stderr.write(f"  - {note['message']}{where}")
        if any(n["kind"] == "document" for n in notes):
            sys.exit(2)
