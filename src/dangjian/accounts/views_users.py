"""Account management pages (用户管理): the list, one account, and the forms that open and keep accounts.

The same short story as the organization pages: scoped fetch (403 for a role that manages no accounts,
404 for an account outside the scope) → form → one service → redirect with a message; or the page again
with the service's answer (422 bad input, 409 not allowed now, 403 not this manager's account).
"""

from collections.abc import Callable

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from dangjian.core import scoping
from dangjian.core.errors import ServiceError
from dangjian.core.models import AuditEntry
from dangjian.core.pages import bound, partial, submit
from dangjian.orgs.models import Organization

from . import selectors, services
from .forms import SetPasswordForm, UserCreateForm, UserEditForm, UserFilterForm
from .models import Role, User

PAGE_SIZE = 50
ORG_OPTIONS_LIMIT = 30
HISTORY_LIMIT = 20


ROLE_HELP = (
    (Role.COUNTY_ADMIN, gettext_lazy("全县（或所属组织以下）的全部功能，含操作日志和全部账号的管理")),
    (Role.COMMITTEE_OFFICER, gettext_lazy("本党（工）委及其下级组织；可管理下级党支部书记和党员的账号")),
    (Role.BRANCH_SECRETARY, gettext_lazy("本支部（含党小组）的组织和党员工作")),
    (Role.REVIEWER, gettext_lazy("只办理分配给本人的评审、督查工作")),
    (Role.MEMBER, gettext_lazy("只查看本人信息")),
)


def _role_help(roles: list[str]) -> list[tuple[str, str]]:
    return [(Role(role).label, text) for role, text in ROLE_HELP if role in roles]


def _crumbs(*tail) -> list[tuple[str, str | None]]:
    return [(_("用户管理"), reverse("accounts:users")), *tail]


def _account_crumbs(account: User, *tail) -> list[tuple[str, str | None]]:
    return _crumbs((account.get_full_name(), reverse("accounts:user_detail", args=[account.pk])), *tail)


def _require(actor, account: User, action: str = "manage") -> None:
    reason = services.management_refusal(actor, account, action)
    if reason:
        raise PermissionDenied(reason)


# --- the list ------------------------------------------------------------------------------------------------


@login_required
def user_list(request):
    services.require_account_manager(request.user)
    form = UserFilterForm(request.GET)
    filters = form.values()
    accounts = selectors.users_within(user=request.user, **filters)
    page = Paginator(accounts, PAGE_SIZE).get_page(request.GET.get("page"))
    rows = list(page.object_list)
    locked = selectors.locked_usernames([a.username for a in rows])
    for account in rows:
        account.is_locked = account.username in locked
        account.manageable = services.management_refusal(request.user, account) is None
    context = {
        "filter_form": form,
        "filters": filters,
        "filtered": any(filters[key] for key in ("q", "role", "org_q")) or filters["active"] is not None,
        "page": page,
        "rows": rows,
        "may_create": bool(services.assignable_roles(request.user)),
        "crumbs": [(_("用户管理"), None)],
    }
    if partial(request, "user-results"):
        return render(request, "accounts/users/list.html#results", context)
    return render(request, "accounts/users/list.html", context)


# --- choosing an organization (for a new account, or to move an account) -------------------------------------


def _org_options(request, q: str) -> dict:
    orgs = list(selectors.account_orgs(user=request.user, q=q)[: ORG_OPTIONS_LIMIT + 1])
    more = len(orgs) > ORG_OPTIONS_LIMIT
    orgs = orgs[:ORG_OPTIONS_LIMIT]
    ancestors = selectors.ancestors_in_scope(request.user, orgs)
    return {"options": [(o, ancestors[o.pk]) for o in orgs], "more_options": more, "q": q}


def _pick_org_page(request, *, title: str, intro: str, pick_url: str, crumbs, cancel_url: str):
    q = request.GET.get("q", "").strip()[:100]
    context = {
        "title": title,
        "intro": intro,
        "pick_url": pick_url,
        "cancel_url": cancel_url,
        "crumbs": crumbs,
        **_org_options(request, q),
    }
    if partial(request, "org-options"):
        return render(request, "accounts/users/pick_org.html#options", context)
    return render(request, "accounts/users/pick_org.html", context)


