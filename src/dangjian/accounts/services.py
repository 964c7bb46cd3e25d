"""Every write to accounts: API tokens, account management (用户管理) and the first start of a new install.

Who manages accounts (decided here, mirrored by the pages through `management_refusal`):
- a county admin (组织部管理员) manages every account whose organization lies in their scope, of any role,
  except that nobody changes their own role or organization or deactivates themselves;
- a committee officer (党（工）委工作人员) manages branch-secretary and member accounts in their subtree;
- nobody else manages accounts.

What an account's organization must be: a 党委/党工委 for the county admin and the committee officer, a
党支部/党总支 for a branch secretary, and for a member account the organization on which that member's record
is kept (a member has at most one account). Passwords pass Django's password validators; they are never
written to the audit trail.
"""

import datetime as dt

from django.conf import settings
from django.contrib.auth import password_validation
from django.contrib.auth.validators import UnicodeUsernameValidator
from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from dangjian.core import audit, scoping, tree
from dangjian.core.errors import TransitionNotAllowed, ValidationFailed
from dangjian.members.models import GONE_STATUSES, Member
from dangjian.orgs.models import Domain, Organization, OrgKind

from .models import ApiToken, Role, User


@transaction.atomic
def api_token_issue(*, user: User) -> str:
    """Create a bearer token for `user`; the raw value is returned once and never stored."""
    raw = ApiToken.new_raw()
    ApiToken.objects.create(
        user=user,
        digest=ApiToken.digest_of(raw),
        expires_at=timezone.now() + dt.timedelta(days=settings.API_TOKEN_DAYS),
    )
    audit.record(actor=user, action="token", obj=user, summary="签发接口令牌")
    return raw


def api_token_user(raw: str) -> User | None:
    token = (
        ApiToken.objects.active()
        .select_related("user", "user__org")
        .filter(digest=ApiToken.digest_of(raw), user__is_active=True)
        .first()
    )
    if token is None:
        return None
    ApiToken.objects.filter(pk=token.pk).update(last_used_at=timezone.now())
    return token.user


# --- who manages which account -------------------------------------------------------------------------------

MANAGER_ROLES = frozenset({Role.COUNTY_ADMIN, Role.COMMITTEE_OFFICER})
# A committee officer opens and keeps the accounts of the branches below them, not of other officers.
OFFICER_MANAGES = frozenset({Role.BRANCH_SECRETARY, Role.MEMBER})
COMMITTEE_KINDS = frozenset({OrgKind.COMMITTEE, OrgKind.WORKING_COMMITTEE})
BRANCH_KINDS = frozenset({OrgKind.BRANCH, OrgKind.GENERAL_BRANCH})
# The organizations an account of each role may belong to (None: any organization except a 党小组).
ORG_KINDS_FOR_ROLE: dict[str, frozenset[str] | None] = {
    Role.COUNTY_ADMIN: COMMITTEE_KINDS,
    Role.COMMITTEE_OFFICER: COMMITTEE_KINDS,
    Role.BRANCH_SECRETARY: BRANCH_KINDS,
    Role.MEMBER: None,
    Role.REVIEWER: None,
}
# Recorded in the audit trail; never the password or its hash.
USER_FIELDS = ["username", "display_name", "role", "org_id", "member_id", "is_active"]


def is_account_manager(user) -> bool:
    return getattr(user, "is_authenticated", False) and user.role in MANAGER_ROLES


def require_account_manager(user) -> None:
    if not getattr(user, "is_authenticated", False):
        raise PermissionDenied(_("请先登录"))
    if user.role not in MANAGER_ROLES:
        raise PermissionDenied(_("您的角色无权管理用户账号"))


def assignable_roles(actor) -> list[str]:
    """Roles `actor` may give an account, in the order of Role."""
    if not is_account_manager(actor):
        return []
    if actor.role == Role.COUNTY_ADMIN:
        return list(Role.values)
    return [role for role in Role.values if role in OFFICER_MANAGES]


def roles_for_org(actor, org: Organization) -> list[str]:
    """Roles `actor` may give an account that belongs to `org`."""
    return [role for role in assignable_roles(actor) if _kind_refusal(role, org) is None]


def _kind_refusal(role: str, org: Organization) -> str | None:
    kinds = ORG_KINDS_FOR_ROLE.get(role)
    if org.kind == OrgKind.GROUP:
        return _("党小组不单独开设账号，请选择其所属的党支部")
    if kinds is None or org.kind in kinds:
        return None
    if kinds == BRANCH_KINDS:
        return _("党支部书记/组织委员的账号应属于党支部或党总支，“%(org)s”是%(kind)s") % {
            "org": org.name,
            "kind": org.get_kind_display(),
        }
    return _("%(role)s的账号应属于党委或党工委，“%(org)s”是%(kind)s") % {
        "role": Role(role).label,
        "org": org.name,
        "kind": org.get_kind_display(),
    }


