"""Reads for account management: accounts, organizations and members within the manager's scope."""

import datetime as dt
from dataclasses import dataclass

from django.conf import settings
from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from dangjian.core import scoping, tree
from dangjian.members.models import Member
from dangjian.orgs.models import Organization, OrgKind

from .models import ApiToken, User
from .services import require_account_manager

# Sort keys of the account list → ORM ordering (a tie is broken by id so pages never overlap).
USER_ORDERINGS = {
    "org": ("org__path", "role", "username", "id"),
    "username": ("username", "id"),
    "-last_login": ("-last_login", "username", "id"),
    "role": ("role", "org__path", "username", "id"),
}


def users_within(
    *, user, q: str = "", role: str = "", org_q: str = "", active: bool | None = None, sort: str = "org"
) -> QuerySet[User]:
    """Accounts whose organization lies in `user`'s scope (accounts without one are nobody's to manage)."""
    require_account_manager(user)
    accounts = scoping.scoped(User.objects.select_related("org", "member"), user, "org__path")
    if q:
        accounts = accounts.filter(Q(username__icontains=q) | Q(display_name__icontains=q))
    if role:
        accounts = accounts.filter(role=role)
    if org_q:
        accounts = accounts.filter(Q(org__code__iexact=org_q) | Q(org__name__icontains=org_q))
    if active is not None:
        accounts = accounts.filter(is_active=active)
    return accounts.order_by(*USER_ORDERINGS.get(sort, USER_ORDERINGS["org"]))


def get_user_or_404(actor, pk) -> User:
    """The account `pk` if it lies in `actor`'s scope: 403 for a role that manages no accounts, else 404."""
    require_account_manager(actor)
    try:
        return scoping.scoped(User.objects.select_related("org", "member"), actor, "org__path").get(pk=pk)
    except (User.DoesNotExist, ValueError, TypeError):
        raise Http404(_("账号不存在或不在您的管理范围内")) from None


def account_orgs(*, user, q: str = "") -> QuerySet[Organization]:
    """Organizations an account may belong to: active, in scope, not a 党小组 (a group keeps no accounts)."""
    orgs = scoping.scoped(Organization.objects.active(), user).exclude(kind=OrgKind.GROUP)
    if q:
        orgs = orgs.filter(Q(code__iexact=q) | Q(name__icontains=q))
    return orgs.order_by("path")


def account_org_or_404(*, user, pk) -> Organization:
    try:
        return account_orgs(user=user).get(pk=pk)
    except (Organization.DoesNotExist, ValueError, TypeError):
        raise Http404(_("组织不存在或不在您的管理范围内")) from None


def linkable_members(*, user, org: Organization, account: User | None = None) -> QuerySet[Member]:
    """Members recorded on `org` who have no account yet (plus the member linked to `account`)."""
    members = scoping.scoped(Member.objects.counted(), user, "org_path").filter(org=org)
    free = Q(account__isnull=True)
    if account is not None and account.member_id:
        free |= Q(pk=account.member_id)
    return members.filter(free).order_by("name_key", "name", "id")


def ancestors_in_scope(user, orgs: list[Organization]) -> dict[int, list[Organization]]:
    """For each org, its ancestors inside the user's scope (root first), fetched in one query."""
    wanted = {pk for org in orgs for pk in tree.ancestor_ids(org.path) if pk != org.pk}
    found = {
        o.pk: o for o in scoping.scoped(Organization.objects.filter(pk__in=wanted), user).only("pk", "name")
    }
    return {
        org.pk: [found[pk] for pk in tree.ancestor_ids(org.path) if pk != org.pk and pk in found]
        for org in orgs
    }


@dataclass(frozen=True)
class SignInState:
    failures: int  # failed sign-ins counted towards the lock, over all addresses
    locked: bool  # some address has reached the limit within the lock-out period
    active_tokens: int


def sign_in_state(account: User) -> SignInState:
    from axes.models import AccessAttempt

    since = timezone.now() - dt.timedelta(hours=settings.AXES_COOLOFF_TIME)
    attempts = list(
        AccessAttempt.objects.filter(username=account.username).values_list(
            "failures_since_start", "attempt_time"
        )
    )
    return SignInState(
        failures=sum(failures for failures, _at in attempts),
        locked=any(f >= settings.AXES_FAILURE_LIMIT and at >= since for f, at in attempts),
        active_tokens=ApiToken.objects.active().filter(user=account).count(),
    )


def locked_usernames(usernames: list[str]) -> set[str]:
    """Which of these user names are locked out now (one query, for the list page)."""
    from axes.models import AccessAttempt

    since = timezone.now() - dt.timedelta(hours=settings.AXES_COOLOFF_TIME)
    return set(
        AccessAttempt.objects.filter(
            username__in=usernames,
            failures_since_start__gte=settings.AXES_FAILURE_LIMIT,
            attempt_time__gte=since,
        ).values_list("username", flat=True)
    )
