"""Load the province-scale benchmark dataset (基准测试数据) for scripts/scale-run.sh; see kechuang.web.benchdata."""

import time
from pathlib import Path

from django.core.management.base import BaseCommand

from kechuang.web.benchdata import BENCH_PASSWORD, build, office_username, reporter_username, signed_in_sessions


class Command(BaseCommand):
    help = "生成省级规模的基准测试数据（N 个县的方案 × 60 个单位 × 12 个月报送，资源库企业若干；可重复执行）"

    def add_arguments(self, parser):
        parser.add_argument("--plans", type=int, default=100, help="县（方案）数，默认 100")
        parser.add_argument("--enterprises", type=int, default=100_000, help="资源库企业数，默认 100000")
        parser.add_argument("--sessions", type=Path, help="为每个基准测试账号建立已登录会话，写入此 JSON 文件")

    def handle(self, *args, **options):
        start = time.perf_counter()
        created = build(options["plans"], options["enterprises"], log=self.stdout.write)
        self.stdout.write(self.style.SUCCESS(
            f"基准测试数据：{options['plans']} 个方案、{options['enterprises']} 家企业"
            f"（本次新建方案 {created['plans']} 个、企业 {created['enterprises']} 家、账号 {created['users']} 个，"
            f"用时 {time.perf_counter() - start:.1f} s）"))
        self.stdout.write(f"基准测试账号（密码均为 {BENCH_PASSWORD}）：{office_username(1)}（办公室）、"
                          f"{reporter_username(1, 0)}（单位填报员）… 每个县同样编号")
        if options.get("sessions"):
            n = signed_in_sessions(options["sessions"], options["plans"])
            self.stdout.write(f"已登录会话 {n} 个：{options['sessions']}")