def management_refusal(actor, target: User, action: str = "manage") -> str | None:
    """Why `actor` may not perform `action` on the account `target`, or None.

    Actions: "manage" (see it and change its particulars or password, unlock it, revoke its tokens),
    "deactivate", "change_role", "change_org".
    """
    if not is_account_manager(actor):
        return _("您的角色无权管理用户账号")
    if target.org_id is None or not scoping.in_scope(actor, target.org.path):
        return _("该账号不在您的管理范围内")
    if actor.role == Role.COMMITTEE_OFFICER and target.role not in OFFICER_MANAGES:
        return _("党（工）委工作人员只能管理党支部书记和党员的账号")
    if target.pk == actor.pk:
        if action == "deactivate":
            return _("不能停用自己的账号")
        if action == "change_role":
            return _("不能更改自己的角色")
        if action == "change_org":
            return _("不能更改自己的所属组织")
    return None


def _require_may(actor, target: User, action: str = "manage") -> None:
    reason = management_refusal(actor, target, action)
    if reason:
        raise PermissionDenied(reason)


# --- checks of the input -------------------------------------------------------------------------------------

_username_validator = UnicodeUsernameValidator()


def clean_username(username: str) -> str:
    username = (username or "").strip()
    if not username:
        raise ValidationFailed.field("username", _("请填写用户名"))
    if len(username) > 150:
        raise ValidationFailed.field("username", _("用户名最多 150 个字符"))
    try:
        _username_validator(username)
    except DjangoValidationError:
        raise ValidationFailed.field(
            "username", _("用户名只能包含文字、字母、数字和 @ . + - _ 这几个符号，不能有空格")
        ) from None
    if User.objects.filter(username__iexact=username).exists():
        raise ValidationFailed.field(
            "username", _("用户名“%(username)s”已被使用，请换一个") % {"username": username}
        )
    return username


def _clean_display_name(display_name: str) -> str:
    display_name = (display_name or "").strip()
    if not display_name:
        raise ValidationFailed.field("display_name", _("请填写姓名"))
    if len(display_name) > 50:
        raise ValidationFailed.field("display_name", _("姓名最多 50 个字"))
    return display_name


def _password_messages(error: DjangoValidationError) -> list[str]:
    """Django's password validators' verdicts in our own Chinese words (its catalog lags behind)."""
    messages = []
    for item in error.error_list:
        params = item.params or {}
        if item.code == "password_too_short":
            messages.append(
                _("密码太短，至少需要 %(min_length)s 个字符") % {"min_length": params.get("min_length", 8)}
            )
        elif item.code == "password_too_common":
            messages.append(_("密码过于常见，容易被猜中，请换一个"))
        elif item.code == "password_entirely_numeric":
            messages.append(_("密码不能全是数字"))
        elif item.code == "password_too_similar":
            messages.append(_("密码与用户名或姓名过于相近"))
        else:
            messages.extend(item.messages)
    return messages


def check_password(password: str, user: User | None = None, field: str = "password") -> None:
    if not password:
        raise ValidationFailed.field(field, _("请填写密码"))
    try:
        password_validation.validate_password(password, user)
    except DjangoValidationError as exc:
        raise ValidationFailed.field(field, _("；").join(_password_messages(exc))) from None


def _check_placement(*, actor, role: str, org: Organization | None, member: Member | None, user=None) -> None:
    """The account's role, organization and member fit together, and `actor` may assign them."""
    if role not in Role.values:
        raise ValidationFailed.field("role", _("角色无效"))
    if role not in assignable_roles(actor):
        raise PermissionDenied(_("您无权开设或设置“%(role)s”角色的账号") % {"role": Role(role).label})
    if org is None:
        raise ValidationFailed.field("org", _("请选择所属组织"))
    if not scoping.in_scope(actor, org.path):
        raise PermissionDenied(_("该组织不在您的管理范围内"))
    if org.is_dissolved:
        raise ValidationFailed.field("org", _("“%(org)s”已撤销，不能作为账号的所属组织") % {"org": org.name})
    reason = _kind_refusal(role, org)
    if reason:
        raise ValidationFailed.field("org", reason)
    if member is None:
        if role == Role.MEMBER:
            raise ValidationFailed.field("member", _("党员账号须关联本支部名册中的一名党员"))
        return
    if role == Role.MEMBER and member.org_id != org.pk:
        raise ValidationFailed.field(
            "member", _("%(name)s的组织关系不在“%(org)s”") % {"name": member.name, "org": org.name}
        )
    if not tree.is_within(member.org_path, org.path):
        raise ValidationFailed.field(
            "member", _("关联的党员应是“%(org)s”（或其下级组织）的党员") % {"org": org.name}
        )
    if member.status in GONE_STATUSES:
        raise ValidationFailed.field(
            "member",
            _("%(name)s的党籍状态为“%(status)s”，不能开设账号")
            % {"name": member.name, "status": member.get_status_display()},
        )
    holder = User.objects.filter(member=member).exclude(pk=getattr(user, "pk", None)).first()
    if holder is not None:
        raise ValidationFailed.field(
            "member",
            _("%(name)s已有账号“%(username)s”，一名党员只能有一个账号")
            % {"name": member.name, "username": holder.username},
        )


