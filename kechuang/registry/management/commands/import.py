"""``kechuang import REGISTRY FILE [--commit]``: validate (and with --commit, write) an Excel file.

Dry run unless --commit. Exit status 1 and the list of errors when the file has errors.
Runs as the system (no scope restriction); the import is recorded in the audit log.
"""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from kechuang.registry.config import REGISTRIES
from kechuang.registry.importing import run_import


class Command(BaseCommand):
    help = "从 Excel 文件导入科技资源库（默认只校验；--commit 才写入）"

    def add_arguments(self, parser):
        parser.add_argument("registry", help="资源库：" + ", ".join(REGISTRIES))
        parser.add_argument("file", help=".xlsx 文件")
        parser.add_argument("--commit", action="store_true", help="校验无误后写入（默认只校验）")

    def handle(self, registry, file, commit=False, **options):
        if registry not in REGISTRIES:
            raise CommandError(f"未知的资源库“{registry}”；可选：{', '.join(REGISTRIES)}")
        path = Path(file)
        if not path.is_file():
            raise CommandError(f"找不到文件：{file}")
        try:
            result = run_import(registry, path.read_bytes(), None, commit=commit, filename=path.name)
        except Exception as exc:  # noqa: BLE001 - run_import reports file faults itself; this is the last net
            raise CommandError("导入失败（系统内部错误），未写入任何数据", returncode=1) from exc
        for warning in result.warnings:
            self.stdout.write(f"提示：{warning}")
        for warning in result.row_warnings:
            self.stdout.write(f"请核实：{warning}")
        if result.row_warning_count > len(result.row_warnings):
            self.stdout.write(f"……共 {result.row_warning_count} 处需要核实")
        if not result.ok:
            for error in result.errors:
                self.stderr.write(str(error))
            if result.error_count > len(result.errors):
                self.stderr.write(f"……共 {result.error_count} 处错误")
            raise CommandError(f"文件有 {result.error_count} 处错误，未写入任何数据", returncode=1)
        verb = "已写入" if result.committed else "校验通过（未写入，加 --commit 写入）"
        counts = f"新增 {result.created}，更新 {result.updated}，无变化 {result.unchanged}"
        self.stdout.write(f"{verb}：共 {result.total_rows} 行，{counts}")
