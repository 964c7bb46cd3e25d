"""申报: an organization's application in a campaign, its creation plan, and the three-way evaluation
(基层自评 with evidence, 群众测评 by one-time codes, 组织考评 by assigned reviewers)."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from .choices import ApplicationState, ReviewMethod, Tier

# States in which an application still takes part in the campaign (one such application per org and tier).
LIVE_STATES = [
    ApplicationState.DRAFT,
    ApplicationState.SUBMITTED,
    ApplicationState.RECOMMENDED,
    ApplicationState.EVALUATED,
    ApplicationState.PUBLICIZED,
    ApplicationState.DESIGNATED,
    ApplicationState.REVOKED,
]


class Application(models.Model):
    """One organization applying to become a demonstration site of one tier in one campaign."""

    campaign = models.ForeignKey(
        "sites.Campaign",
        verbose_name=_("年度创建工作"),
        on_delete=models.PROTECT,
        related_name="applications",
    )
    org = models.ForeignKey(
        "orgs.Organization", verbose_name=_("申报组织"), on_delete=models.PROTECT, related_name="+"
    )
    org_path = models.CharField(max_length=255, editable=False)  # copy of org.path (scoping)
    domain = models.CharField(_("领域"), max_length=20)  # the org's domain when it applied
    tier = models.CharField(_("层级"), max_length=10, choices=Tier.choices, default=Tier.COUNTY)
    catalogue = models.ForeignKey(
        "sites.Catalogue", verbose_name=_("创建标准"), on_delete=models.PROTECT, related_name="+"
    )
    state = models.CharField(
        _("状态"), max_length=20, choices=ApplicationState.choices, default=ApplicationState.DRAFT
    )
    # 创建计划 (RULES.md 0-5): 目标、内容、进度、措施、责任人.
    goals = models.TextField(_("创建目标"), blank=True)
    content = models.TextField(_("创建内容"), blank=True)
    schedule = models.TextField(_("进度安排"), blank=True)
    measures = models.TextField(_("工作措施"), blank=True)
    responsible = models.CharField(_("责任人"), max_length=100, blank=True)
    features = models.TextField(_("特色亮点"), blank=True)
    # The activity site's floor area as declared; checked on site (RULES.md 0-1: village ≥ 120 m²).
    site_area = models.DecimalField(
        _("活动场所面积（㎡）"), max_digits=7, decimal_places=1, null=True, blank=True
    )
    plan_filed_on = models.DateField(_("创建计划报送日期"), null=True, blank=True)
    # A city-tier application made from a designated county site (向上推荐).
    recommended_from = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="recommendations"
    )
    notice = models.ForeignKey(
        "sites.PublicNotice", null=True, blank=True, on_delete=models.PROTECT, related_name="applications"
    )
    # Parts of the evaluation (each out of 100) and the weighted total, fixed when evaluated.
    self_score = models.DecimalField(_("基层自评得分"), max_digits=5, decimal_places=2, null=True, blank=True)
    mass_score = models.DecimalField(_("群众测评得分"), max_digits=5, decimal_places=2, null=True, blank=True)
    org_score = models.DecimalField(_("组织考评得分"), max_digits=5, decimal_places=2, null=True, blank=True)
    total_score = models.DecimalField(_("综合得分"), max_digits=5, decimal_places=2, null=True, blank=True)
    # The automatic metrics as computed when evaluated: {criterion code: {value, met, explanation}}.
    metric_results = models.JSONField(_("自动指标结果"), default=dict, blank=True)
    survey_answered = models.PositiveIntegerField(_("测评答卷数"), null=True, blank=True)
    survey_satisfied = models.PositiveIntegerField(_("满意答卷数"), null=True, blank=True)
    submitted_on = models.DateField(_("申报日期"), null=True, blank=True)
    recommended_on = models.DateField(_("推荐日期"), null=True, blank=True)
    evaluated_on = models.DateField(_("考评日期"), null=True, blank=True)
    publicized_on = models.DateField(_("公示日期"), null=True, blank=True)
    designated_on = models.DateField(_("授牌日期"), null=True, blank=True)
    closed_on = models.DateField(_("未通过/摘牌日期"), null=True, blank=True)
    return_reason = models.CharField(_("退回原因"), max_length=300, blank=True)
    reject_reason = models.CharField(_("未通过原因"), max_length=300, blank=True)
    revoke_reason = models.CharField(_("摘牌原因"), max_length=300, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+", editable=False
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("示范点申报")
        verbose_name_plural = _("示范点申报")
        ordering = ["-campaign__year", "org_path", "id"]
        indexes = [
            models.Index(fields=["org_path"], name="application_scope_idx"),
            models.Index(fields=["campaign", "state"], name="application_state_idx"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["campaign", "org", "tier"],
                condition=models.Q(state__in=LIVE_STATES),
                name="application_once_per_org_tier",
            )
        ]

    def __str__(self):
        return f"{self.campaign.year} {self.org.name}（{self.get_tier_display()}）"


class SelfScore(models.Model):
    """基层自评: the applicant's own score on one manual criterion."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="self_scores")
    criterion = models.ForeignKey("sites.Criterion", on_delete=models.PROTECT, related_name="+")
    score = models.DecimalField(_("自评分"), max_digits=5, decimal_places=1)
    note = models.TextField(_("自评说明"), blank=True)

    class Meta:
        verbose_name = _("自评分")
        verbose_name_plural = _("自评分")
        constraints = [
            models.UniqueConstraint(fields=["application", "criterion"], name="self_score_once"),
            models.CheckConstraint(condition=models.Q(score__gte=0), name="self_score_not_negative"),
        ]

    def __str__(self):
        return f"{self.criterion_id}: {self.score}"


