"""`dangjian serve`: the production server: collect static files, then waitress on HOST:PORT.

Configuration comes from the environment like every other setting: HOST (default 127.0.0.1), PORT (8000),
THREADS (8), TRUSTED_PROXY (the address of the reverse proxy in front, e.g. 127.0.0.1). Put a reverse proxy
(TLS) in front of it on a real network and name it in TRUSTED_PROXY: only then does waitress take the client
address from X-Forwarded-For, which the login lock-out and the audit log depend on.
"""

import os

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser


def _positive_int(name: str, default: int) -> int:
    value = os.environ.get(name) or str(default)
    if not value.isdigit() or int(value) < 1:
        raise CommandError(f"环境变量 {name} 应为正整数，现为 {value!r}")
    return int(value)


class Command(BaseCommand):
    help = "生产服务：收集静态文件后用 waitress 运行（环境变量 HOST、PORT、THREADS）"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--host", default=None, help="监听地址（默认取 HOST，缺省 127.0.0.1）")
        parser.add_argument("--port", type=int, default=None, help="端口（默认取 PORT，缺省 8000）")
        parser.add_argument("--threads", type=int, default=None, help="线程数（默认取 THREADS，缺省 8）")

    def handle(self, *args, **options) -> None:
        host = options["host"] or os.environ.get("HOST") or "127.0.0.1"
        port = options["port"] or _positive_int("PORT", 8000)
        threads = options["threads"] or _positive_int("THREADS", 8)
        if settings.DEBUG:
            self.stderr.write(
                self.style.WARNING(
                    "警告：DEBUG 已开启，出错时会向访问者显示调试信息。生产环境请设置环境变量 DEBUG=false。"
                )
            )
        self.stdout.write("正在收集静态文件……")
        call_command("collectstatic", interactive=False, verbosity=0)
        self.stdout.write(f"党建通已启动：http://{host}:{port}（waitress，{threads} 个线程）")
        self.run_waitress(host=host, port=port, threads=threads)

    def run_waitress(self, *, host: str, port: int, threads: int) -> None:
        from waitress import serve

        from dangjian.wsgi import application

        proxy = os.environ.get("TRUSTED_PROXY", "").strip()
        extra = {}
        if proxy:
            extra = {
                "trusted_proxy": proxy,
                "trusted_proxy_headers": {"x-forwarded-for", "x-forwarded-proto", "x-forwarded-host"},
                "clear_untrusted_proxy_headers": True,
            }
        serve(application, host=host, port=port, threads=threads, **extra)