def _revoke_tokens(user: User) -> int:
    return ApiToken.objects.filter(user=user, revoked=False).update(revoked=True)


def _record(actor, action: str, user: User, summary: str, before=None, after=None) -> None:
    audit.record(
        actor=actor, action=action, obj=user, org=user.org, summary=summary, before=before, after=after
    )


# --- account management --------------------------------------------------------------------------------------


@transaction.atomic
def user_create(
    *,
    actor,
    username: str,
    display_name: str,
    role: str,
    org: Organization | None,
    password: str,
    member: Member | None = None,
) -> User:
    """Open an account (开设账号)."""
    require_account_manager(actor)
    username = clean_username(username)
    display_name = _clean_display_name(display_name)
    _check_placement(actor=actor, role=role, org=org, member=member)
    check_password(password, User(username=username, display_name=display_name))
    try:
        with transaction.atomic():
            user = User.objects.create_user(
                username=username,
                password=password,
                display_name=display_name,
                role=role,
                org=org,
                member=member,
            )
    except IntegrityError:  # a simultaneous request took the name or the member first
        raise ValidationFailed.field(
            "username", _("用户名“%(username)s”已被使用，请换一个") % {"username": username}
        ) from None
    _record(
        actor,
        "create",
        user,
        _("开设%(role)s账号") % {"role": user.get_role_display()},
        after=audit.snapshot(user, USER_FIELDS),
    )
    return user


_UNSET = object()


@transaction.atomic
def user_update(
    *,
    actor,
    user: User,
    display_name: str | None = None,
    role: str | None = None,
    org: Organization | None = None,
    member=_UNSET,
    is_active: bool | None = None,
) -> User:
    """Change an account's name, role, organization or linked member (None / not given: unchanged).

    `is_active` goes through user_deactivate / user_reactivate, so a deactivation also revokes the tokens.
    """
    user = User.objects.select_for_update(of=("self",)).select_related("org").get(pk=user.pk)
    _require_may(actor, user)
    new_role = role if role is not None else user.role
    new_org = org if org is not None else user.org
    new_member = user.member if member is _UNSET else member
    if new_role != user.role:
        _require_may(actor, user, "change_role")
    if new_org != user.org:
        _require_may(actor, user, "change_org")
    before = audit.snapshot(user, USER_FIELDS)
    if display_name is not None:
        user.display_name = _clean_display_name(display_name)
    if (new_role, new_org, new_member) != (user.role, user.org, user.member):
        _check_placement(actor=actor, role=new_role, org=new_org, member=new_member, user=user)
        user.role, user.org, user.member = new_role, new_org, new_member
    user.save(update_fields=["display_name", "role", "org", "member"])
    after = audit.snapshot(user, USER_FIELDS)
    if before != after:
        _record(actor, "update", user, _("修改账号信息"), before=before, after=after)
    if is_active is not None and is_active != user.is_active:
        user = (user_reactivate if is_active else user_deactivate)(actor=actor, user=user)
    return user


@transaction.atomic
def user_set_password(*, actor, user: User, password: str) -> User:
    """Set a new password typed by the manager, who passes it on to the user.

    The user's other sessions end (Django checks the password hash on each request) and their API tokens
    are revoked: a reset usually means the old password can no longer be trusted.
    """
    user = User.objects.select_for_update(of=("self",)).select_related("org").get(pk=user.pk)
    _require_may(actor, user)
    check_password(password, user)
    user.set_password(password)
    user.save(update_fields=["password"])
    revoked = _revoke_tokens(user)
    summary = _("重设密码")
    if revoked:
        summary = _("重设密码，吊销接口令牌 %(n)s 个") % {"n": revoked}
    _record(actor, "update", user, summary)
    return user


