"""Who receives an organization's reminders, and the daily job (`dangjian remind`, the worker task)."""

import datetime as dt
import io

import pytest
from django.core import mail
from django.core.management import CommandError, call_command

from dangjian.accounts.models import User
from dangjian.notifications import tasks
from dangjian.notifications.models import Notification
from dangjian.notifications.selectors import RecipientIndex, recipients_for
from dangjian.notifications.services import Reminder, reminders_run

TODAY = "2026-04-01"  # the first quarter just ended with nothing held anywhere


def names(users):
    return sorted(u.username for u in users)


@pytest.mark.parametrize(
    ("org", "direct", "escalated"),
    [
        ("village_a1", ["zhibu"], ["xiangzhen", "zhibu"]),
        ("village_a2", [], ["xiangzhen"]),
        ("group_a1", [], ["xiangzhen"]),  # the first 党委 above, skipping the branch
        ("village_b1", ["zhibu_b"], ["zhibu_b"]),  # 丙镇党委 has no account: nobody above to tell
        ("town_a", ["xiangzhen"], ["admin", "xiangzhen"]),
        ("town_b", [], ["admin"]),
        ("root", ["admin"], ["admin"]),  # the reviewer attached to the root is no recipient
    ],
)
def test_recipients_are_the_accounts_of_the_org_and_on_escalation_the_committee_above(
    county, personas, org, direct, escalated
):
    target = getattr(county, org)
    assert names(recipients_for(target)) == direct
    assert names(recipients_for(target, escalate=True)) == escalated
    index = RecipientIndex()
    assert names(index.recipients(target.pk, target.path)) == direct
    assert names(index.recipients(target.pk, target.path, escalate=True)) == escalated


def test_deactivated_accounts_and_roles_outside_the_tree_receive_nothing(county, personas):
    personas.officer.is_active = False
    personas.officer.save()
    User.objects.create_user(username="dangyuan2", role="member", org=county.village_a1)
    assert names(recipients_for(county.village_a1, escalate=True)) == ["zhibu"]


def test_a_committee_officer_above_a_general_branch_is_found_past_it(county, personas):
    from tests.factories import make_org

    general = make_org(name="机关党总支", kind="general_branch", domain="organ", parent=county.town_a)
    branch = make_org(name="第一党支部", kind="branch", domain="organ", parent=general)
    assert names(recipients_for(branch, escalate=True)) == ["xiangzhen"]


# --- the command -----------------------------------------------------------------------------------------------


def run(*args):
    out = io.StringIO()
    call_command("remind", *args, stdout=out)
    return out.getvalue()


def test_remind_delivers_and_prints_counts_per_source_and_channel(county, personas):
    personas.secretary.email = "zhibu@example.org"
    personas.secretary.save()
    out = run("--today", TODAY)
    created = Notification.objects.count()
    assert created > 0
    assert "每日提醒 2026-04-01" in out
    assert "dangjian.orglife.reminders.collect：" in out and "dangjian.orgs.reminders.collect：" in out
    assert f"消息提醒：新增 {created} 条，已提醒过 0 条" in out
    assert "电子邮件：发送 1 封，失败 0 封" in out
    assert "短信：发送 0 条" in out
    assert len(mail.outbox) == 1


def test_running_the_job_twice_the_same_day_sends_nothing_more(county, personas):
    personas.secretary.email = "zhibu@example.org"
    personas.secretary.save()
    run("--today", TODAY)
    rows = Notification.objects.count()
    out = run("--today", TODAY)
    assert Notification.objects.count() == rows
    assert f"消息提醒：新增 0 条，已提醒过 {rows} 条" in out
    assert len(mail.outbox) == 1


def test_a_dry_run_counts_what_would_be_new_and_writes_nothing(county, personas):
    out = run("--today", TODAY, "--dry-run")
    assert Notification.objects.count() == 0 and mail.outbox == []
    assert "试运行" in out and "将新增" in out
    report = reminders_run(today=dt.date(2026, 4, 1), dry_run=True)
    would = sum(s.created for s in report.sources)
    assert would > 0
    reminders_run(today=dt.date(2026, 4, 1))
    assert Notification.objects.count() == would
    assert sum(s.created for s in reminders_run(today=dt.date(2026, 4, 1), dry_run=True).sources) == 0


def test_no_send_fills_the_inbox_only(county, personas):
    personas.secretary.email = "zhibu@example.org"
    personas.secretary.save()
    run("--today", TODAY, "--no-send")
    assert Notification.objects.exists() and mail.outbox == []


def test_a_bad_date_is_refused(county):
    with pytest.raises(CommandError, match="YYYY-MM-DD"):
        run("--today", "2026-13-01")


def broken_source(today):
    raise RuntimeError("来源出错")


def one_reminder(today):
    user = User.objects.get(username="zhibu")
    yield Reminder(user, f"test:{today}", "info", "general", "测试通知")


def test_a_failing_source_is_reported_and_the_others_still_deliver(county, personas, settings):
    settings.DANGJIAN_REMINDER_SOURCES = [
        "tests.notifications.test_recipients_and_command.broken_source",
        "tests.notifications.test_recipients_and_command.one_reminder",
    ]
    out = io.StringIO()
    with pytest.raises(CommandError, match="来源出错"):
        call_command("remind", "--today", TODAY, stdout=out)
    assert Notification.objects.get().title == "测试通知"
    assert "出错：RuntimeError: 来源出错" in out.getvalue()


def test_each_new_entry_counts_for_the_first_source_that_produced_it(county, personas, settings):
    source = "tests.notifications.test_recipients_and_command.one_reminder"
    settings.DANGJIAN_REMINDER_SOURCES = [source, source]
    report = reminders_run(today=dt.date(2026, 4, 1))
    assert [(s.reminders, s.created) for s in report.sources] == [(1, 1), (1, 0)]


def test_the_worker_task_runs_the_job(county, personas, settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    result = tasks.run_reminders.enqueue(TODAY)
    assert result.return_value["today"] == TODAY
    assert result.return_value["delivery"]["created"] == Notification.objects.count() > 0


def test_enqueue_hands_the_job_to_the_worker(county, personas, settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    out = run("--today", TODAY, "--enqueue")
    assert "已交给后台任务进程" in out
    assert Notification.objects.exists()
