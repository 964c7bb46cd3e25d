"""The `dangjian` console command: `demo`, `serve`, `seed`, and every Django management command."""

import os
import sys


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "dangjian.settings")
    if len(sys.argv) > 1 and sys.argv[1] == "demo":
        # The demo is a development server: generate safe local settings before Django reads them.
        from dangjian.core.demo_env import load_demo_env

        load_demo_env()
    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)


if __name__ == "__main__":
    main()
