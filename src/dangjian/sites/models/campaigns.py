"""年度创建: a campaign with its phase deadlines, evaluation weights and quotas; public notices and objections."""

from django.conf import settings
from django.db import models
from django.db.models.lookups import Exact
from django.utils.translation import gettext_lazy as _

from dangjian.core.crypto import EncryptedCharField

from .choices import CampaignState, ObjectionState, Tier


class Campaign(models.Model):
    """One year's creation campaign run by an organization (the county committee, or a township's)."""

    year = models.PositiveSmallIntegerField(_("年度"))
    title = models.CharField(_("名称"), max_length=200)
    org = models.ForeignKey(
        "orgs.Organization", verbose_name=_("组织单位"), on_delete=models.PROTECT, related_name="+"
    )
    org_path = models.CharField(max_length=255, db_index=True, editable=False)
    state = models.CharField(
        _("状态"), max_length=10, choices=CampaignState.choices, default=CampaignState.OPEN
    )
    # RULES.md 0-5 and 0-6: phase deadlines (defaults from sites.rules.default_deadlines).
    mobilization_by = models.DateField(_("动员部署截止"))
    plan_due = models.DateField(_("创建计划报送截止"))
    implementation_by = models.DateField(_("组织实施（申报）截止"))
    acceptance_by = models.DateField(_("总结验收截止"))
    # RULES.md 0-7: weights of 基层自评 / 群众测评 / 组织考评, percent, summing to 100.
    weight_self = models.PositiveSmallIntegerField(_("基层自评权重"))
    weight_mass = models.PositiveSmallIntegerField(_("群众测评权重"))
    weight_org = models.PositiveSmallIntegerField(_("组织考评权重"))
    satisfaction_threshold = models.PositiveSmallIntegerField(_("群众满意度达标线（%）"))
    survey_min_answers = models.PositiveSmallIntegerField(_("测评最少有效答卷数"))
    notice_working_days = models.PositiveSmallIntegerField(_("公示期（工作日）"))
    rereview_pass_score = models.PositiveSmallIntegerField(_("复审达标分"))
    bottom_rank_count = models.PositiveSmallIntegerField(_("末位管理（每个领域末位个数）"))
    bottom_rank_share = models.PositiveSmallIntegerField(_("末位管理（每个领域末位比例 %）"), default=0)
    notes = models.TextField(_("说明"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+", editable=False
    )
    created_at = models.DateTimeField(auto_now_add=True)
    closed_on = models.DateField(_("结束日期"), null=True, blank=True)

    class Meta:
        verbose_name = _("年度创建工作")
        verbose_name_plural = _("年度创建工作")
        ordering = ["-year", "org_path"]
        constraints = [
            models.UniqueConstraint(fields=["org", "year"], name="campaign_once_per_org_year"),
            models.CheckConstraint(
                condition=Exact(
                    models.F("weight_self") + models.F("weight_mass") + models.F("weight_org"), 100
                ),
                name="campaign_weights_sum_to_100",
            ),
            models.CheckConstraint(
                condition=models.Q(satisfaction_threshold__lte=100, bottom_rank_share__lte=100),
                name="campaign_percent_fields",
            ),
        ]

    def __str__(self):
        return self.title

    @property
    def is_open(self) -> bool:
        return self.state == CampaignState.OPEN


class Quota(models.Model):
    """How many sites of one domain and tier the campaign may designate (名额)."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="quotas")
    domain = models.CharField(_("领域"), max_length=20)
    tier = models.CharField(_("层级"), max_length=10, choices=Tier.choices)
    number = models.PositiveSmallIntegerField(_("名额"))

    class Meta:
        verbose_name = _("名额")
        verbose_name_plural = _("名额")
        ordering = ["campaign", "tier", "domain"]
        constraints = [
            models.UniqueConstraint(fields=["campaign", "domain", "tier"], name="quota_once_per_domain_tier")
        ]

    def __str__(self):
        return f"{self.campaign} {self.get_tier_display()} {self.domain} {self.number}"


class PublicNotice(models.Model):
    """公示: the proposed sites published for a number of working days before they are designated."""

    campaign = models.ForeignKey(Campaign, on_delete=models.PROTECT, related_name="notices")
    title = models.CharField(_("标题"), max_length=200)
    text = models.TextField(_("公示内容"), blank=True)
    starts_on = models.DateField(_("公示开始"))
    ends_on = models.DateField(_("公示结束"))
    working_days = models.PositiveSmallIntegerField(_("公示期（工作日）"))
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+", editable=False
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("公示")
        verbose_name_plural = _("公示")
        ordering = ["-starts_on", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_on__gte=models.F("starts_on")), name="notice_ends_after_start"
            )
        ]

    def __str__(self):
        return self.title


class Objection(models.Model):
    """异议: anyone may object to a publicized application; an open objection blocks its designation."""

    application = models.ForeignKey("sites.Application", on_delete=models.PROTECT, related_name="objections")
    notice = models.ForeignKey(PublicNotice, on_delete=models.PROTECT, related_name="objections")
    text = models.TextField(_("异议内容"))
    contact = EncryptedCharField(_("联系方式"), blank=True)  # optional; encrypted, never logged
    state = models.CharField(
        _("状态"), max_length=10, choices=ObjectionState.choices, default=ObjectionState.OPEN
    )
    upheld = models.BooleanField(_("异议成立"), null=True, blank=True)
    resolution = models.TextField(_("处理结果"), blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    resolved_on = models.DateField(_("处理日期"), null=True, blank=True)
    received_on = models.DateField(_("收到日期"))

    class Meta:
        verbose_name = _("异议")
        verbose_name_plural = _("异议")
        ordering = ["-received_on", "-id"]
        indexes = [models.Index(fields=["application", "state"], name="objection_open_idx")]

    def __str__(self):
        return f"{self.application} {self.get_state_display()}"
