"""党务公开: items an organization publishes on the public disclosure board (党务公开栏) for a period.

An item is shown to the public from `publish_on` through `expires_on` (both days included) unless it has been
withdrawn; it may be changed only before it goes live. Demonstration-site notices, designated sites and the
public notices of development candidates come from their own modules and are not copied here.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Category(models.TextChoices):
    DECISION = "decision", _("决策事项")
    RESULT = "result", _("结果公开")
    DUES = "dues", _("党费收缴")
    SITE_NOTICE = "site_notice", _("示范点公示")
    CANDIDATE_NOTICE = "candidate_notice", _("发展对象公示")
    OTHER = "other", _("其他")


class ItemState(models.TextChoices):
    """Derived from the dates and the withdrawal (never stored): see `rules.item_state`."""

    SCHEDULED = "scheduled", _("待公开")
    LIVE = "live", _("公开中")
    EXPIRED = "expired", _("已到期")
    WITHDRAWN = "withdrawn", _("已撤回")


class DisclosureItem(models.Model):
    org = models.ForeignKey(
        "orgs.Organization", verbose_name=_("公开组织"), on_delete=models.PROTECT, related_name="+"
    )
    org_path = models.CharField(max_length=255, editable=False)  # copy of org.path (scoping, subtree boards)
    category = models.CharField(_("公开类别"), max_length=20, choices=Category.choices)
    title = models.CharField(_("标题"), max_length=200)
    body = models.TextField(_("公开内容"))
    attachment = models.FileField(_("附件"), upload_to="disclosure/%Y/%m/", blank=True)
    attachment_name = models.CharField(_("附件名称"), max_length=200, blank=True)
    attachment_size = models.PositiveIntegerField(_("附件大小（字节）"), default=0)
    publish_on = models.DateField(_("公开日期"))
    expires_on = models.DateField(_("截止日期"))
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("发布人"),
        null=True,
        on_delete=models.PROTECT,
        related_name="+",
        editable=False,
    )
    created_at = models.DateTimeField(_("登记时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)
    withdrawn_at = models.DateTimeField(_("撤回时间"), null=True, blank=True)
    withdrawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("撤回人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    withdraw_reason = models.CharField(_("撤回原因"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("党务公开事项")
        verbose_name_plural = _("党务公开事项")
        ordering = ["-publish_on", "-id"]
        indexes = [
            models.Index(fields=["org_path", "publish_on"], name="disclosure_scope_idx"),
            models.Index(fields=["publish_on", "expires_on"], name="disclosure_period_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(expires_on__gt=models.F("publish_on")),
                name="disclosure_expires_after_publish",
            ),
            models.CheckConstraint(
                condition=models.Q(withdrawn_at__isnull=True) | ~models.Q(withdraw_reason=""),
                name="disclosure_withdrawal_has_reason",
            ),
        ]

    def __str__(self):
        return self.title

    @property
    def is_withdrawn(self) -> bool:
        return self.withdrawn_at is not None
