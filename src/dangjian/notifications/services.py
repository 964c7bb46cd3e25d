"""Writes of the inbox: deliver reminders (inbox, then e-mail and SMS), retry failed sending, mark as read.

- `deliver(reminders)` is what every module calls, the daily job included: it inserts the new inbox entries
  (`bulk_create(ignore_conflicts=True)` against the unique `(recipient, dedup_key)`, so a repeated reminder
  adds nothing and sends nothing), then sends each recipient **one** e-mail and one SMS listing their new
  entries. A channel that fails is recorded as failed (the inbox entry stays) and retried on the next run.
- `reminders_run(today=…)` is the daily job: every source of `settings.DANGJIAN_REMINDER_SOURCES`, then
  `deliver`. A source is a function `collect(today) -> Iterable[Reminder]`.
- Marking as read changes only the reader's own inbox state; it is not written to the audit log (the
  `read_at` time is the record), whereas each delivery run that adds entries is.
"""

import datetime as dt
import logging
import time
import uuid
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import F, Q
from django.http import Http404
from django.utils import timezone
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _

from dangjian.core import audit

from . import channels
from .models import Channel, Delivery, DeliveryState, Level, Notification

logger = logging.getLogger("dangjian.notifications")

MAX_ATTEMPTS = 3  # an e-mail or SMS is tried at most this many times (once per run)
STALE_CLAIM = dt.timedelta(minutes=30)  # a sender that claimed rows and vanished: others may take them over
BATCH_SIZE = 500
_LEVEL_ORDER = {Level.WARNING: 0, Level.REMINDER: 1, Level.INFO: 2}  # the order inside one e-mail or SMS


@dataclass(frozen=True)
class Reminder:
    """One message for one user, as a reminder source or a module hands it to `deliver`.

    `dedup_key` says what makes two messages the same ("meeting:12:committee:2026-03:warning"): the same
    recipient never gets the same key twice. `url` is a page of the platform ("/orgs/12/").
    """

    recipient: Any  # a User, or a user id
    dedup_key: str
    level: str  # Level: reminder / warning / info
    category: str  # Category: meeting / term / development / site / …
    title: str
    body: str = ""
    url: str = ""
    org: Any = None  # an Organization, an organization id, or None

    @property
    def recipient_id(self) -> int:
        return getattr(self.recipient, "pk", self.recipient)

    @property
    def org_id(self) -> int | None:
        return getattr(self.org, "pk", self.org)

    @property
    def key(self) -> tuple[int, str]:
        return (self.recipient_id, self.dedup_key)


@dataclass
class DeliveryReport:
    received: int = 0  # distinct reminders handed in
    created: int = 0  # new inbox entries (the rest had been delivered before)
    by_level: Counter = field(default_factory=Counter)  # new entries by level
    sent: Counter = field(default_factory=Counter)  # messages sent, by channel
    failed: Counter = field(default_factory=Counter)  # messages that failed, by channel
    created_keys: set = field(default_factory=set)  # (recipient_id, dedup_key) of the new entries

    @property
    def repeated(self) -> int:
        return self.received - self.created

    def as_dict(self) -> dict:
        return {
            "received": self.received,
            "created": self.created,
            "repeated": self.repeated,
            "by_level": dict(self.by_level),
            "sent": dict(self.sent),
            "failed": dict(self.failed),
        }


def _clean(reminder: Reminder) -> Reminder:
    if reminder.recipient_id is None:
        raise ValueError("a reminder needs a recipient")
    if reminder.level not in Level.values:
        raise ValueError(f"unknown level {reminder.level!r}")
    if not reminder.dedup_key or len(reminder.dedup_key) > 200:
        raise ValueError(f"dedup_key must have 1 to 200 characters: {reminder.dedup_key!r}")
    if len(reminder.url) > 300 or (reminder.url and not reminder.url.startswith("/")):
        raise ValueError(f"url must be a path of the platform of at most 300 characters: {reminder.url!r}")
    if not reminder.category or len(reminder.category) > 20:
        raise ValueError(f"category must have 1 to 20 characters: {reminder.category!r}")
    return reminder


def _unique(reminders: Iterable[Reminder]) -> list[Reminder]:
    """Checked reminders, the first of each (recipient, dedup_key) only."""
    seen: dict[tuple[int, str], Reminder] = {}
    for reminder in reminders:
        seen.setdefault(_clean(reminder).key, reminder)
    return list(seen.values())


