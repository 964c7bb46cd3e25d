import hashlib
import secrets

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    COUNTY_ADMIN = "county_admin", _("组织部管理员")
    COMMITTEE_OFFICER = "committee_officer", _("党（工）委工作人员")
    BRANCH_SECRETARY = "branch_secretary", _("党支部书记/组织委员")
    REVIEWER = "reviewer", _("评审组/督查组成员")
    MEMBER = "member", _("党员")


class User(AbstractUser):
    """An account: its role, and the organization whose subtree is its scope."""

    role = models.CharField(_("角色"), max_length=30, choices=Role.choices, default=Role.MEMBER)
    org = models.ForeignKey(
        "orgs.Organization",
        verbose_name=_("所属组织（权限范围）"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="accounts",
    )
    member = models.OneToOneField(
        "members.Member",
        verbose_name=_("对应党员"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="account",
    )
    display_name = models.CharField(_("姓名"), max_length=50, blank=True)

    class Meta:
        verbose_name = _("用户")
        verbose_name_plural = _("用户")

    def get_full_name(self):
        return self.display_name or super().get_full_name() or self.username

    @property
    def is_county_admin(self) -> bool:
        return self.role == Role.COUNTY_ADMIN


def _digest(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


class ApiTokenQuerySet(models.QuerySet):
    def active(self):
        return self.filter(expires_at__gt=timezone.now(), revoked=False)


class ApiToken(models.Model):
    """A bearer token for the API. Only its SHA-256 digest is stored."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    digest = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked = models.BooleanField(default=False)

    objects = ApiTokenQuerySet.as_manager()

    class Meta:
        verbose_name = _("接口令牌")
        verbose_name_plural = _("接口令牌")

    def __str__(self):
        return f"{self.user} 的令牌（{self.expires_at:%Y-%m-%d} 到期）"

    @staticmethod
    def new_raw() -> str:
        return secrets.token_urlsafe(32)

    @staticmethod
    def digest_of(raw: str) -> str:
        return _digest(raw)
