"""The background worker (`dangjian worker`, django-tasks-db) runs queued roster imports to the end."""

import pytest
from django.core.management import call_command

from dangjian.members.models import ImportJob, Member
from dangjian.members.services.importing import import_job_submit

from .test_import_workbooks import person, workbook


def test_the_worker_command_runs_a_queued_import(audit_cleanup, personas, county, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    settings.DANGJIAN_IMPORT = {"SYNC_ROWS": 1, "MAX_ROWS": 100, "MAX_BYTES": 10**7}
    job = import_job_submit(
        actor=personas.officer, filename="大文件.xlsx", data=workbook([person(), person("A2")])
    )
    assert job.state == "queued" and Member.objects.count() == 19
    call_command("worker", batch=True, verbosity=0)
    job = ImportJob.objects.get(pk=job.pk)
    assert job.state == "succeeded" and job.created_count == 2 and not job.file
    assert Member.objects.count() == 21


def test_demo_runs_a_worker_beside_the_server_and_stops_it_on_exit(monkeypatch):
    from dangjian.core.management.commands import demo

    calls = []
    monkeypatch.setattr(demo, "start_worker_process", lambda: calls.append("start") or "worker")
    monkeypatch.setattr(demo, "stop_worker_process", lambda process: calls.append(("stop", process)))

    def runserver(name, addrport, **options):
        calls.append((name, addrport))
        raise KeyboardInterrupt  # Ctrl+C

    monkeypatch.setattr(demo, "call_command", runserver)
    with pytest.raises(KeyboardInterrupt):
        demo.Command().run_server("127.0.0.1:8000")
    assert calls == ["start", ("runserver", "127.0.0.1:8000"), ("stop", "worker")]


def test_stopping_a_worker_ends_its_process():
    import subprocess
    import sys

    from dangjian.core.management.commands.worker import stop_worker_process, worker_command

    assert worker_command()[-2:] == ["db_worker", "--no-reload"]
    process = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    stop_worker_process(process)
    assert process.poll() is not None
    stop_worker_process(process)  # already ended: nothing to do
    stop_worker_process(None)