def _title(text: str) -> str:
    return text if len(text) <= 200 else text[:199] + "…"


def deliver(reminders: Iterable[Reminder], *, send: bool = True) -> DeliveryReport:
    """Put the reminders nobody has had yet into their recipients' inboxes, then e-mail and text them.

    Safe to call twice or from two workers at once: the database's unique constraint decides which call
    inserts an entry, and only that call creates (and sends) its deliveries. Raises ValueError for a
    malformed reminder (a programming error) before writing anything.
    """
    unique = _unique(reminders)
    report = DeliveryReport(received=len(unique))
    if not unique:
        return report
    batch = uuid.uuid4().hex
    now = timezone.now()
    with transaction.atomic():
        Notification.objects.bulk_create(
            [
                Notification(
                    recipient_id=r.recipient_id,
                    org_id=r.org_id,
                    level=r.level,
                    category=r.category,
                    title=_title(r.title),
                    body=r.body,
                    url=r.url,
                    dedup_key=r.dedup_key,
                    batch=batch,
                )
                for r in unique
            ],
            ignore_conflicts=True,
            batch_size=BATCH_SIZE,
        )
        created = list(
            Notification.objects.filter(batch=batch).only(
                "id", "recipient_id", "level", "dedup_key", "org_id"
            )
        )
        report.created = len(created)
        report.by_level = Counter(n.level for n in created)
        report.created_keys = {(n.recipient_id, n.dedup_key) for n in created}
        Delivery.objects.bulk_create(_deliveries_for(created, claim=batch, now=now), batch_size=BATCH_SIZE)
        if created:
            audit.record(
                actor=None,
                action="create",
                object_type=Notification._meta.label_lower,
                summary=_("生成消息提醒 %(n)d 条（提醒 %(r)d，预警 %(w)d，通知 %(i)d）")
                % {
                    "n": len(created),
                    "r": report.by_level[Level.REMINDER],
                    "w": report.by_level[Level.WARNING],
                    "i": report.by_level[Level.INFO],
                },
            )
    if send:
        _send_claimed(batch, report)
    return report


def _contacts(user_ids: Iterable[int]) -> dict[int, dict]:
    """Per user: active flag, e-mail, full name and the phone of the linked member record (decrypted)."""
    from dangjian.accounts.models import User
    from dangjian.members.models import Member

    users = {
        row["id"]: row
        for row in User.objects.filter(pk__in=set(user_ids)).values(
            "id", "is_active", "email", "member_id", "display_name", "username"
        )
    }
    member_ids = {row["member_id"] for row in users.values() if row["member_id"]}
    phones = {m.pk: m.phone for m in Member.objects.filter(pk__in=member_ids).only("id", "phone")}
    for row in users.values():
        row["phone"] = phones.get(row["member_id"], "") if row["member_id"] else ""
        row["name"] = row["display_name"] or row["username"]
    return users


def _deliveries_for(notifications: list[Notification], *, claim: str, now) -> list[Delivery]:
    contacts = _contacts(n.recipient_id for n in notifications)
    sms_levels = set(settings.SMS_LEVELS)
    rows = []
    for n in notifications:
        person = contacts.get(n.recipient_id)
        if person is None or not person["is_active"]:
            continue
        wanted = []
        if person["email"]:
            wanted.append(Channel.EMAIL)
        if person["phone"] and n.level in sms_levels:
            wanted.append(Channel.SMS)
        rows.extend(Delivery(notification=n, channel=c, claim=claim, claimed_at=now) for c in wanted)
    return rows


def _email_text(person: dict, items: list[Notification]) -> tuple[str, str]:
    platform = settings.PLATFORM_NAME
    if len(items) == 1:
        subject = _("【%(platform)s】%(level)s：%(title)s") % {
            "platform": platform,
            "level": items[0].get_level_display(),
            "title": items[0].title,
        }
    else:
        subject = _("【%(platform)s】您有 %(n)d 条新的消息提醒") % {"platform": platform, "n": len(items)}
    parts = [_("%(name)s，您好：") % {"name": person["name"]}, ""]
    for item in items:
        parts.append(f"【{item.get_level_display()}】{item.title}")
        if item.body:
            parts.append(item.body)
        if item.url:
            parts.append(_("查看：%(url)s") % {"url": settings.SITE_URL + item.url})
        parts.append("")
    parts.append(
        _("—— %(platform)s（本邮件由系统自动发送，请勿回复；全部消息见平台的“消息提醒”）")
        % {"platform": platform}
    )
    return subject, "\n".join(parts)


