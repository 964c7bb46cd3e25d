"""`dangjian demo`: migrate, seed the demo county on first run, print the accounts, run the dev server.

`dangjian demo` (cli.py) first writes safe local settings into var/demo.env and loads them, so this needs
no configuration. Running it again reuses the database: nothing is reseeded.
"""

import unicodedata

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandParser

from dangjian.accounts.models import User
from dangjian.core.seeding import DEFAULT_MEMBERS, DEFAULT_SEED, PASSWORD
from dangjian.orgs.models import Organization

from .worker import start_worker_process, stop_worker_process

DEFAULT_ADDRPORT = "127.0.0.1:8000"
DEMO_USERNAMES = ("admin", "xiangzhen", "zhibu", "dangyuan", "pingshen")


def pad(text: str, width: int) -> str:
    """Left-justify for a terminal, where a Chinese character takes two columns."""
    columns = sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)
    return text + " " * max(0, width - columns)


def url_of(addrport: str) -> str:
    """The address to open in a browser for a runserver addrport ("8000", "0.0.0.0:8000", "[::1]:8000")."""
    host, _, port = addrport.rpartition(":")
    if not port.isdigit():
        host, port = addrport, "8000"
    if host in ("", "0.0.0.0", "0", "[::]"):
        host = "127.0.0.1"
    return f"http://{host}:{port}"


class Command(BaseCommand):
    help = "演示：更新数据库、首次运行时生成演示数据，列出演示账号，然后在 127.0.0.1:8000 启动开发服务器"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "addrport", nargs="?", default=DEFAULT_ADDRPORT, help=f"监听地址和端口（默认 {DEFAULT_ADDRPORT}）"
        )
        parser.add_argument("--seed", type=int, default=DEFAULT_SEED, help="首次生成演示数据时的随机种子")
        parser.add_argument(
            "--members", type=int, default=DEFAULT_MEMBERS, help="首次生成演示数据时的党员人数"
        )

    def handle(self, *args, **options) -> None:
        self.stdout.write("正在更新数据库结构……")
        call_command("migrate", interactive=False, verbosity=0)
        if Organization.objects.exists():
            self.stdout.write("数据库中已有组织数据，沿用现有数据。")
        else:
            self.stdout.write("首次运行：正在生成演示数据……")
            call_command(
                "seed",
                seed=options["seed"],
                members=options["members"],
                stdout=self.stdout,
                verbosity=options["verbosity"],
            )
            # The daily reminder job once, so the inboxes show what is due and overdue on the demo's day.
            self.stdout.write("正在生成今日的消息提醒……")
            call_command("remind", no_send=True, stdout=self.stdout)
        self.stdout.write(self.banner(options["addrport"]))
        self.run_server(options["addrport"])

    def banner(self, addrport: str) -> str:
        lines = ["", f"党建通演示地址：{url_of(addrport)}", f"演示账号（密码均为 {PASSWORD}）："]
        accounts = {
            u.username: u
            for u in User.objects.filter(username__in=DEMO_USERNAMES).select_related("org", "member")
        }
        for username in DEMO_USERNAMES:
            user = accounts.get(username)
            if user is None:
                continue
            if user.member_id:
                scope = f"本人档案：{user.member.name}（{user.org.name if user.org else ''}）"
            elif user.org is not None:
                scope = f"管理范围：{user.org.name}" + (
                    "（全县）" if user.org.parent_id is None else "及其下级组织"
                )
            else:
                scope = "无管理范围"
            lines.append(f"  {username:<10} {pad(user.get_role_display(), 20)} {scope}")
        lines.append("按 Ctrl+C 停止服务。")
        return "\n".join(lines)

    def run_server(self, addrport: str) -> None:
        # No autoreloader: it would start a second process that migrates and prints all of this again.
        # A background worker runs beside the server, so that big roster imports complete (worker.py).
        worker = start_worker_process()
        try:
            call_command("runserver", addrport, use_reloader=False)
        finally:
            stop_worker_process(worker)
