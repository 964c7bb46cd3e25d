from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class MeetingKind(models.TextChoices):
    ASSEMBLY = "assembly", _("党员大会")
    COMMITTEE = "committee", _("支部委员会")
    GROUP = "group", _("党小组会")
    LECTURE = "lecture", _("党课")
    THEMED_DAY = "themed_day", _("主题党日")
    LIFE_MEETING = "life_meeting", _("组织生活会")
    APPRAISAL = "appraisal", _("民主评议党员")
    TALK = "talk", _("谈心谈话")
    TRAINING = "training", _("集中培训")


class MeetingState(models.TextChoices):
    PLANNED = "planned", _("计划")
    HELD = "held", _("已召开")
    CANCELLED = "cancelled", _("已取消")


class Attendance(models.TextChoices):
    PRESENT = "present", _("出席")
    LEAVE = "leave", _("请假")
    ABSENT = "absent", _("缺席")


class Meeting(models.Model):
    """One meeting or activity of organizational life, planned ahead or recorded after it was held.

    A 党小组会 belongs to the 党小组 (an organization of kind "group"); everything else to the branch or
    committee that held it. Only held meetings count for compliance and study hours.
    """

    org = models.ForeignKey(
        "orgs.Organization", verbose_name=_("党组织"), on_delete=models.PROTECT, related_name="meetings"
    )
    org_path = models.CharField(max_length=255, db_index=True, editable=False)  # copy of org.path (scoping)
    kind = models.CharField(_("类型"), max_length=20, choices=MeetingKind.choices)
    state = models.CharField(
        _("状态"), max_length=20, choices=MeetingState.choices, default=MeetingState.HELD
    )
    held_on = models.DateField(_("日期"))
    starts_at = models.TimeField(_("开始时间"), null=True, blank=True)
    place = models.CharField(_("地点"), max_length=100, blank=True)
    topic = models.CharField(_("主题"), max_length=200)
    host = models.CharField(_("主持人"), max_length=50, blank=True)
    recorder = models.CharField(_("记录人"), max_length=50, blank=True)
    lecturer = models.CharField(_("授课人"), max_length=50, blank=True)  # 党课 and training
    minutes = models.TextField(_("会议记录"), blank=True)
    resolutions = models.TextField(_("决议事项"), blank=True)
    # Study hours credited to each member present (党课, training; RULES.md 第105、108条).
    hours = models.DecimalField(_("学时"), max_digits=5, decimal_places=1, default=0)
    ends_on = models.DateField(_("结束日期"), null=True, blank=True)  # a training over several days
    # 主题党日 "4+X": codes of rules.THEMED_DAY_ITEMS done, and the X items as free text.
    themed_items = models.JSONField(_("4+X 内容"), default=list, blank=True)
    themed_extra = models.CharField(_("X 项内容"), max_length=200, blank=True)
    # 组织生活会 is held as a 党员大会, 支委会 or 党小组会 (支部条例 第17条).
    held_as = models.CharField(_("召开形式"), max_length=20, blank=True)
    cancel_reason = models.CharField(_("取消原因"), max_length=200, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+", editable=False
    )
    created_at = models.DateTimeField(_("登记时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = _("组织生活")
        verbose_name_plural = _("组织生活")
        ordering = ["-held_on", "-id"]
        indexes = [
            models.Index(fields=["org_path", "held_on"], name="meeting_scope_idx"),
            models.Index(fields=["org", "kind", "held_on"], name="meeting_org_kind_idx"),
            # Lists and calendars of a large subtree read in date order (selectors._scope).
            models.Index(fields=["held_on", "id"], name="meeting_date_idx"),
            models.Index(fields=["held_on"], condition=models.Q(state="planned"), name="meeting_planned_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_on__isnull=True) | models.Q(ends_on__gte=models.F("held_on")),
                name="meeting_ends_after_start",
            ),
            models.CheckConstraint(condition=models.Q(hours__gte=0), name="meeting_hours_not_negative"),
        ]

    def __str__(self):
        return f"{self.held_on} {self.get_kind_display()} {self.topic}"


class MeetingAttendee(models.Model):
    """One member's attendance at a meeting. Mobile members may attend at their host organization."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="attendees")
    member = models.ForeignKey(
        "members.Member", verbose_name=_("党员"), on_delete=models.PROTECT, related_name="meeting_attendance"
    )
    attendance = models.CharField(_("出席情况"), max_length=10, choices=Attendance.choices)
    note = models.CharField(_("备注"), max_length=100, blank=True)

    class Meta:
        verbose_name = _("参会人员")
        verbose_name_plural = _("参会人员")
        constraints = [
            models.UniqueConstraint(fields=["meeting", "member"], name="attendee_once_per_meeting")
        ]
        indexes = [models.Index(fields=["member", "meeting"], name="attendee_member_idx")]

    def __str__(self):
        return f"{self.member} {self.get_attendance_display()}"


class Vote(models.Model):
    """A motion voted on at a 党员大会 or 支委会, with the figures and the outcome the rules give."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="votes")
    motion = models.CharField(_("表决事项"), max_length=300)
    rule = models.CharField(
        _("表决规则"), max_length=20
    )  # rules.ASSEMBLY_VOTE / COMMITTEE_VOTE / ELECTION_VOTE
    # The person the motion is about (admission, 转正: one person at a time, 细则 第21条).
    subject = models.ForeignKey(
        "members.Member", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    subject_name = models.CharField(_("表决对象"), max_length=50, blank=True)
    eligible = models.PositiveIntegerField(_("有表决权人数"))
    excluded = models.PositiveIntegerField(_("不计入应到会人数"), default=0)  # RULES.md 第30条, with consent
    should_attend = models.PositiveIntegerField(_("应到会人数"))
    present = models.PositiveIntegerField(_("实到会人数"))
    yes = models.PositiveIntegerField(_("赞成"))
    no = models.PositiveIntegerField(_("反对"), default=0)
    abstain = models.PositiveIntegerField(_("弃权"), default=0)
    written_yes = models.PositiveIntegerField(_("书面赞成"), default=0)
    written_no = models.PositiveIntegerField(_("书面反对"), default=0)
    quorum_met = models.BooleanField(_("达到法定人数"))
    passed = models.BooleanField(_("通过"))
    reasons = models.JSONField(_("依据"), default=list)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("登记时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("表决")
        verbose_name_plural = _("表决")
        ordering = ["meeting", "id"]

    def __str__(self):
        return self.motion


class AppraisalGrade(models.Model):
    """A member's grade at a 民主评议党员 (优秀 / 合格 / 基本合格 / 不合格)."""

    class Grade(models.TextChoices):
        EXCELLENT = "excellent", _("优秀")
        QUALIFIED = "qualified", _("合格")
        BASICALLY_QUALIFIED = "basically_qualified", _("基本合格")
        UNQUALIFIED = "unqualified", _("不合格")

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="grades")
    member = models.ForeignKey("members.Member", on_delete=models.PROTECT, related_name="appraisal_grades")
    grade = models.CharField(_("评议等次"), max_length=20, choices=Grade.choices)
    note = models.CharField(_("备注"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("评议等次")
        verbose_name_plural = _("评议等次")
        constraints = [models.UniqueConstraint(fields=["meeting", "member"], name="grade_once_per_meeting")]

    def __str__(self):
        return f"{self.member} {self.get_grade_display()}"


class MeetingFile(models.Model):
    """A photo or document of a meeting (sign-in sheet, minutes scan, photos). Type and size are limited."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="files")
    file = models.FileField(upload_to="meetings/%Y/%m/")
    name = models.CharField(_("文件名"), max_length=200)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("会议附件")
        verbose_name_plural = _("会议附件")
        ordering = ["uploaded_at", "id"]

    def __str__(self):
        return self.name