def _sms_text(items: list[Notification]) -> str:
    platform = settings.PLATFORM_NAME
    if len(items) == 1:
        return _("【%(platform)s】%(level)s：%(title)s。请登录平台查看。") % {
            "platform": platform,
            "level": items[0].get_level_display(),
            "title": items[0].title,
        }
    return _("【%(platform)s】您有 %(n)d 条新的消息提醒，如：%(title)s。请登录平台查看。") % {
        "platform": platform,
        "n": len(items),
        "title": items[0].title,
    }


def _send_claimed(claim: str, report: DeliveryReport) -> None:
    """Send every delivery this sender claimed: one message per recipient and channel; record the outcome."""
    rows = list(
        Delivery.objects.filter(claim=claim).exclude(state=DeliveryState.SENT).select_related("notification")
    )
    if not rows:
        return
    groups: dict[tuple[int, str], list[Delivery]] = defaultdict(list)
    for row in rows:
        groups[(row.notification.recipient_id, row.channel)].append(row)
    contacts = _contacts(user_id for user_id, _channel in groups)
    sender = _Sender(claim, report)
    try:
        for (user_id, channel), group in groups.items():
            sender.send(contacts.get(user_id), user_id, channel, group)
    finally:
        sender.close()


class _Sender:
    """Sends one message per (recipient, channel) and records the outcomes, `RECORD_EVERY` messages at a time in
    one transaction (a sender that dies in between leaves its claim, and the rows are sent again once stale)."""

    RECORD_EVERY = 50

    def __init__(self, claim: str, report: DeliveryReport):
        self.claim, self.report = claim, report
        self.mailer = channels.MailConnection()
        self.sms = None
        self.outcomes: dict[tuple[str, str], list[int]] = defaultdict(list)  # (state, error) → delivery ids
        self.pending = 0

    def send(self, person: dict | None, user_id: int, channel: str, group: list[Delivery]) -> None:
        items = sorted((d.notification for d in group), key=lambda n: (_LEVEL_ORDER[n.level], n.pk))
        error = ""
        try:
            if person is None or not person["is_active"]:
                raise RuntimeError(_("账号已停用"))
            if channel == Channel.EMAIL:
                if not person["email"]:
                    raise RuntimeError(_("账号没有电子邮箱"))
                self.mailer.send(person["email"], *_email_text(person, items))
            else:
                if not person["phone"]:
                    raise RuntimeError(_("没有手机号码"))
                self.sms = self.sms or channels.sms_backend()
                self.sms.send(person["phone"], _sms_text(items))
        except Exception as exc:  # any failure of a channel is recorded and retried, never lost
            error = f"{type(exc).__name__}: {exc}"[:300]
            logger.warning("%s delivery to user %s failed: %s", channel, user_id, error)
        state = DeliveryState.FAILED if error else DeliveryState.SENT
        self.outcomes[(state, error)].extend(d.pk for d in group)
        (self.report.failed if error else self.report.sent)[channel] += 1
        self.pending += 1
        if self.pending >= self.RECORD_EVERY:
            self.record()

    def record(self) -> None:
        now = timezone.now()
        with transaction.atomic():
            for (state, error), ids in self.outcomes.items():
                Delivery.objects.filter(pk__in=ids, claim=self.claim).update(
                    state=state, error=error, at=now, attempts=F("attempts") + 1, claim="", claimed_at=None
                )
        self.outcomes.clear()
        self.pending = 0

    def close(self) -> None:
        try:
            if self.outcomes:
                self.record()
        finally:
            self.mailer.close()


def deliveries_retry(*, max_attempts: int = MAX_ATTEMPTS) -> DeliveryReport:
    """Send again what failed (fewer than `max_attempts` tries) or was left unsent by a sender that stopped.

    The rows are claimed with one conditional UPDATE, so two senders never take the same row.
    """
    report = DeliveryReport()
    claim, now = uuid.uuid4().hex, timezone.now()
    claimable = Delivery.objects.filter(
        Q(state=DeliveryState.FAILED, attempts__lt=max_attempts) | Q(state=DeliveryState.PENDING)
    ).filter(Q(claim="") | Q(claimed_at__lt=now - STALE_CLAIM))
    if claimable.update(claim=claim, claimed_at=now):
        _send_claimed(claim, report)
    return report


# --- reading ---------------------------------------------------------------------------------------------------


