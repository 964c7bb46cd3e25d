"""The in-app inbox (消息提醒) and the log of what was sent by e-mail and SMS.

Nobody gets the same reminder twice: `(recipient, dedup_key)` is unique in the database, and the delivery
service inserts with `ignore_conflicts`, so a job run twice, or two workers at once, add nothing the second
time. A delivery per channel records whether the e-mail or SMS went out; failed ones are retried.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Level(models.TextChoices):
    REMINDER = "reminder", _("提醒")  # something falls due soon
    WARNING = "warning", _("预警")  # something is overdue (also sent to the committee above)
    INFO = "info", _("通知")  # for information (an event happened)


class Category(models.TextChoices):
    """What a notification is about. Not bound to the column: a module may add its own value."""

    MEETING = "meeting", _("组织生活")
    TERM = "term", _("换届")
    DEVELOPMENT = "development", _("发展党员")
    SITE = "site", _("示范点创建")
    TRANSFER = "transfer", _("组织关系转接")
    GENERAL = "general", _("其他")


class Notification(models.Model):
    """One message in one user's inbox."""

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("接收人"),
        on_delete=models.CASCADE,
        related_name="notifications",
    )
    org = models.ForeignKey(
        "orgs.Organization",
        verbose_name=_("相关组织"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    level = models.CharField(_("级别"), max_length=10, choices=Level.choices, default=Level.INFO)
    category = models.CharField(_("类别"), max_length=20, default=Category.GENERAL)
    title = models.CharField(_("标题"), max_length=200)
    body = models.TextField(_("内容"), blank=True)
    url = models.CharField(_("链接"), max_length=300, blank=True)  # a page of the platform ("/orgs/5/")
    # What makes two reminders "the same", e.g. "meeting:12:committee:2026-03:warning".
    dedup_key = models.CharField(_("去重键"), max_length=200)
    created_at = models.DateTimeField(_("时间"), auto_now_add=True)
    read_at = models.DateTimeField(_("阅读时间"), null=True, blank=True)
    # The delivery run that inserted the row: lets that run find exactly the rows it added (race-safe).
    batch = models.CharField(max_length=32, blank=True, db_index=True, editable=False)

    class Meta:
        verbose_name = _("消息")
        verbose_name_plural = _("消息")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["recipient", "dedup_key"], name="notification_once_per_recipient")
        ]
        indexes = [
            models.Index(fields=["recipient", "read_at", "created_at"], name="notification_inbox_idx"),
        ]

    def __str__(self):
        return self.title

    @property
    def is_read(self) -> bool:
        return self.read_at is not None

    @property
    def category_label(self) -> str:
        try:
            return str(Category(self.category).label)
        except ValueError:
            return self.category


class Channel(models.TextChoices):
    EMAIL = "email", _("电子邮件")
    SMS = "sms", _("短信")


class DeliveryState(models.TextChoices):
    PENDING = "pending", _("待发送")
    SENT = "sent", _("已发送")
    FAILED = "failed", _("发送失败")


class Delivery(models.Model):
    """Sending one notification through one channel. The address is not stored: it is read when sending."""

    notification = models.ForeignKey(Notification, on_delete=models.CASCADE, related_name="deliveries")
    channel = models.CharField(_("渠道"), max_length=10, choices=Channel.choices)
    state = models.CharField(
        _("状态"), max_length=10, choices=DeliveryState.choices, default=DeliveryState.PENDING
    )
    attempts = models.PositiveSmallIntegerField(_("尝试次数"), default=0)
    error = models.CharField(_("错误"), max_length=300, blank=True)
    at = models.DateTimeField(_("最近一次发送时间"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    # A sender claims rows (one token per run) before sending, so two senders never send the same row.
    claim = models.CharField(max_length=32, blank=True, editable=False)
    claimed_at = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("发送记录")
        verbose_name_plural = _("发送记录")
        constraints = [
            models.UniqueConstraint(fields=["notification", "channel"], name="delivery_once_per_channel")
        ]
        indexes = [models.Index(fields=["state", "attempts"], name="delivery_retry_idx")]

    def __str__(self):
        return f"{self.notification} · {self.get_channel_display()} · {self.get_state_display()}"
