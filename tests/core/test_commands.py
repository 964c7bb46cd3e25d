"""`dangjian demo` and `dangjian serve`: the wiring around the servers (which a recorder stands in for)."""

from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from dangjian.core.management.commands import demo, serve
from dangjian.core.models import AuditEntry
from dangjian.orgs.models import Organization

pytestmark = pytest.mark.django_db


@pytest.fixture
def started(monkeypatch):
    """Records the servers the commands would start, instead of starting them."""
    calls: list = []
    monkeypatch.setattr(
        demo.Command, "run_server", lambda self, addrport: calls.append(("runserver", addrport))
    )
    monkeypatch.setattr(
        serve.Command, "run_waitress", lambda self, **kwargs: calls.append(("waitress", kwargs))
    )
    return calls


def run(name: str, *args, **options) -> str:
    out = StringIO()
    call_command(name, *args, stdout=out, stderr=out, **options)
    return out.getvalue()


def test_demo_migrates_seeds_lists_the_accounts_and_starts_the_server(started):
    output = run("demo", members=600)
    assert "正在更新数据库结构" in output and "首次运行" in output
    assert Organization.objects.exists()
    assert AuditEntry.objects.filter(action="seed").count() == 1
    assert "http://127.0.0.1:8000" in output and "dangjian2026" in output
    for username, role in [
        ("admin", "组织部管理员"),
        ("xiangzhen", "党（工）委工作人员"),
        ("zhibu", "党支部书记/组织委员"),
        ("dangyuan", "党员"),
    ]:
        line = next(line for line in output.splitlines() if line.strip().startswith(username))
        assert role in line
    assert "中共旌德县委（全县）" in output
    assert started == [("runserver", "127.0.0.1:8000")]


def test_a_second_demo_run_does_not_seed_again(started):
    run("demo", members=600)
    output = run("demo", "0.0.0.0:9000", members=600)
    assert "沿用现有数据" in output and "首次运行" not in output
    assert AuditEntry.objects.filter(action="seed").count() == 1
    assert "http://127.0.0.1:9000" in output
    assert started[-1] == ("runserver", "0.0.0.0:9000")


@pytest.mark.parametrize(
    ("addrport", "url"),
    [
        ("127.0.0.1:8000", "http://127.0.0.1:8000"),
        ("8080", "http://127.0.0.1:8080"),
        ("0.0.0.0:8000", "http://127.0.0.1:8000"),
        ("192.168.1.5:80", "http://192.168.1.5:80"),
    ],
)
def test_demo_url_follows_the_address(addrport, url):
    assert demo.url_of(addrport) == url


def test_serve_collects_static_files_and_starts_waitress_from_the_environment(
    started, settings, tmp_path, monkeypatch
):
    settings.STATIC_ROOT = tmp_path / "static"
    settings.DEBUG = False
    monkeypatch.setenv("HOST", "127.0.0.1")
    monkeypatch.setenv("PORT", "8123")
    monkeypatch.setenv("THREADS", "4")
    output = run("serve")
    assert (tmp_path / "static" / "admin").is_dir()
    assert started == [("waitress", {"host": "127.0.0.1", "port": 8123, "threads": 4})]
    assert "警告" not in output


def test_serve_warns_when_debug_is_on(started, settings, tmp_path, monkeypatch):
    settings.STATIC_ROOT = tmp_path / "static"
    settings.DEBUG = True
    monkeypatch.delenv("HOST", raising=False)
    monkeypatch.delenv("PORT", raising=False)
    monkeypatch.delenv("THREADS", raising=False)
    output = run("serve")
    assert "DEBUG" in output and "警告" in output
    assert started == [("waitress", {"host": "127.0.0.1", "port": 8000, "threads": 8})]


def test_serve_refuses_a_bad_port(started, settings, tmp_path, monkeypatch):
    settings.STATIC_ROOT = tmp_path / "static"
    monkeypatch.setenv("PORT", "eighty")
    with pytest.raises(CommandError, match="PORT"):
        run("serve")
    assert started == []
