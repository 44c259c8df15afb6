"""The `fenlei` console command: Django's manage.py under the project's own name."""

import os
import sys


def main(argv: list[str] | None = None) -> int:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    from django.core.management import execute_from_command_line

    from config.env import ConfigError

    try:
        execute_from_command_line(argv if argv is not None else sys.argv)
    except ConfigError as exc:
        sys.stderr.write(f"fenlei: configuration error: {exc}\n")
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
