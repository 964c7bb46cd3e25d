"""`dangjian bootstrap`: a fresh production database gets its root organization and first county admin."""

import json
import subprocess
import sys
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.test import Client

from dangjian.accounts.models import User
from dangjian.core.management.commands import bootstrap
from dangjian.core.models import AuditEntry
from dangjian.orgs.models import Organization

pytestmark = pytest.mark.django_db

PASSWORD = "Jingde-2026-admin"
ARGS = ["--org-name", "中共旌德县委员会", "--org-code", "341825", "--domain", "organ", "--admin", "admin"]


def run(*args, **options) -> str:
    out = StringIO()
    call_command("bootstrap", *args, stdout=out, stderr=out, **options)
    return out.getvalue()


@pytest.fixture
def password_env(monkeypatch):
    monkeypatch.setenv("DANGJIAN_ADMIN_PASSWORD", PASSWORD)
    return ["--password-env", "DANGJIAN_ADMIN_PASSWORD"]


def test_bootstrap_creates_the_root_organization_and_the_first_admin(password_env):
    output = run(*ARGS, *password_env)
    root = Organization.objects.get()
    assert (root.name, root.code, root.kind, root.domain) == (
        "中共旌德县委员会",
        "341825",
        "committee",
        "organ",
    )
    assert (root.parent, root.path, root.depth, root.is_grassroots) == (None, f"{root.pk}/", 0, False)
    admin = User.objects.get()
    assert (admin.username, admin.role, admin.org, admin.is_active) == ("admin", "county_admin", root, True)
    assert admin.display_name == "组织部管理员"
    assert not admin.is_superuser
    assert "已建立根组织“中共旌德县委员会”" in output and "admin" in output
    response = Client().post("/accounts/login/", {"username": "admin", "password": PASSWORD})
    assert response.status_code == 302


def test_the_new_admin_sees_the_whole_tree_and_manages_accounts(password_env):
    run(*ARGS, *password_env)
    client = Client()
    client.post("/accounts/login/", {"username": "admin", "password": PASSWORD})
    assert client.get("/orgs/").status_code == 200
    assert client.get("/accounts/users/").status_code == 200


def test_bootstrap_is_audited_without_the_password(password_env):
    run(*ARGS, *password_env)
    entries = list(AuditEntry.objects.order_by("id"))
    assert [(e.action, e.object_type, e.actor_name) for e in entries] == [
        ("create", "orgs.organization", "系统"),
        ("create", "accounts.user", "系统"),
    ]
    text = json.dumps([[e.summary, e.before, e.after] for e in entries], ensure_ascii=False)
    assert PASSWORD not in text and "password" not in text


def test_bootstrap_refuses_when_organizations_exist(county, password_env):
    orgs, users, entries = Organization.objects.count(), User.objects.count(), AuditEntry.objects.count()
    with pytest.raises(CommandError, match="已有党组织"):
        run(*ARGS, *password_env)
    assert (Organization.objects.count(), User.objects.count(), AuditEntry.objects.count()) == (
        orgs,
        users,
        entries,
    )


def test_bootstrap_refuses_on_a_seeded_database(password_env):
    call_command("seed", members=600, verbosity=0)
    orgs, users = Organization.objects.count(), User.objects.count()
    with pytest.raises(CommandError, match="已有党组织"):
        run(*ARGS, *password_env)
    assert (Organization.objects.count(), User.objects.count()) == (orgs, users)


def test_running_bootstrap_twice_changes_nothing_the_second_time(password_env):
    run(*ARGS, *password_env)
    with pytest.raises(CommandError, match="已有党组织"):
        run(*ARGS[:-1], "admin2", *password_env)
    assert Organization.objects.count() == 1 and User.objects.count() == 1


@pytest.mark.parametrize(
    ("password", "message"),
    [("12345678", "--password：.*密码不能全是数字"), ("short", "至少需要 8 个字符")],
)
def test_a_weak_password_is_refused_and_nothing_is_created(password, message):
    with pytest.raises(CommandError, match=message):
        run(*ARGS, "--password", password)
    assert not Organization.objects.exists() and not User.objects.exists()


def test_a_bad_user_name_names_its_option():
    with pytest.raises(CommandError, match="--admin：用户名只能包含"):
        run(*ARGS[:-1], "ad min", "--password", PASSWORD)
    assert not Organization.objects.exists()


def test_an_empty_password_variable_is_refused(monkeypatch):
    monkeypatch.delenv("NO_SUCH_PASSWORD", raising=False)
    with pytest.raises(CommandError, match="环境变量 NO_SUCH_PASSWORD 未设置"):
        run(*ARGS, "--password-env", "NO_SUCH_PASSWORD")


def test_the_password_is_asked_for_twice_at_a_terminal(monkeypatch):
    answers = iter([PASSWORD, PASSWORD])
    monkeypatch.setattr(bootstrap.Command, "stdin_is_interactive", staticmethod(lambda: True))
    monkeypatch.setattr(bootstrap.getpass, "getpass", lambda prompt: next(answers))
    run(*ARGS, "--display-name", "县委组织部")
    assert User.objects.get().display_name == "县委组织部"


def test_two_different_passwords_at_the_terminal_are_refused(monkeypatch):
    answers = iter([PASSWORD, PASSWORD + "x"])
    monkeypatch.setattr(bootstrap.Command, "stdin_is_interactive", staticmethod(lambda: True))
    monkeypatch.setattr(bootstrap.getpass, "getpass", lambda prompt: next(answers))
    with pytest.raises(CommandError, match="两次输入的密码不一致"):
        run(*ARGS)
    assert not Organization.objects.exists()


def test_without_a_terminal_or_a_password_it_says_how_to_give_one(monkeypatch):
    monkeypatch.setattr(bootstrap.Command, "stdin_is_interactive", staticmethod(lambda: False))
    with pytest.raises(CommandError, match="--password-env"):
        run(*ARGS)


def test_the_console_command_exits_non_zero_when_refused(tmp_path):
    """The real `dangjian bootstrap` process, on a database that already holds an organization."""
    env = {
        "DANGJIAN_TESTING": "1",
        "DANGJIAN_VAR_DIR": str(tmp_path),
        "PATH": "/usr/bin:/bin",
        "BOOTSTRAP_PASSWORD": PASSWORD,
    }
    dangjian = [sys.executable, "-m", "dangjian.cli"]
    subprocess.run([*dangjian, "migrate", "-v", "0"], env=env, check=True, capture_output=True)
    args = [*dangjian, "bootstrap", *ARGS, "--password-env", "BOOTSTRAP_PASSWORD"]
    first = subprocess.run(args, env=env, capture_output=True, text=True)
    assert first.returncode == 0, first.stderr
    second = subprocess.run(args, env=env, capture_output=True, text=True)
    assert second.returncode != 0
    assert "已有党组织" in second.stderr
