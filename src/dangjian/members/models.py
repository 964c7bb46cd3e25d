from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from dangjian.core.crypto import EncryptedCharField

from .codes import DEGREES, EDUCATION, ETHNICITIES, OCCUPATIONS


class Gender(models.TextChoices):
    MALE = "male", _("男")
    FEMALE = "female", _("女")


class Category(models.TextChoices):
    FULL = "full", _("正式党员")
    PROBATIONARY = "probationary", _("预备党员")


class Status(models.TextChoices):
    ACTIVE = "active", _("正常")
    MOBILE = "mobile", _("流动")
    LOST_CONTACT = "lost_contact", _("失联")
    SUSPENDED = "suspended", _("停止党籍")
    LEFT = "left", _("出党")
    DECEASED = "deceased", _("去世")
    TRANSFERRED_OUT = "transferred_out", _("已转出")


# Members no longer counted in an organization's numbers (API.md, statistics).
GONE_STATUSES = (Status.LEFT, Status.DECEASED, Status.TRANSFERRED_OUT)


class MemberQuerySet(models.QuerySet):
    def counted(self):
        return self.exclude(status__in=GONE_STATUSES)


class Member(models.Model):
    """A Party member's record. ID number and phone are encrypted; `id_hash` finds a number exactly."""

    name = models.CharField(_("姓名"), max_length=50)
    gender = models.CharField(_("性别"), max_length=10, choices=Gender.choices)
    id_number = EncryptedCharField(_("公民身份号码"))
    id_hash = models.CharField(max_length=64, unique=True, editable=False)
    birth_date = models.DateField(_("出生日期"))
    ethnicity = models.CharField(_("民族"), max_length=2, choices=ETHNICITIES, default="01")
    education = models.CharField(_("学历"), max_length=2, choices=EDUCATION, blank=True)
    org = models.ForeignKey(
        "orgs.Organization", verbose_name=_("所在党组织"), on_delete=models.PROTECT, related_name="members"
    )
    # Copy of org.path so subtree counts need no join (ARCHITECTURE.md, performance notes).
    org_path = models.CharField(max_length=255, db_index=True, editable=False)
    party_group = models.ForeignKey(
        "orgs.Organization",
        verbose_name=_("所在党小组"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="group_members",
    )
    category = models.CharField(_("人员类别"), max_length=20, choices=Category.choices)
    joined_on = models.DateField(_("入党日期"))
    converted_on = models.DateField(_("转正日期"), null=True, blank=True)
    status = models.CharField(_("党籍状态"), max_length=20, choices=Status.choices, default=Status.ACTIVE)
    phone = EncryptedCharField(_("手机号码"), blank=True)
    # Fields added with the member information system; database defaults keep bulk loaders simple.
    native_place = models.CharField(_("籍贯"), max_length=50, blank=True, default="", db_default="")
    degree = models.CharField(
        _("学位"), max_length=10, choices=DEGREES, blank=True, default="", db_default=""
    )
    occupation = models.CharField(
        _("职业"), max_length=2, choices=OCCUPATIONS, blank=True, default="", db_default=""
    )
    work_unit = models.CharField(_("工作单位"), max_length=100, blank=True, default="", db_default="")
    job_title = models.CharField(_("职务"), max_length=50, blank=True, default="", db_default="")
    address = EncryptedCharField(_("家庭住址"), blank=True, default="", db_default="")
    # Surname stroke-order key (姓氏笔画) so rosters sort in the database; see members.strokes.
    name_key = models.CharField(max_length=120, blank=True, default="", db_default="", editable=False)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True, null=True)

    objects = MemberQuerySet.as_manager()

    class Meta:
        verbose_name = _("党员")
        verbose_name_plural = _("党员")
        indexes = [
            models.Index(fields=["org_path", "status", "category"], name="member_scope_idx"),
            models.Index(fields=["name_key", "id"], name="member_roster_idx"),
        ]

    def __str__(self):
        return self.name