class Evidence(models.Model):
    """佐证材料: a file the applicant attaches to a criterion (type and size checked by core.uploads)."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="evidence")
    criterion = models.ForeignKey(
        "sites.Criterion", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    file = models.FileField(upload_to="sites/evidence/%Y/%m/")
    name = models.CharField(_("文件名"), max_length=200)
    size = models.PositiveIntegerField(_("大小（字节）"), default=0)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("佐证材料")
        verbose_name_plural = _("佐证材料")
        ordering = ["uploaded_at", "id"]

    def __str__(self):
        return self.name


class SurveyCode(models.Model):
    """A one-time code for the mass survey. Only its keyed hash is stored; the code is shown once."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="survey_codes")
    digest = models.CharField(max_length=64, unique=True)
    created_on = models.DateField()
    used = models.BooleanField(default=False)
    used_on = models.DateField(null=True, blank=True)

    class Meta:
        verbose_name = _("测评码")
        verbose_name_plural = _("测评码")
        indexes = [models.Index(fields=["application", "used"], name="survey_code_used_idx")]

    def __str__(self):
        return f"{self.application_id} {'已使用' if self.used else '未使用'}"


class SurveyResponse(models.Model):
    """One anonymous answer sheet. Deliberately not linked to its code: no account, address or time of
    day is kept with it — only the application, the answers and the date."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="survey_responses")
    answers = models.JSONField(_("答卷"))
    satisfied = models.BooleanField(_("满意"))
    answered_on = models.DateField(_("日期"))

    class Meta:
        verbose_name = _("测评答卷")
        verbose_name_plural = _("测评答卷")
        indexes = [models.Index(fields=["application", "satisfied"], name="survey_response_idx")]

    def __str__(self):
        return f"{self.application_id} {self.answered_on}"


class ReviewerAssignment(models.Model):
    """组织考评: a reviewer (评审组成员, or a committee officer) assigned to evaluate one application."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="assignments")
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="site_assignments"
    )
    assigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    assigned_on = models.DateField()

    class Meta:
        verbose_name = _("评审分工")
        verbose_name_plural = _("评审分工")
        constraints = [models.UniqueConstraint(fields=["application", "reviewer"], name="assignment_once")]

    def __str__(self):
        return f"{self.application} · {self.reviewer}"


class ReviewScore(models.Model):
    """A reviewer's score on one manual criterion by one method (查阅资料 / 现场验收 / 座谈走访)."""

    assignment = models.ForeignKey(ReviewerAssignment, on_delete=models.CASCADE, related_name="scores")
    criterion = models.ForeignKey("sites.Criterion", on_delete=models.PROTECT, related_name="+")
    method = models.CharField(_("考评方式"), max_length=20, choices=ReviewMethod.choices)
    score = models.DecimalField(_("评分"), max_digits=5, decimal_places=1)
    note = models.TextField(_("考评意见"), blank=True)
    recorded_on = models.DateField()

    class Meta:
        verbose_name = _("考评评分")
        verbose_name_plural = _("考评评分")
        constraints = [
            models.UniqueConstraint(fields=["assignment", "criterion", "method"], name="review_score_once"),
            models.CheckConstraint(condition=models.Q(score__gte=0), name="review_score_not_negative"),
        ]

    def __str__(self):
        return f"{self.criterion_id} {self.method}: {self.score}"


class ReviewPhoto(models.Model):
    """A photo a reviewer took for a criterion (on-site acceptance, interviews)."""

    assignment = models.ForeignKey(ReviewerAssignment, on_delete=models.CASCADE, related_name="photos")
    criterion = models.ForeignKey("sites.Criterion", on_delete=models.PROTECT, related_name="+")
    method = models.CharField(_("考评方式"), max_length=20, choices=ReviewMethod.choices, blank=True)
    file = models.FileField(upload_to="sites/reviews/%Y/%m/")
    name = models.CharField(_("文件名"), max_length=200)
    size = models.PositiveIntegerField(default=0)
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("考评照片")
        verbose_name_plural = _("考评照片")
        ordering = ["uploaded_at", "id"]

    def __str__(self):
        return self.name