def _chosen_org(request, default: Organization | None = None) -> Organization | None:
    """The organization named by `org` in the form or the query (404 outside the scope)."""
    value = request.POST.get("org") if request.method == "POST" else request.GET.get("org")
    if not value:
        return default
    return scoping.get_org_or_404(request.user, value)


# --- opening an account ----------------------------------------------------------------------------------------


@login_required
def user_create(request):
    services.require_account_manager(request.user)
    title = _("开设账号")
    org = _chosen_org(request)
    if org is None:
        return _pick_org_page(
            request,
            title=title,
            intro=_("第一步：选择新账号的所属组织。账号的管理范围就是这个组织及其下级组织。"),
            pick_url=reverse("accounts:user_create"),
            crumbs=_crumbs((title, None)),
            cancel_url=reverse("accounts:users"),
        )
    roles = services.roles_for_org(request.user, org)
    if not roles:
        raise PermissionDenied(_("您无权在“%(org)s”开设账号") % {"org": org.name})
    form = UserCreateForm(
        bound(request), org=org, roles=roles, members=selectors.linkable_members(user=request.user, org=org)
    )
    form.fields["role"].choices = [("", _("请选择角色")), *form.fields["role"].choices]

    def create(data):
        return services.user_create(
            actor=request.user,
            username=data["username"],
            display_name=data["display_name"],
            role=data["role"],
            org=org,
            member=data["member"],
            password=data["password"],
        )

    account, status, reason = submit(request, form, create)
    if account is not None:
        messages.success(
            request,
            _("已开设账号“%(username)s”（%(role)s，%(org)s）。请把用户名和密码当面或电话告知本人。")
            % {"username": account.username, "role": account.get_role_display(), "org": org.name},
        )
        return redirect("accounts:user_detail", account.pk)
    return render(
        request,
        "accounts/users/form.html",
        {
            "title": title,
            "form": form,
            "org": org,
            "change_org_url": reverse("accounts:user_create"),
            "refusal": reason,
            "submit": _("开设"),
            "cancel_url": reverse("accounts:users"),
            "crumbs": _crumbs((title, None)),
            "role_help": _role_help(roles),
        },
        status=status,
    )


# --- one account -----------------------------------------------------------------------------------------------


def _actions(actor, account: User, state: selectors.SignInState) -> dict[str, bool]:
    manage = services.management_refusal(actor, account) is None
    return {
        "edit": manage,
        "password": manage,
        "deactivate": account.is_active and services.management_refusal(actor, account, "deactivate") is None,
        "reactivate": manage and not account.is_active,
        "unlock": manage and state.failures > 0,
        "revoke_tokens": manage and state.active_tokens > 0,
    }


def _detail_page(request, account: User, *, status: int = 200, refusal: str = ""):
    state = selectors.sign_in_state(account)
    history = AuditEntry.objects.filter(object_type="accounts.user", object_id=str(account.pk))[
        :HISTORY_LIMIT
    ]
    context = {
        "account": account,
        "state": state,
        "actions": _actions(request.user, account, state),
        "not_managed": services.management_refusal(request.user, account),
        "history": history,
        "refusal": refusal,
        "crumbs": _crumbs((account.get_full_name(), None)),
    }
    return render(request, "accounts/users/detail.html", context, status=status)


@login_required
def user_detail(request, pk):
    account = selectors.get_user_or_404(request.user, pk)
    return _detail_page(request, account)


