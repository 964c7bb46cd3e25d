from django.db import models
from django.utils.translation import gettext_lazy as _

from dangjian.core.crypto import EncryptedCharField

from .codes import EDUCATION, ETHNICITIES


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

    objects = MemberQuerySet.as_manager()

    class Meta:
        verbose_name = _("党员")
        verbose_name_plural = _("党员")
        indexes = [models.Index(fields=["org_path", "status", "category"], name="member_scope_idx")]

    def __str__(self):
        return self.name
