"""Delivering reminders: inbox once per (recipient, key), one e-mail and one SMS per recipient and run, failures
recorded and retried, nothing sent twice."""

import datetime as dt
import logging
import threading

import pytest
from django.core import mail
from django.core.mail.backends import locmem
from django.core.mail.backends.base import BaseEmailBackend
from django.db import IntegrityError, close_old_connections, transaction
from django.utils import timezone

from dangjian.core.models import AuditEntry
from dangjian.notifications import services
from dangjian.notifications.models import Delivery, Notification
from dangjian.notifications.services import Reminder, deliver, deliveries_retry

PHONE = "13812345678"  # what tests/factories.make_member stores


def reminder(user, key="meeting:1:assembly:2026-Q1:reminder", level="reminder", **extra):
    values = {
        "recipient": user,
        "dedup_key": key,
        "level": level,
        "category": "meeting",
        "title": extra.pop("title", f"标题 {key}"),
        "body": "正文",
        "url": "/orgs/1/",
    }
    values.update(extra)
    return Reminder(**values)


class BrokenSms:
    calls: list = []

    def send(self, phone, text):
        BrokenSms.calls.append(phone)
        raise ConnectionError("短信网关无响应")


class RecordingSms:
    calls: list = []

    def send(self, phone, text):
        RecordingSms.calls.append((phone, text))


class BrokenEmailBackend(BaseEmailBackend):
    def send_messages(self, messages):
        raise OSError("SMTP 连接被拒绝")


class CountingEmailBackend(locmem.EmailBackend):
    opened = 0

    def open(self):
        CountingEmailBackend.opened += 1
        return True


@pytest.fixture
def emailed(personas):
    personas.secretary.email = "zhibu@example.org"
    personas.secretary.save()
    personas.officer.email = "xiangzhen@example.org"
    personas.officer.save()
    return personas


@pytest.fixture
def recording_sms(settings):
    settings.SMS_BACKEND = "tests.notifications.test_delivery.RecordingSms"
    RecordingSms.calls = []
    return RecordingSms.calls


def test_a_new_reminder_lands_in_the_inbox_and_is_emailed(emailed, settings):
    settings.SITE_URL = "https://dangjian.example.gov.cn"
    report = deliver([reminder(emailed.secretary, title="甲村党支部：2026年第1季度党员大会尚未完成")])
    assert report.created == 1 and report.repeated == 0
    entry = Notification.objects.get(recipient=emailed.secretary)
    assert entry.title == "甲村党支部：2026年第1季度党员大会尚未完成" and entry.read_at is None
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["zhibu@example.org"]
    assert "提醒：甲村党支部：2026年第1季度党员大会尚未完成" in message.subject
    assert "https://dangjian.example.gov.cn/orgs/1/" in message.body
    assert Delivery.objects.get(notification=entry).state == "sent"


def test_running_twice_adds_no_entry_and_sends_no_second_email(emailed):
    batch = [reminder(emailed.secretary), reminder(emailed.secretary, key="term:3:2027-01-10:due")]
    first = deliver(batch)
    rows, deliveries = Notification.objects.count(), Delivery.objects.count()
    second = deliver(batch)
    assert (first.created, second.created, second.repeated) == (2, 0, 2)
    assert Notification.objects.count() == rows == 2
    assert Delivery.objects.count() == deliveries
    assert len(mail.outbox) == 1


def test_the_same_key_is_a_new_entry_for_another_recipient(emailed):
    deliver([reminder(emailed.secretary)])
    report = deliver([reminder(emailed.secretary), reminder(emailed.officer)])
    assert report.created == 1
    assert Notification.objects.filter(recipient=emailed.officer).count() == 1
    assert [m.to for m in mail.outbox] == [["zhibu@example.org"], ["xiangzhen@example.org"]]


def test_repeats_within_one_call_are_delivered_once(emailed):
    report = deliver([reminder(emailed.secretary), reminder(emailed.secretary, title="另一个标题")])
    assert (report.received, report.created) == (1, 1)
    assert Notification.objects.get().title == "标题 meeting:1:assembly:2026-Q1:reminder"


def test_the_database_refuses_a_second_entry_with_the_same_key(personas):
    Notification.objects.create(recipient=personas.secretary, title="一", dedup_key="k")
    with pytest.raises(IntegrityError), transaction.atomic():
        Notification.objects.create(recipient=personas.secretary, title="二", dedup_key="k")
    assert Notification.objects.filter(recipient=personas.secretary).count() == 1


def test_entries_another_worker_inserted_first_are_neither_added_nor_sent(emailed):
    """What the slower of two simultaneous workers sees: its insert is ignored, so it sends nothing."""
    Notification.objects.create(
        recipient=emailed.secretary, title="x", dedup_key="meeting:1:assembly:2026-Q1:reminder", batch="other"
    )
    report = deliver([reminder(emailed.secretary)])
    assert report.created == 0
    assert Delivery.objects.count() == 0 and mail.outbox == []


