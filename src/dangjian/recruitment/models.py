"""Member development (发展党员): one case per person from the application to the archive.

A `DevelopmentCase` holds the person (ID number and phone encrypted, like member records), the branch, the
stage and the key dates; each of the 25 steps done is a `CaseStep` row with its date, deciding body, people,
vote and files. Approval of admission (step 17) creates the member record; approval of conversion (step 24)
makes it a full member. The rules live in `rules/`, the writes in `services/`.
"""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from dangjian.core.crypto import EncryptedCharField
from dangjian.members.codes import EDUCATION, ETHNICITIES, OCCUPATIONS
from dangjian.members.models import Gender

from . import rules


class Stage(models.TextChoices):
    APPLICANT = rules.APPLICANT, _("入党申请人")
    ACTIVIST = rules.ACTIVIST, _("入党积极分子")
    CANDIDATE = rules.CANDIDATE, _("发展对象")
    PROBATIONARY = rules.PROBATIONARY, _("预备党员")
    FULL = rules.FULL, _("正式党员")
    WITHDRAWN = rules.WITHDRAWN, _("已终止")
    CANCELLED = rules.CANCELLED, _("已取消预备党员资格")


class Outcome(models.TextChoices):
    CONFIRM = rules.CONFIRM, _("转为正式党员")
    EXTEND = rules.EXTEND, _("延长预备期")
    CANCEL = rules.CANCEL, _("取消预备党员资格")


class Body(models.TextChoices):
    COMMITTEE = rules.BODY_COMMITTEE, _("支委会")
    ASSEMBLY = rules.BODY_ASSEMBLY, _("支部大会")


class PersonRole(models.TextChoices):
    TALKER = "talker", _("谈话人")
    MENTOR = "mentor", _("培养联系人")
    SPONSOR = "sponsor", _("入党介绍人")
    INTERVIEWER = "interviewer", _("党委谈话人")


def _dates_in_order(earlier: str, later: str) -> Q:
    return (
        Q(**{f"{earlier}__isnull": True})
        | Q(**{f"{later}__isnull": True})
        | Q(**{f"{later}__gte": F(earlier)})
    )


