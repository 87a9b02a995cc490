"""The ``kechuang`` console script: every management command, e.g. ``kechuang loadplan FILE``."""

import os
import sys

from django.core.management import execute_from_command_line


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kechuang.settings")

    execute_from_command_line(["kechuang", *sys.argv[1:]])


if __name__ == "__main__":
    main()