def test_one_email_per_recipient_lists_every_new_entry_warnings_first(emailed):
    deliver(
        [
            reminder(emailed.secretary, key="a", title="提醒甲"),
            reminder(emailed.secretary, key="b", level="warning", title="预警乙"),
            reminder(emailed.officer, key="b", level="warning", title="预警乙"),
        ]
    )
    by_address = {m.to[0]: m for m in mail.outbox}
    assert len(mail.outbox) == 2
    body = by_address["zhibu@example.org"].body
    assert "您有 2 条新的消息提醒" in by_address["zhibu@example.org"].subject
    assert body.index("【预警】预警乙") < body.index("【提醒】提醒甲")
    assert Delivery.objects.filter(state="sent", channel="email").count() == 3


def test_one_connection_to_the_mail_server_serves_the_whole_run(emailed, settings):
    settings.EMAIL_BACKEND = "tests.notifications.test_delivery.CountingEmailBackend"
    CountingEmailBackend.opened = 0
    deliver([reminder(emailed.secretary), reminder(emailed.officer)])
    assert len(mail.outbox) == 2 and CountingEmailBackend.opened == 1


def test_sms_goes_to_accounts_linked_to_a_member_with_a_phone(personas, recording_sms):
    deliver([reminder(personas.member), reminder(personas.secretary)])  # the secretary has no member record
    assert recording_sms == [
        (PHONE, "【党建通】提醒：标题 meeting:1:assembly:2026-Q1:reminder。请登录平台查看。")
    ]
    assert Delivery.objects.get(channel="sms").notification.recipient == personas.member
    assert not Delivery.objects.filter(notification__recipient=personas.secretary).exists()


def test_sms_is_sent_only_for_the_configured_levels(personas, recording_sms, settings):
    settings.SMS_LEVELS = ["warning"]
    deliver([reminder(personas.member, key="a"), reminder(personas.member, key="b", level="warning")])
    assert len(recording_sms) == 1
    assert Delivery.objects.get(channel="sms").notification.dedup_key == "b"


def test_the_logging_sms_backend_logs_a_masked_phone_and_never_the_text(personas, caplog):
    with caplog.at_level(logging.INFO, logger="dangjian.notifications"):
        report = deliver([reminder(personas.member, title="甲村党支部：机密标题")])
    assert report.sent["sms"] == 1
    assert "138****5678" in caplog.text
    assert PHONE not in caplog.text and "机密标题" not in caplog.text


def test_a_failing_sms_gateway_is_recorded_as_failed_and_the_inbox_entry_is_kept(personas, settings):
    settings.SMS_BACKEND = "tests.notifications.test_delivery.BrokenSms"
    BrokenSms.calls = []
    report = deliver([reminder(personas.member)])
    assert report.created == 1 and report.failed["sms"] == 1 and report.sent["sms"] == 0
    assert Notification.objects.filter(recipient=personas.member).exists()
    delivery = Delivery.objects.get()
    assert (delivery.state, delivery.attempts) == ("failed", 1)
    assert "短信网关无响应" in delivery.error and PHONE not in delivery.error
    assert BrokenSms.calls == [PHONE]


def test_a_failing_mail_server_does_not_stop_the_sms(personas, recording_sms, settings):
    settings.EMAIL_BACKEND = "tests.notifications.test_delivery.BrokenEmailBackend"
    personas.member.email = "dangyuan@example.org"
    personas.member.save()
    report = deliver([reminder(personas.member)])
    states = dict(Delivery.objects.values_list("channel", "state"))
    assert states == {"email": "failed", "sms": "sent"}
    assert report.failed["email"] == 1 and report.sent["sms"] == 1 and len(recording_sms) == 1


def test_failed_sending_is_retried_until_it_succeeds(personas, settings):
    settings.SMS_BACKEND = "tests.notifications.test_delivery.BrokenSms"
    deliver([reminder(personas.member)])
    settings.SMS_BACKEND = "tests.notifications.test_delivery.RecordingSms"
    RecordingSms.calls = []
    report = deliveries_retry()
    delivery = Delivery.objects.get()
    assert (delivery.state, delivery.attempts, delivery.error) == ("sent", 2, "")
    assert report.sent["sms"] == 1 and len(RecordingSms.calls) == 1
    assert deliveries_retry().sent["sms"] == 0  # sent is final
    assert len(RecordingSms.calls) == 1


def test_retries_stop_after_the_last_attempt(personas, settings):
    settings.SMS_BACKEND = "tests.notifications.test_delivery.BrokenSms"
    deliver([reminder(personas.member)])
    for _ in range(5):
        deliveries_retry()
    delivery = Delivery.objects.get()
    assert (delivery.state, delivery.attempts) == ("failed", services.MAX_ATTEMPTS)