class MemberFile(models.Model):
    """A file attached to a member's record (scans of forms, certificates)."""

    member = models.ForeignKey(Member, on_delete=models.PROTECT, related_name="files")
    title = models.CharField(_("标题"), max_length=100)
    file = models.FileField(_("文件"), upload_to="members/%Y/%m/")
    size = models.PositiveIntegerField(_("大小（字节）"), default=0)
    uploaded_by = models.ForeignKey("accounts.User", null=True, on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField(_("上传时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("党员档案附件")
        verbose_name_plural = _("党员档案附件")

    def __str__(self):
        return self.title


class StatusChangeKind(models.TextChoices):
    LOST_CONTACT = "lost_contact", _("失去联系")
    CONTACT_RESTORED = "contact_restored", _("恢复联系")
    SUSPEND = "suspend", _("停止党籍")
    RESTORE = "restore", _("恢复党籍")
    LEAVE = "leave", _("出党")
    DEATH = "death", _("去世")
    TRANSFER_OUT = "transfer_out", _("转出系统外")
    TRANSFER_IN = "transfer_in", _("从系统外转入")


class ExitKind(models.TextChoices):
    """Kinds of leaving the Party counted in the annual statistics (党内统计年报)."""

    EXPELLED = "expelled", _("开除党籍")
    REMOVED = "removed", _("除名")
    SELF_LAPSED = "self_lapsed", _("自行脱党除名")
    WITHDREW = "withdrew", _("退党除名")
    PERSUADED = "persuaded", _("劝退")
    PROBATION_CANCELLED = "probation_cancelled", _("取消预备党员资格")


class StatusChange(models.Model):
    """One change of a member's standing (党籍异动), with its reason, date and approving body."""

    member = models.ForeignKey(Member, on_delete=models.PROTECT, related_name="status_changes")
    kind = models.CharField(_("异动类别"), max_length=20, choices=StatusChangeKind.choices)
    exit_kind = models.CharField(_("出党方式"), max_length=20, choices=ExitKind.choices, blank=True)
    from_status = models.CharField(_("原状态"), max_length=20, choices=Status.choices)
    to_status = models.CharField(_("新状态"), max_length=20, choices=Status.choices)
    effective_on = models.DateField(_("生效日期"))
    reason = models.CharField(_("原因"), max_length=300)
    approved_by = models.CharField(_("批准机关"), max_length=100, blank=True)
    decision_ref = models.CharField(_("批准文号"), max_length=100, blank=True)
    recorded_by = models.ForeignKey("accounts.User", null=True, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(_("登记时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("党籍异动")
        verbose_name_plural = _("党籍异动")
        ordering = ["-effective_on", "-id"]

    def __str__(self):
        return f"{self.member} {self.get_kind_display()} {self.effective_on}"


class TransferKind(models.TextChoices):
    INTERNAL = "internal", _("系统内转接")
    OUTGOING = "outgoing", _("转出系统外")
    INCOMING = "incoming", _("从系统外转入")


class TransferState(models.TextChoices):
    ISSUED = "issued", _("已开具")
    RECEIVED = "received", _("已接收")
    EXPIRED = "expired", _("已过期")
    CANCELLED = "cancelled", _("已撤销")


class Transfer(models.Model):
    """组织关系转接: an introduction letter (介绍信) and its stub, from issue to receipt."""

    member = models.ForeignKey(Member, on_delete=models.PROTECT, related_name="transfers")
    kind = models.CharField(_("转接类型"), max_length=10, choices=TransferKind.choices)
    from_org = models.ForeignKey(
        "orgs.Organization", null=True, blank=True, on_delete=models.PROTECT, related_name="transfers_out"
    )
    from_path = models.CharField(max_length=255, blank=True, db_index=True, editable=False)
    to_org = models.ForeignKey(
        "orgs.Organization", null=True, blank=True, on_delete=models.PROTECT, related_name="transfers_in"
    )
    to_path = models.CharField(max_length=255, blank=True, db_index=True, editable=False)
    source_text = models.CharField(_("转出单位（系统外）"), max_length=200, blank=True)
    destination_text = models.CharField(_("转往单位（系统外）"), max_length=200, blank=True)
    letter_no = models.CharField(_("介绍信编号"), max_length=40, unique=True)
    issued_on = models.DateField(_("开具日期"))
    valid_until = models.DateField(_("有效期至"))
    dues_paid_until = models.DateField(_("党费交至（月）"))
    reason = models.CharField(_("转接原因"), max_length=200, blank=True)
    state = models.CharField(
        _("状态"), max_length=10, choices=TransferState.choices, default=TransferState.ISSUED
    )
    received_on = models.DateField(_("接收日期"), null=True, blank=True)
    closed_note = models.CharField(_("办理说明"), max_length=200, blank=True)
    issued_by = models.ForeignKey("accounts.User", null=True, on_delete=models.PROTECT, related_name="+")
    closed_by = models.ForeignKey(
        "accounts.User", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    # The letter states the member's particulars as they were on the day it was issued.
    member_snapshot = models.JSONField(default=dict)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("组织关系转接")
        verbose_name_plural = _("组织关系转接")
        ordering = ["-issued_on", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["member"], condition=models.Q(state="issued"), name="one_open_transfer_per_member"
            )
        ]

    def __str__(self):
        return self.letter_no


class MobileState(models.TextChoices):
    OUT = "out", _("外出中")
    RETURNED = "returned", _("已返回")


class MobileRecord(models.Model):
    """流动党员: a member working or living away for a while, managed by home and host together."""

    member = models.ForeignKey(Member, on_delete=models.PROTECT, related_name="mobile_records")
    home_org = models.ForeignKey("orgs.Organization", on_delete=models.PROTECT, related_name="mobile_out")
    home_path = models.CharField(max_length=255, db_index=True, editable=False)
    left_on = models.DateField(_("外出日期"))
    expected_return_on = models.DateField(_("预计返回日期"), null=True, blank=True)
    destination = models.CharField(_("流入地"), max_length=200)
    contact = models.CharField(_("外出期间联系方式"), max_length=100, blank=True)
    card_no = models.CharField(_("流动党员活动证编号"), max_length=40, blank=True)
    host_org = models.ForeignKey(
        "orgs.Organization", null=True, blank=True, on_delete=models.PROTECT, related_name="mobile_in"
    )
    host_path = models.CharField(max_length=255, blank=True, db_index=True, editable=False)
    host_text = models.CharField(_("流入地党组织（系统外）"), max_length=200, blank=True)
    state = models.CharField(_("状态"), max_length=10, choices=MobileState.choices, default=MobileState.OUT)
    returned_on = models.DateField(_("返回日期"), null=True, blank=True)
    note = models.CharField(_("备注"), max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("流动党员登记")
        verbose_name_plural = _("流动党员登记")
        ordering = ["-left_on", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["member"], condition=models.Q(state="out"), name="one_open_outflow_per_member"
            )
        ]

    def __str__(self):
        return f"{self.member} → {self.destination}"


class MobileActivity(models.Model):
    """An activity a mobile member attended at the host organization (recorded by the host)."""

    record = models.ForeignKey(MobileRecord, on_delete=models.PROTECT, related_name="activities")
    held_on = models.DateField(_("日期"))
    activity = models.CharField(_("活动内容"), max_length=200)
    recorded_by = models.ForeignKey("accounts.User", null=True, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("流入地活动记录")
        verbose_name_plural = _("流入地活动记录")
        ordering = ["-held_on", "-id"]

    def __str__(self):
        return f"{self.held_on} {self.activity}"


class RequestState(models.TextChoices):
    PENDING = "pending", _("待处理")
    APPROVED = "approved", _("已同意")
    REJECTED = "rejected", _("已驳回")


class CorrectionRequest(models.Model):
    """A member asks the branch to correct a field of their own record."""

    member = models.ForeignKey(Member, on_delete=models.PROTECT, related_name="corrections")
    field = models.CharField(_("字段"), max_length=30)
    current_value = models.CharField(_("原值"), max_length=200, blank=True)
    requested_value = models.CharField(_("更正为"), max_length=200)
    reason = models.CharField(_("理由"), max_length=300)
    state = models.CharField(
        _("状态"), max_length=10, choices=RequestState.choices, default=RequestState.PENDING
    )
    requested_by = models.ForeignKey("accounts.User", null=True, on_delete=models.PROTECT, related_name="+")
    requested_at = models.DateTimeField(_("提交时间"), auto_now_add=True)
    decided_by = models.ForeignKey(
        "accounts.User", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(_("处理时间"), null=True, blank=True)
    decision_note = models.CharField(_("处理意见"), max_length=300, blank=True)
    # Phone and address are personal data: the requested value is kept here, encrypted, and
    # `requested_value` shows it masked.
    requested_secret = EncryptedCharField(_("更正为（加密）"), blank=True, default="", db_default="")

    class Meta:
        verbose_name = _("信息更正申请")
        verbose_name_plural = _("信息更正申请")
        ordering = ["-requested_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["member", "field"],
                condition=models.Q(state="pending"),
                name="one_pending_correction_per_field",
            )
        ]

    def __str__(self):
        return f"{self.member} {self.field}"


class Consultation(models.Model):
    """在线咨询: a member's question to their organization and its answer."""

    member = models.ForeignKey(Member, on_delete=models.PROTECT, related_name="consultations")
    org = models.ForeignKey("orgs.Organization", on_delete=models.PROTECT, related_name="consultations")
    org_path = models.CharField(max_length=255, db_index=True, editable=False)
    subject = models.CharField(_("主题"), max_length=100)
    question = models.TextField(pgettext_lazy("在线咨询", "问题"))
    asked_at = models.DateTimeField(_("提问时间"), auto_now_add=True)
    answer = models.TextField(_("答复"), blank=True)
    answered_by = models.ForeignKey(
        "accounts.User", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    answered_at = models.DateTimeField(_("答复时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("在线咨询")
        verbose_name_plural = _("在线咨询")
        ordering = ["-asked_at", "-id"]

    def __str__(self):
        return self.subject


class ImportJobState(models.TextChoices):
    QUEUED = "queued", _("排队中")
    RUNNING = "running", _("处理中")
    SUCCEEDED = "succeeded", _("已完成")
    FAILED = "failed", _("有错误，未导入")


class ImportJob(models.Model):
    """A roster upload: validated whole, written whole or not at all, with progress for the page."""

    org = models.ForeignKey("orgs.Organization", on_delete=models.PROTECT, related_name="+")
    uploaded_by = models.ForeignKey("accounts.User", on_delete=models.PROTECT, related_name="+")
    file = models.FileField(upload_to="imports/%Y/%m/")
    filename = models.CharField(max_length=200)
    state = models.CharField(max_length=10, choices=ImportJobState.choices, default=ImportJobState.QUEUED)
    total_rows = models.PositiveIntegerField(default=0)
    processed_rows = models.PositiveIntegerField(default=0)
    created_count = models.PositiveIntegerField(default=0)
    updated_count = models.PositiveIntegerField(default=0)
    errors = models.JSONField(default=list, blank=True)
    error_file = models.FileField(upload_to="imports/%Y/%m/", blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("花名册导入")
        verbose_name_plural = _("花名册导入")
        ordering = ["-created_at", "-id"]

    def __str__(self):
        return self.filename
