"""`kechuang backup DIR`: the database, every stored file and a manifest of checksums and row counts."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from kechuang.core.backup import BackupError, backup


class Command(BaseCommand):
    help = ("备份到目录 DIR（新目录或空目录）：数据库（SQLite 在线备份或 pg_dump -Fc）、存储中的全部文件，"
            "以及 manifest.json（每个文件的 SHA-256 与每张表的行数）")

    def add_arguments(self, parser):
        parser.add_argument("directory", help="备份目录")

    def handle(self, *args, **options):
        directory = Path(options["directory"])
        try:
            manifest = backup(directory)
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        rows = sum(manifest["tables"].values())
        size = sum(f["size"] for f in manifest["files"])
        self.stdout.write(
            f"已备份到 {directory}：数据库 {len(manifest['tables'])} 张表 {rows} 行，"
            f"文件 {len(manifest['files'])} 个（{size / 1024 / 1024:.1f} MB）。个人信息密钥不在备份中，请另行保管。"
        )
