"""`dangjian worker`: run background tasks (big roster imports …) — django-tasks-db's `db_worker`.

Production runs it as a service next to `dangjian serve` (more than one may run: each claims its own
tasks). `dangjian demo` starts one beside the development server with `start_worker_process` and stops it
on exit, so background imports complete in the demo too.
"""

import subprocess
import sys

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandParser

STOP_TIMEOUT = 10  # seconds a worker gets to finish its task after being asked to stop


def worker_command(*extra: str) -> list[str]:
    return [sys.executable, "-m", "dangjian.cli", "db_worker", "--no-reload", *extra]


def start_worker_process() -> subprocess.Popen:
    """A worker in a child process with this process's environment (settings, database, keys).

    On Linux the child is also told to stop when this process dies: runserver leaves with os._exit when
    it cannot bind its port, and no `finally` would run to stop the worker then.
    """
    return subprocess.Popen(
        worker_command(), preexec_fn=_stop_with_parent if sys.platform == "linux" else None
    )


def _stop_with_parent() -> None:
    import ctypes
    import signal

    PR_SET_PDEATHSIG = 1  # prctl(2)
    ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGTERM)


def stop_worker_process(process: subprocess.Popen | None) -> None:
    """Ask the worker to stop (it finishes the task in hand), then end it if it does not."""
    if process is None or process.poll() is not None:
        return
    process.terminate()
    try:
        process.wait(timeout=STOP_TIMEOUT)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


class Command(BaseCommand):
    help = "运行后台任务（如大批量花名册导入）；生产环境与 dangjian serve 一同作为服务运行"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--interval", type=float, default=1.0, help="队列为空时每隔几秒检查一次新任务（默认 1）"
        )
        parser.add_argument("--batch", action="store_true", help="处理完已排队的任务后退出")

    def handle(self, *args, **options) -> None:
        call_command(
            "db_worker",
            interval=options["interval"],
            batch=options["batch"],
            reload=False,
            verbosity=options["verbosity"],
            stdout=self.stdout,
            stderr=self.stderr,
        )
