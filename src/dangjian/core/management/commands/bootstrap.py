"""`dangjian bootstrap`: the first start of a production install — the root organization and its first admin.

    dangjian bootstrap --org-name 中共某某县委员会 --org-code 341825 --domain organ --admin admin

The password is asked for twice at the terminal, or read from the environment variable named by
`--password-env` (for scripts); `--password` also works but leaves the password in the shell history.
Refused when the database holds any organization, so running it a second time changes nothing.
"""

import getpass
import os

from django.core.management.base import BaseCommand, CommandError, CommandParser

from dangjian.accounts.services import platform_bootstrap
from dangjian.core.errors import ServiceError
from dangjian.orgs.models import Domain

FIELD_OPTIONS = {
    "org_name": "--org-name",
    "org_code": "--org-code",
    "domain": "--domain",
    "username": "--admin",
    "display_name": "--display-name",
    "password": "--password",
}


class Command(BaseCommand):
    help = (
        "新装平台的初始化：建立根组织（县委）和第一个组织部管理员账号。数据库中已有党组织时拒绝执行。"
        "密码在终端输入两次，或用 --password-env 指定存放密码的环境变量。"
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--org-name", required=True, help="根组织名称，如 中共某某县委员会")
        parser.add_argument("--org-code", required=True, help="根组织编码（全平台唯一），如 341825")
        parser.add_argument(
            "--domain",
            default=Domain.ORGAN,
            choices=Domain.values,
            help="根组织的领域（默认 organ 机关）",
        )
        parser.add_argument("--admin", required=True, help="第一个组织部管理员的用户名")
        parser.add_argument("--display-name", default="", help="管理员姓名（默认“组织部管理员”）")
        source = parser.add_mutually_exclusive_group()
        source.add_argument(
            "--password", help="管理员密码（会留在命令历史中，建议改用终端输入或 --password-env）"
        )
        source.add_argument("--password-env", metavar="VAR", help="从这个环境变量读取管理员密码")

    def handle(self, *args, **options) -> None:
        password = self._password(options)
        try:
            org, user = platform_bootstrap(
                org_name=options["org_name"],
                org_code=options["org_code"],
                domain=options["domain"],
                username=options["admin"],
                password=password,
                display_name=options["display_name"],
            )
        except ServiceError as exc:
            raise CommandError(self._message(exc)) from None
        self.stdout.write(
            self.style.SUCCESS(
                f"已建立根组织“{org.name}”（编码 {org.code}）和组织部管理员账号“{user.username}”。"
            )
        )
        self.stdout.write(
            "下一步：用该账号登录，在“组织架构”中逐级设立下级组织，在“用户管理”中为各级开设账号。"
        )

    def _password(self, options) -> str:
        if options["password"] is not None:
            return options["password"]
        if options["password_env"]:
            name = options["password_env"]
            value = os.environ.get(name)
            if not value:
                raise CommandError(f"环境变量 {name} 未设置或为空")
            return value
        if not self.stdin_is_interactive():
            raise CommandError("请在终端中运行以输入密码，或用 --password-env 指定存放密码的环境变量")
        first = getpass.getpass("管理员密码：")
        second = getpass.getpass("再次输入密码：")
        if first != second:
            raise CommandError("两次输入的密码不一致")
        return first

    @staticmethod
    def stdin_is_interactive() -> bool:
        return os.isatty(0)

    @staticmethod
    def _message(exc: ServiceError) -> str:
        details = [
            f"{FIELD_OPTIONS.get(error.get('field'), error.get('field'))}：{error['message']}"
            for error in exc.errors
            if error.get("field")
        ]
        return "；".join(details) if details else exc.message