@transaction.atomic
def user_deactivate(*, actor, user: User) -> User:
    """停用: the account can no longer sign in, its sessions end and its API tokens are revoked."""
    user = User.objects.select_for_update(of=("self",)).select_related("org").get(pk=user.pk)
    _require_may(actor, user, "deactivate")
    if not user.is_active:
        raise TransitionNotAllowed(_("该账号已停用"))
    before = audit.snapshot(user, USER_FIELDS)
    user.is_active = False
    user.save(update_fields=["is_active"])
    revoked = _revoke_tokens(user)
    summary = _("停用账号")
    if revoked:
        summary = _("停用账号，吊销接口令牌 %(n)s 个") % {"n": revoked}
    _record(
        actor,
        "update",
        user,
        summary,
        before=before,
        after=audit.snapshot(user, USER_FIELDS),
    )
    return user


@transaction.atomic
def user_reactivate(*, actor, user: User) -> User:
    user = User.objects.select_for_update(of=("self",)).select_related("org").get(pk=user.pk)
    _require_may(actor, user)
    if user.is_active:
        raise TransitionNotAllowed(_("该账号未停用"))
    if user.org.is_dissolved:
        raise TransitionNotAllowed(
            _("所属组织“%(org)s”已撤销，请先更改账号的所属组织再启用") % {"org": user.org.name}
        )
    before = audit.snapshot(user, USER_FIELDS)
    user.is_active = True
    user.save(update_fields=["is_active"])
    _record(actor, "update", user, _("启用账号"), before=before, after=audit.snapshot(user, USER_FIELDS))
    return user


@transaction.atomic
def user_tokens_revoke(*, actor, user: User) -> int:
    """Revoke every API token of `user` (by a manager of the account, or by its owner)."""
    if actor.pk != user.pk:
        _require_may(actor, user)
    revoked = _revoke_tokens(user)
    _record(actor, "update", user, _("吊销接口令牌 %(n)s 个") % {"n": revoked})
    return revoked


@transaction.atomic
def user_unlock(*, actor, user: User) -> int:
    """解除登录锁定: forget the failed sign-ins of this user name (from every address), as `axes_reset` does."""
    from axes.utils import reset

    _require_may(actor, user)
    cleared = reset(username=user.username)
    _record(actor, "update", user, _("解除登录锁定（清除失败登录记录 %(n)s 条）") % {"n": cleared})
    return cleared


# --- the first start of a new install ------------------------------------------------------------------------


@transaction.atomic
def platform_bootstrap(
    *,
    org_name: str,
    org_code: str,
    domain: str,
    username: str,
    password: str,
    display_name: str = "",
) -> tuple[Organization, User]:
    """Create the root organization (the county committee) and its first county admin on an empty database.

    Refused once any organization exists, so running it twice changes nothing. The audit entries name the
    system as actor: nobody was signed in.
    """
    if Organization.objects.exists():
        raise TransitionNotAllowed(
            _("数据库中已有党组织，不能再初始化；请用已有的管理员账号登录，在“用户管理”中开设账号")
        )
    org_name, org_code = (org_name or "").strip(), (org_code or "").strip()
    if not org_name:
        raise ValidationFailed.field("org_name", _("请填写根组织名称"))
    if len(org_name) > 100:
        raise ValidationFailed.field("org_name", _("组织名称最多 100 个字"))
    if not org_code:
        raise ValidationFailed.field("org_code", _("请填写根组织编码"))
    if len(org_code) > 30:
        raise ValidationFailed.field("org_code", _("组织编码最多 30 个字符"))
    if domain not in Domain.values:
        raise ValidationFailed.field(
            "domain", _("领域无效，可选值：%(values)s") % {"values": ", ".join(Domain.values)}
        )
    username = clean_username(username)
    display_name = _clean_display_name(display_name or _("组织部管理员"))
    check_password(password, User(username=username, display_name=display_name))
    org = Organization.objects.create(
        name=org_name,
        code=org_code,
        kind=OrgKind.COMMITTEE,
        domain=domain,
        path="",
        depth=0,
        is_grassroots=False,
        established_on=None,
    )
    org.path = tree.child_path("", org.pk)
    org.save(update_fields=["path"])
    user = User.objects.create_user(
        username=username, password=password, display_name=display_name, role=Role.COUNTY_ADMIN, org=org
    )
    audit.record(
        actor=None,
        action="create",
        obj=org,
        org=org,
        summary=_("初始化：建立根组织"),
        after=audit.snapshot(org, ["name", "code", "kind", "domain", "path"]),
    )
    _record(
        None, "create", user, _("初始化：开设第一个组织部管理员账号"), after=audit.snapshot(user, USER_FIELDS)
    )
    return org, user