def test_rows_claimed_by_another_sender_are_left_to_it_until_the_claim_goes_stale(personas, recording_sms):
    entry = Notification.objects.create(recipient=personas.member, title="x", dedup_key="k", level="warning")
    delivery = Delivery.objects.create(
        notification=entry, channel="sms", claim="other-sender", claimed_at=timezone.now()
    )
    assert deliveries_retry().sent["sms"] == 0 and recording_sms == []
    Delivery.objects.filter(pk=delivery.pk).update(claimed_at=timezone.now() - dt.timedelta(hours=1))
    assert deliveries_retry().sent["sms"] == 1 and len(recording_sms) == 1


def test_deactivated_accounts_get_the_entry_but_no_email(emailed):
    emailed.secretary.is_active = False
    emailed.secretary.save()
    report = deliver([reminder(emailed.secretary)])
    assert report.created == 1 and mail.outbox == [] and not Delivery.objects.exists()


def test_accounts_without_email_or_phone_only_get_the_inbox_entry(personas, recording_sms):
    report = deliver([reminder(personas.officer)])
    assert report.created == 1 and not Delivery.objects.exists()
    assert mail.outbox == [] and recording_sms == []


@pytest.mark.parametrize(
    "change",
    [
        {"level": "urgent"},
        {"dedup_key": ""},
        {"dedup_key": "k" * 201},
        {"url": "https://evil.example.com/"},
        {"category": ""},
        {"recipient": None},
    ],
)
def test_a_malformed_reminder_is_refused_before_anything_is_written(personas, change):
    good = reminder(personas.secretary, key="good")
    values = {**reminder(personas.secretary).__dict__, **change}
    with pytest.raises(ValueError):
        deliver([good, Reminder(**values)])
    assert not Notification.objects.exists()


def test_a_long_title_is_shortened_to_fit(personas):
    deliver([reminder(personas.secretary, title="长" * 250)])
    title = Notification.objects.get().title
    assert len(title) == 200 and title.endswith("…")


def test_each_run_that_adds_entries_is_audited_once(personas):
    before = AuditEntry.objects.count()
    deliver([reminder(personas.secretary, key="a"), reminder(personas.officer, key="a", level="warning")])
    entry = AuditEntry.objects.latest("id")
    assert AuditEntry.objects.count() == before + 1
    assert entry.actor is None and entry.actor_name == "系统"
    assert "2 条" in entry.summary and "预警 1" in entry.summary
    deliver([reminder(personas.secretary, key="a")])
    assert AuditEntry.objects.count() == before + 1


def test_two_workers_at_once_deliver_each_reminder_once(audit_cleanup, county, personas):
    """GIVEN the same reminders WHEN two threads (two database connections) deliver them at the same moment
    THEN each (recipient, key) is in the inbox once and e-mailed once.

    PostgreSQL only (CI runs it): SQLite's in-memory test database shares one cache between threads and answers
    "table is locked" at once instead of waiting; the file database in use has WAL and queued writers.
    """
    from django.db import connection

    if connection.vendor == "sqlite":
        pytest.skip("needs two real connections: run on PostgreSQL")
    personas.secretary.email = "zhibu@example.org"
    personas.secretary.save()
    batch = [reminder(personas.secretary, key=f"k{i}") for i in range(20)]
    start = threading.Barrier(2)
    reports, errors = [], []

    def work():
        try:
            start.wait(timeout=10)
            reports.append(deliver(batch))
        except Exception as exc:  # pragma: no cover - reported below
            errors.append(exc)
        finally:
            close_old_connections()

    threads = [threading.Thread(target=work) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert errors == []
    assert sum(r.created for r in reports) == 20
    assert Notification.objects.filter(recipient=personas.secretary).count() == 20
    assert Delivery.objects.filter(channel="email").count() == 20
    assert len(mail.outbox) == sum(1 for r in reports if r.created)
    assert sum(len(m.body.split("【提醒】")) - 1 for m in mail.outbox) == 20


def test_outcomes_are_recorded_in_batches_and_all_of_them_are_kept(personas, monkeypatch, settings):
    monkeypatch.setattr(services._Sender, "RECORD_EVERY", 2)
    settings.SMS_BACKEND = "tests.notifications.test_delivery.BrokenSms"
    for name in ("secretary", "officer", "member"):
        user = getattr(personas, name)
        user.email = f"{user.username}@example.org"
        user.save()
    report = deliver([reminder(getattr(personas, n)) for n in ("secretary", "officer", "member")])
    assert report.sent["email"] == 3 and report.failed["sms"] == 1
    assert dict(Delivery.objects.values_list("channel", "state").distinct()) == {
        "email": "sent",
        "sms": "failed",
    }
    assert not Delivery.objects.exclude(claim="").exists()
    assert set(Delivery.objects.values_list("attempts", flat=True)) == {1}