@login_required
def user_edit(request, pk):
    account = selectors.get_user_or_404(request.user, pk)
    _require(request.user, account)
    title = _("编辑账号")
    may_move = services.management_refusal(request.user, account, "change_org") is None
    edit_url = reverse("accounts:user_edit", args=[account.pk])
    if request.GET.get("pick") and may_move:
        return _pick_org_page(
            request,
            title=_("更改所属组织"),
            intro=_("选择账号“%(username)s”新的所属组织。") % {"username": account.username},
            pick_url=edit_url,
            crumbs=_account_crumbs(account, (_("更改所属组织"), None)),
            cancel_url=edit_url,
        )
    org = _chosen_org(request, default=account.org) if may_move else account.org
    roles = services.roles_for_org(request.user, org)
    if account.role not in roles:
        roles = [account.role, *roles]
    form = UserEditForm(
        bound(request),
        account=account,
        org=org,
        roles=roles,
        members=selectors.linkable_members(user=request.user, org=org, account=account),
    )
    if services.management_refusal(request.user, account, "change_role"):
        form.fields["role"].disabled = True
        form.fields["role"].help_text = _("不能更改自己的角色")

    def update(data):
        return services.user_update(
            actor=request.user,
            user=account,
            display_name=data["display_name"],
            role=data["role"],
            org=org,
            member=data["member"],
        )

    result, status, reason = submit(request, form, update)
    if result is not None:
        messages.success(request, _("已保存账号“%(username)s”") % {"username": result.username})
        return redirect("accounts:user_detail", result.pk)
    return render(
        request,
        "accounts/users/form.html",
        {
            "title": title,
            "form": form,
            "account": account,
            "org": org,
            "org_changed": org != account.org,
            "change_org_url": f"{edit_url}?pick=1" if may_move else "",
            "refusal": reason,
            "submit": _("保存"),
            "cancel_url": reverse("accounts:user_detail", args=[account.pk]),
            "crumbs": _account_crumbs(account, (title, None)),
            "role_help": _role_help(roles),
        },
        status=status,
    )


@login_required
def user_password(request, pk):
    account = selectors.get_user_or_404(request.user, pk)
    _require(request.user, account)
    title = _("重设密码")
    form = SetPasswordForm(bound(request))

    def set_password(data):
        return services.user_set_password(actor=request.user, user=account, password=data["password"])

    result, status, reason = submit(request, form, set_password)
    if result is not None:
        messages.success(
            request,
            _("已为“%(username)s”设置新密码。请当面或电话告知本人；其已登录的会话和接口令牌随之失效。")
            % {"username": result.username},
        )
        return redirect("accounts:user_detail", result.pk)
    return render(
        request,
        "accounts/users/form.html",
        {
            "title": title,
            "form": form,
            "account": account,
            "intro": _("为“%(name)s（%(username)s）”设置一个新密码，由您告知本人。平台不会显示或发送密码。")
            % {"name": account.get_full_name(), "username": account.username},
            "refusal": reason,
            "submit": _("设置新密码"),
            "cancel_url": reverse("accounts:user_detail", args=[account.pk]),
            "crumbs": _account_crumbs(account, (title, None)),
        },
        status=status,
    )


# --- one-button actions (POST from the account page) -------------------------------------------------------


def _action(request, pk, run: Callable[[User], str], action: str = "manage"):
    account = selectors.get_user_or_404(request.user, pk)
    _require(request.user, account, action)
    try:
        message = run(account)
    except ServiceError as exc:
        return _detail_page(request, account, status=exc.status, refusal=exc.message)
    messages.success(request, message)
    return redirect("accounts:user_detail", account.pk)


@login_required
@require_POST
def user_deactivate(request, pk):
    def deactivate(account):
        services.user_deactivate(actor=request.user, user=account)
        return _("已停用账号“%(username)s”，其接口令牌已吊销") % {"username": account.username}

    return _action(request, pk, deactivate, "deactivate")


@login_required
@require_POST
def user_reactivate(request, pk):
    def reactivate(account):
        services.user_reactivate(actor=request.user, user=account)
        return _("已启用账号“%(username)s”") % {"username": account.username}

    return _action(request, pk, reactivate)


@login_required
@require_POST
def user_unlock(request, pk):
    def unlock(account):
        services.user_unlock(actor=request.user, user=account)
        return _("已解除“%(username)s”的登录锁定") % {"username": account.username}

    return _action(request, pk, unlock)


@login_required
@require_POST
def user_revoke_tokens(request, pk):
    def revoke(account):
        n = services.user_tokens_revoke(actor=request.user, user=account)
        return _("已吊销“%(username)s”的接口令牌 %(n)s 个") % {"username": account.username, "n": n}

    return _action(request, pk, revoke)