class DevelopmentCase(models.Model):
    """One person's way into the Party: 入党申请人 → 积极分子 → 发展对象 → 预备党员 → 正式党员."""

    person_name = models.CharField(_("姓名"), max_length=50)
    name_key = models.CharField(max_length=120, blank=True, default="", editable=False)  # 姓氏笔画 order
    gender = models.CharField(_("性别"), max_length=10, choices=Gender.choices)
    id_number = EncryptedCharField(_("公民身份号码"))
    id_hash = models.CharField(max_length=64, db_index=True, editable=False)
    birth_date = models.DateField(_("出生日期"))
    ethnicity = models.CharField(_("民族"), max_length=2, choices=ETHNICITIES, default="01")
    education = models.CharField(_("学历"), max_length=2, choices=EDUCATION, blank=True)
    occupation = models.CharField(_("职业"), max_length=2, choices=OCCUPATIONS, blank=True)
    work_unit = models.CharField(_("工作单位"), max_length=100, blank=True)
    phone = EncryptedCharField(_("手机号码"), blank=True)
    org = models.ForeignKey(
        "orgs.Organization",
        verbose_name=_("所在党支部"),
        on_delete=models.PROTECT,
        related_name="development_cases",
    )
    org_path = models.CharField(max_length=255, db_index=True, editable=False)  # copy of org.path
    stage = models.CharField(_("阶段"), max_length=20, choices=Stage.choices, default=Stage.APPLICANT)
    applied_on = models.DateField(_("递交入党申请书日期"))
    activist_on = models.DateField(_("确定为入党积极分子日期"), null=True, blank=True)
    candidate_on = models.DateField(_("确定为发展对象日期"), null=True, blank=True)
    # The day the 支部大会 voted to admit: probation, party standing and dues start on it (细则 第32条).
    admitted_on = models.DateField(_("接收为预备党员日期"), null=True, blank=True)
    probation_ends_on = models.DateField(_("预备期满日期"), null=True, blank=True)
    extended = models.BooleanField(_("已延长预备期"), default=False)
    extension_months = models.PositiveSmallIntegerField(_("延长预备期（月）"), null=True, blank=True)
    converted_on = models.DateField(_("转正日期"), null=True, blank=True)
    notice_starts_on = models.DateField(_("公示开始日期"), null=True, blank=True)
    notice_ends_on = models.DateField(_("公示结束日期"), null=True, blank=True)
    closed_on = models.DateField(_("终止日期"), null=True, blank=True)
    close_reason = models.CharField(_("终止原因"), max_length=200, blank=True)
    member = models.OneToOneField(
        "members.Member",
        verbose_name=_("党员档案"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="development_case",
    )
    notes = models.TextField(_("备注"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+", editable=False
    )
    created_at = models.DateTimeField(_("登记时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = _("发展党员")
        verbose_name_plural = _("发展党员")
        ordering = ["-applied_on", "-id"]
        indexes = [
            models.Index(fields=["org_path", "stage"], name="development_scope_idx"),
            models.Index(fields=["stage", "probation_ends_on"], name="development_stage_idx"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["id_hash"],
                condition=Q(stage__in=rules.OPEN_STAGES),
                name="development_one_open_case_per_person",
            ),
            models.CheckConstraint(
                condition=_dates_in_order("applied_on", "activist_on"),
                name="development_activist_after_applied",
            ),
            models.CheckConstraint(
                condition=_dates_in_order("activist_on", "candidate_on"),
                name="development_candidate_after_activist",
            ),
            models.CheckConstraint(
                condition=_dates_in_order("candidate_on", "admitted_on"),
                name="development_admitted_after_candidate",
            ),
            models.CheckConstraint(
                condition=Q(admitted_on__isnull=True)
                | Q(probation_ends_on__isnull=True)
                | Q(probation_ends_on__gt=F("admitted_on")),
                name="development_probation_after_admission",
            ),
            models.CheckConstraint(
                condition=_dates_in_order("probation_ends_on", "converted_on"),
                name="development_converted_after_probation",
            ),
            models.CheckConstraint(
                condition=~Q(stage__in=[rules.PROBATIONARY, rules.FULL])
                | (
                    Q(admitted_on__isnull=False)
                    & Q(probation_ends_on__isnull=False)
                    & Q(member__isnull=False)
                ),
                name="development_admitted_has_member",
            ),
            models.CheckConstraint(
                condition=~Q(stage=rules.FULL) | Q(converted_on__isnull=False),
                name="development_full_has_conversion",
            ),
            models.CheckConstraint(
                condition=~Q(stage__in=[rules.WITHDRAWN, rules.CANCELLED]) | Q(closed_on__isnull=False),
                name="development_closed_has_date",
            ),
            models.CheckConstraint(
                condition=(Q(extended=False) & Q(extension_months__isnull=True))
                | (
                    Q(extended=True)
                    & Q(extension_months__gte=rules.EXTENSION_MIN_MONTHS)
                    & Q(extension_months__lte=rules.EXTENSION_MAX_MONTHS)
                ),
                name="development_extension_6_to_12_months",
            ),
        ]

    def __str__(self):
        return self.person_name


class CaseStep(models.Model):
    """One of the 25 steps done for a case: date, deciding body, people, vote, notes and details.

    Records stay for good. A record stops being `current` when a later round replaces it: a new 支部大会
    vote when the first went stale, the admission steps redone, or the 转正 round that ended in an
    extension. Only one current record per step, except the recurring steps 6 and 21.
    """

    case = models.ForeignKey(DevelopmentCase, on_delete=models.PROTECT, related_name="steps")
    step = models.PositiveSmallIntegerField(_("步骤"))
    current = models.BooleanField(_("现行记录"), default=True)
    date = models.DateField(_("日期"))
    decided_by = models.ForeignKey(
        "orgs.Organization",
        verbose_name=_("决定机关"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    body = models.CharField(_("决定会议"), max_length=20, choices=Body.choices, blank=True)
    outcome = models.CharField(_("结果"), max_length=20, choices=Outcome.choices, blank=True)
    late = models.BooleanField(_("逾期办理"), default=False)
    notes = models.TextField(_("情况记录"), blank=True)
    details = models.JSONField(_("详细信息"), default=dict, blank=True)
    meeting = models.ForeignKey(
        "orglife.Meeting",
        verbose_name=_("会议"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="development_steps",
    )
    # 细则 第21条: one person per vote — a vote serves one step of one case.
    vote = models.OneToOneField(
        "orglife.Vote",
        verbose_name=_("表决"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="development_step",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+", editable=False
    )
    created_at = models.DateTimeField(_("登记时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("发展步骤")
        verbose_name_plural = _("发展步骤")
        ordering = ["step", "date", "id"]
        indexes = [models.Index(fields=["case", "step"], name="development_step_idx")]
        constraints = [
            models.CheckConstraint(
                condition=Q(step__gte=rules.FIRST_STEP) & Q(step__lte=rules.LAST_STEP),
                name="development_step_1_to_25",
            ),
            models.UniqueConstraint(
                fields=["case", "step"],
                condition=Q(current=True) & ~Q(step__in=[n for n, s in rules.STEPS.items() if s.periodic]),
                name="development_one_current_record_per_step",
            ),
            models.CheckConstraint(
                condition=Q(vote__isnull=True) | Q(step__in=sorted(rules.VOTE_STEPS)),
                name="development_vote_only_on_vote_steps",
            ),
        ]

    def __str__(self):
        return f"{self.case} {rules.step_label(self.step)}"

    @property
    def spec(self) -> rules.Step:
        return rules.STEPS[self.step]


class CaseStepPerson(models.Model):
    """A person named in a step: talker, mentor, sponsor or the committee's interviewer."""

    step = models.ForeignKey(CaseStep, on_delete=models.CASCADE, related_name="people")
    role = models.CharField(_("身份"), max_length=20, choices=PersonRole.choices)
    member = models.ForeignKey(
        "members.Member", null=True, blank=True, on_delete=models.PROTECT, related_name="development_roles"
    )
    name = models.CharField(_("姓名"), max_length=50)

    class Meta:
        verbose_name = _("相关人员")
        verbose_name_plural = _("相关人员")
        ordering = ["step", "role", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["step", "role", "member"],
                condition=Q(member__isnull=False),
                name="development_person_once_per_role",
            )
        ]

    def __str__(self):
        return f"{self.get_role_display()} {self.name}"


class CaseFile(models.Model):
    """A scan or document of a case (application letter, talk record, certificates…), type and size limited."""

    case = models.ForeignKey(DevelopmentCase, on_delete=models.PROTECT, related_name="files")
    step = models.ForeignKey(CaseStep, null=True, blank=True, on_delete=models.PROTECT, related_name="files")
    title = models.CharField(_("标题"), max_length=100)
    file = models.FileField(_("文件"), upload_to="development/%Y/%m/")
    size = models.PositiveIntegerField(_("大小（字节）"), default=0)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    uploaded_at = models.DateTimeField(_("上传时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("发展党员材料")
        verbose_name_plural = _("发展党员材料")
        ordering = ["uploaded_at", "id"]

    def __str__(self):
        return self.title


class DevelopmentPlan(models.Model):
    """A committee's yearly development plan (发展党员计划): how many new members each branch is to admit."""

    org = models.ForeignKey(
        "orgs.Organization",
        verbose_name=_("党委"),
        on_delete=models.PROTECT,
        related_name="development_plans",
    )
    org_path = models.CharField(max_length=255, db_index=True, editable=False)
    year = models.PositiveSmallIntegerField(_("年度"))
    note = models.CharField(_("说明"), max_length=300, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+", editable=False
    )
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = _("发展党员计划")
        verbose_name_plural = _("发展党员计划")
        ordering = ["-year", "org_path"]
        constraints = [
            models.UniqueConstraint(fields=["org", "year"], name="development_one_plan_per_year"),
            models.CheckConstraint(
                condition=Q(year__gte=2000) & Q(year__lte=2100), name="development_plan_year_range"
            ),
        ]

    def __str__(self):
        return f"{self.org} {self.year}"

    @property
    def total(self) -> int:
        return sum(line.quota for line in self.lines.all())


class PlanLine(models.Model):
    """One branch's number in a plan."""

    plan = models.ForeignKey(DevelopmentPlan, on_delete=models.CASCADE, related_name="lines")
    org = models.ForeignKey(
        "orgs.Organization", verbose_name=_("党支部"), on_delete=models.PROTECT, related_name="+"
    )
    quota = models.PositiveSmallIntegerField(_("计划发展人数"))

    class Meta:
        verbose_name = _("计划明细")
        verbose_name_plural = _("计划明细")
        ordering = ["plan", "org__path"]
        constraints = [models.UniqueConstraint(fields=["plan", "org"], name="development_plan_line_once")]

    def __str__(self):
        return f"{self.org} {self.quota}"
