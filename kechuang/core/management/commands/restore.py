"""`kechuang restore DIR`: verify a backup against its manifest, then restore it onto an empty instance."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from kechuang.core.backup import BackupError, restore


class Command(BaseCommand):
    help = ("从备份目录 DIR 恢复到空实例：先按 manifest.json 校验每个文件（不符即拒绝），"
            "再恢复数据库（PostgreSQL 用 pg_restore --single-transaction）与存储文件，并核对每张表的行数")

    def add_arguments(self, parser):
        parser.add_argument("directory", help="备份目录")
        parser.add_argument("--ignore-pii-key", action="store_true",
                            help="本实例的个人信息密钥与备份时不同也继续（人才身份证号、电话将无法解密）")

    def handle(self, *args, **options):
        directory = Path(options["directory"])
        try:
            manifest = restore(directory, ignore_pii_key=options["ignore_pii_key"])
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        rows = sum(manifest["tables"].values())
        self.stdout.write(
            f"已从 {directory} 恢复：{len(manifest['tables'])} 张表 {rows} 行、{len(manifest['files'])} 个文件，"
            "行数与校验值均与清单一致。若程序版本比备份新，请再执行 kechuang migrate。"
        )