def _own(actor, notification_id) -> Notification:
    if not getattr(actor, "is_authenticated", False):
        raise PermissionDenied(_("请先登录"))
    try:
        return Notification.objects.get(pk=int(notification_id), recipient=actor)
    except (Notification.DoesNotExist, TypeError, ValueError):
        raise Http404(_("消息不存在")) from None


def mark_read(*, actor, notification_id) -> Notification:
    """Mark one of the actor's own messages as read (another user's message: 404). Idempotent."""
    notification = _own(actor, notification_id)
    if notification.read_at is None:
        now = timezone.now()
        Notification.objects.filter(pk=notification.pk, read_at__isnull=True).update(read_at=now)
        notification.refresh_from_db(fields=["read_at"])
    return notification


def mark_all_read(*, actor) -> int:
    """Mark every unread message of the actor as read; the number marked."""
    if not getattr(actor, "is_authenticated", False):
        raise PermissionDenied(_("请先登录"))
    return Notification.objects.filter(recipient=actor, read_at__isnull=True).update(read_at=timezone.now())


# --- the daily job ---------------------------------------------------------------------------------------------


@dataclass
class SourceResult:
    name: str
    reminders: int = 0  # reminders the source produced
    created: int = 0  # of which new (or, in a dry run, not delivered before)
    by_level: Counter = field(default_factory=Counter)
    seconds: float = 0.0
    error: str = ""

    def as_dict(self) -> dict:
        return {
            "name": self.name,
            "reminders": self.reminders,
            "created": self.created,
            "by_level": dict(self.by_level),
            "seconds": round(self.seconds, 3),
            "error": self.error,
        }


@dataclass
class RunReport:
    today: dt.date
    dry_run: bool
    sources: list[SourceResult] = field(default_factory=list)
    delivery: DeliveryReport = field(default_factory=DeliveryReport)
    retried: DeliveryReport = field(default_factory=DeliveryReport)
    seconds: float = 0.0

    @property
    def failed_sources(self) -> list[SourceResult]:
        return [s for s in self.sources if s.error]

    def as_dict(self) -> dict:
        return {
            "today": self.today.isoformat(),
            "dry_run": self.dry_run,
            "sources": [s.as_dict() for s in self.sources],
            "delivery": self.delivery.as_dict(),
            "retried": self.retried.as_dict(),
            "seconds": round(self.seconds, 3),
        }


def _existing_keys(keys: set[tuple[int, str]]) -> set[tuple[int, str]]:
    found: set[tuple[int, str]] = set()
    dedup_keys = sorted({key for _user, key in keys})
    for start in range(0, len(dedup_keys), BATCH_SIZE):
        chunk = dedup_keys[start : start + BATCH_SIZE]
        found.update(
            Notification.objects.filter(dedup_key__in=chunk).values_list("recipient_id", "dedup_key")
        )
    return found & keys


def reminders_run(*, today: dt.date | None = None, dry_run: bool = False, send: bool = True) -> RunReport:
    """The daily job: ask every reminder source, then deliver (retrying earlier failures first).

    A source that raises is reported (and logged) and the others still run. A dry run writes and sends
    nothing: it counts what would be new.
    """
    started = time.perf_counter()
    today = today or timezone.localdate()
    report = RunReport(today=today, dry_run=dry_run)
    collected: list[tuple[SourceResult, Reminder]] = []
    for path in settings.DANGJIAN_REMINDER_SOURCES:
        result = SourceResult(path)
        source_started = time.perf_counter()
        try:
            found = [_clean(r) for r in import_string(path)(today)]
        except Exception as exc:  # one broken source must not stop the others
            logger.exception("reminder source %s failed", path)
            result.error = f"{type(exc).__name__}: {exc}"[:300]
            found = []
        result.seconds = time.perf_counter() - source_started
        result.reminders = len(found)
        result.by_level = Counter(r.level for r in found)
        report.sources.append(result)
        collected.extend((result, r) for r in found)

    if dry_run:
        done = _existing_keys({r.key for _result, r in collected})
        new_keys = {r.key for _result, r in collected} - done
    else:
        if send:
            report.retried = deliveries_retry()
        report.delivery = deliver([r for _result, r in collected], send=send)
        new_keys = set(report.delivery.created_keys)
    for result, reminder in collected:  # each new entry counts for the first source that produced it
        if reminder.key in new_keys:
            new_keys.discard(reminder.key)
            result.created += 1
    report.seconds = time.perf_counter() - started
    return report
