"""动态管理: designated sites kept across years, yearly re-review, revocation, 末位管理 and the history."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from .choices import BarRole, EventKind, RectificationState, ReReviewState, Tier


class Site(models.Model):
    """A designated demonstration site (授牌). Revoked sites stay, with the date and the reason."""

    application = models.OneToOneField("sites.Application", on_delete=models.PROTECT, related_name="site")
    org = models.ForeignKey(
        "orgs.Organization", verbose_name=_("党组织"), on_delete=models.PROTECT, related_name="+"
    )
    org_path = models.CharField(max_length=255, db_index=True, editable=False)
    campaign = models.ForeignKey("sites.Campaign", on_delete=models.PROTECT, related_name="sites")
    tier = models.CharField(_("层级"), max_length=10, choices=Tier.choices)
    domain = models.CharField(_("领域"), max_length=20)
    plaque_no = models.CharField(_("牌匾编号"), max_length=60)
    designated_on = models.DateField(_("授牌日期"))
    revoked_on = models.DateField(_("摘牌日期"), null=True, blank=True)
    revoke_reason = models.CharField(_("摘牌原因"), max_length=300, blank=True)
    commended = models.BooleanField(_("七一表彰"), default=False)
    commended_on = models.DateField(_("表彰日期"), null=True, blank=True)

    class Meta:
        verbose_name = _("党建示范点")
        verbose_name_plural = _("党建示范点")
        ordering = ["-designated_on", "plaque_no"]
        constraints = [
            models.UniqueConstraint(fields=["campaign", "tier", "plaque_no"], name="plaque_once_per_tier")
        ]

    def __str__(self):
        return f"{self.plaque_no} {self.org.name}"

    @property
    def is_active(self) -> bool:
        return self.revoked_on is None


class ReReview(models.Model):
    """复审: one designated site checked again in a later year's campaign on that year's catalogue."""

    campaign = models.ForeignKey("sites.Campaign", on_delete=models.PROTECT, related_name="rereviews")
    site = models.ForeignKey(Site, on_delete=models.PROTECT, related_name="rereviews")
    catalogue = models.ForeignKey("sites.Catalogue", on_delete=models.PROTECT, related_name="+")
    state = models.CharField(
        _("状态"), max_length=10, choices=ReReviewState.choices, default=ReReviewState.OPEN
    )
    score = models.DecimalField(_("复审得分"), max_digits=5, decimal_places=2, null=True, blank=True)
    metric_results = models.JSONField(_("自动指标结果"), default=dict, blank=True)
    note = models.TextField(_("复审意见"), blank=True)
    concluded_on = models.DateField(_("复审日期"), null=True, blank=True)
    concluded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("复审")
        verbose_name_plural = _("复审")
        ordering = ["campaign", "site"]
        constraints = [models.UniqueConstraint(fields=["campaign", "site"], name="rereview_once_per_year")]

    def __str__(self):
        return f"{self.campaign.year} 复审 {self.site}"


class ReReviewScore(models.Model):
    rereview = models.ForeignKey(ReReview, on_delete=models.CASCADE, related_name="scores")
    criterion = models.ForeignKey("sites.Criterion", on_delete=models.PROTECT, related_name="+")
    score = models.DecimalField(_("评分"), max_digits=5, decimal_places=1)
    note = models.TextField(_("意见"), blank=True)

    class Meta:
        verbose_name = _("复审评分")
        verbose_name_plural = _("复审评分")
        constraints = [
            models.UniqueConstraint(fields=["rereview", "criterion"], name="rereview_score_once"),
            models.CheckConstraint(condition=models.Q(score__gte=0), name="rereview_score_not_negative"),
        ]

    def __str__(self):
        return f"{self.criterion_id}: {self.score}"


class Rectification(models.Model):
    """末位管理: a unit ranked at the bottom gets a rectification task with a deadline (限期整改)."""

    campaign = models.ForeignKey("sites.Campaign", on_delete=models.PROTECT, related_name="rectifications")
    org = models.ForeignKey(
        "orgs.Organization", verbose_name=_("党组织"), on_delete=models.PROTECT, related_name="+"
    )
    org_path = models.CharField(max_length=255, db_index=True, editable=False)
    site = models.ForeignKey(Site, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    application = models.ForeignKey(
        "sites.Application", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    score = models.DecimalField(_("得分"), max_digits=5, decimal_places=2, null=True, blank=True)
    task = models.TextField(_("整改任务"))
    deadline = models.DateField(_("整改期限"))
    state = models.CharField(
        _("状态"), max_length=10, choices=RectificationState.choices, default=RectificationState.OPEN
    )
    closing_note = models.TextField(_("整改情况"), blank=True)
    closed_on = models.DateField(_("销号日期"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+", editable=False
    )
    created_on = models.DateField(_("下达日期"))

    class Meta:
        verbose_name = _("末位整改")
        verbose_name_plural = _("末位整改")
        ordering = ["deadline", "id"]
        constraints = [
            models.UniqueConstraint(fields=["campaign", "org"], name="rectification_once_per_year")
        ]

    def __str__(self):
        return f"{self.campaign.year} {self.org.name} 整改"


class AwardBar(models.Model):
    """A unit, or its principal or directly responsible person, barred from that year's awards (评先评优)."""

    year = models.PositiveSmallIntegerField(_("年度"))
    org = models.ForeignKey(
        "orgs.Organization", verbose_name=_("党组织"), on_delete=models.PROTECT, related_name="+"
    )
    org_path = models.CharField(max_length=255, db_index=True, editable=False)
    role = models.CharField(_("对象"), max_length=20, choices=BarRole.choices)
    person_name = models.CharField(_("姓名"), max_length=50, blank=True)
    member = models.ForeignKey(
        "members.Member", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    reason = models.CharField(_("原因"), max_length=300)
    rectification = models.ForeignKey(
        Rectification, null=True, blank=True, on_delete=models.PROTECT, related_name="award_bars"
    )
    created_on = models.DateField()

    class Meta:
        verbose_name = _("当年不得评先评优")
        verbose_name_plural = _("当年不得评先评优")
        ordering = ["-year", "org_path", "role"]

    def __str__(self):
        return f"{self.year} {self.person_name or self.org.name}"


class SiteEvent(models.Model):
    """One event in an organization's history in the programme, kept across years."""

    org = models.ForeignKey(
        "orgs.Organization", verbose_name=_("党组织"), on_delete=models.PROTECT, related_name="+"
    )
    org_path = models.CharField(max_length=255, editable=False)
    application = models.ForeignKey(
        "sites.Application", null=True, blank=True, on_delete=models.PROTECT, related_name="events"
    )
    site = models.ForeignKey(Site, null=True, blank=True, on_delete=models.PROTECT, related_name="events")
    kind = models.CharField(_("事项"), max_length=30, choices=EventKind.choices)
    on = models.DateField(_("日期"))
    note = models.CharField(_("说明"), max_length=300, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("示范点历程")
        verbose_name_plural = _("示范点历程")
        ordering = ["on", "id"]
        indexes = [models.Index(fields=["org", "on"], name="site_event_org_idx")]

    def __str__(self):
        return f"{self.on} {self.get_kind_display()}"
