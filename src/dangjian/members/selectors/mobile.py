"""Reads of mobile members (流动党员): 流出党员 by the home organization's scope, 流入党员 by the host's.

The host side sees basic, masked particulars only (`inflow_row`): the member belongs to the home
organization, whose record it is.
"""

from django.db.models import Count, Q, QuerySet
from django.http import Http404
from django.utils.translation import gettext as _

from dangjian.core import crypto, scoping, tree
from dangjian.orgs.models import Organization

from .. import rules
from ..models import Member, MobileActivity, MobileRecord, MobileState

SIDES = ("out", "in")


def _records(*, user, side: str, root: Organization | None, state: str, q: str) -> QuerySet[MobileRecord]:
    path_field = "host_path" if side == "in" else "home_path"
    queryset = scoping.scoped(MobileRecord.objects.all(), user, path_field)
    if root is not None:
        queryset = queryset.filter(tree.within(root.path, path_field))
    if state:
        queryset = queryset.filter(state=state)
    q = (q or "").strip()
    if q:
        queryset = queryset.filter(Q(member__name__startswith=q) | Q(destination__contains=q))
    return queryset.select_related("member", "home_org", "host_org")


def outflows_within(
    *, user, root: Organization | None = None, state: str = "", q: str = ""
) -> QuerySet[MobileRecord]:
    """流出党员: outflow records kept by organizations in the reader's scope."""
    return _records(user=user, side="out", root=root, state=state, q=q)


def inflows_within(
    *, user, root: Organization | None = None, state: str = "", q: str = ""
) -> QuerySet[MobileRecord]:
    """流入党员: members of other organizations staying with an organization in the reader's scope."""
    return _records(user=user, side="in", root=root, state=state, q=q)


def mobile_counts(*, user, root: Organization | None = None) -> dict[str, int]:
    scope = scoping.scope_path(user)
    if scope is None:
        return {"out": 0, "in": 0}
    base = root.path if root is not None else scope
    open_now = Q(state=MobileState.OUT)
    return MobileRecord.objects.filter(
        (tree.within(scope, "home_path") | tree.within(scope, "host_path"))
        & (tree.within(base, "home_path") | tree.within(base, "host_path"))
    ).aggregate(
        out=Count("pk", filter=open_now & tree.within(base, "home_path")),
        **{"in": Count("pk", filter=open_now & tree.within(base, "host_path"))},
    )


def get_record_or_404(user, pk) -> MobileRecord:
    """A record the reader sees from the home side or the host side."""
    scoping.require_tree_role(user)
    root = scoping.scope_path(user)
    try:
        return (
            MobileRecord.objects.filter(tree.within(root, "home_path") | tree.within(root, "host_path"))
            .select_related("member", "member__org", "home_org", "host_org")
            .get(pk=pk)
        )
    except (MobileRecord.DoesNotExist, ValueError, TypeError):
        raise Http404(_("流动党员登记不存在或不在您的管理范围内")) from None


def sides(user, record: MobileRecord) -> dict[str, bool]:
    return {
        "home": scoping.in_scope(user, record.home_path),
        "host": bool(record.host_path) and scoping.in_scope(user, record.host_path),
    }


def inflow_row(record: MobileRecord) -> dict:
    """What the host organization may see of a mobile member: basic particulars, phone masked, no ID."""
    member = record.member
    return {
        "name": member.name,
        "gender": member.get_gender_display(),
        "category": member.get_category_display(),
        "age": rules.age_on(member.birth_date, record.left_on),
        "home_org": record.home_org.name,
        "phone": crypto.mask_phone(member.phone),
    }


def activities_of(record: MobileRecord) -> list[MobileActivity]:
    return list(record.activities.select_related("recorded_by").order_by("-held_on", "-id"))


def mobile_records_of(member: Member) -> list[MobileRecord]:
    """Every outflow of one member, newest first (for the member's page and self-service)."""
    return list(
        MobileRecord.objects.filter(member=member).select_related("host_org").order_by("-left_on", "-id")
    )


def host_organizations(*, q: str = "", limit: int = 20) -> list[Organization]:
    """Active organizations anywhere in the system that can host a mobile member, by name or code."""
    from ..services.mobile import HOST_KINDS

    q = (q or "").strip()
    if not q:
        return []
    return list(
        Organization.objects.active()
        .filter(kind__in=HOST_KINDS)
        .filter(Q(name__contains=q) | Q(code=q))
        .select_related("parent")
        .only("pk", "name", "parent__name")
        .order_by("path")[:limit]
    )
