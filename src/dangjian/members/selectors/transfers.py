"""Reads of transfers and status changes, always within the reader's scope (core.scoping).

A transfer concerns two organizations: a reader sees it when either the sending or the receiving side lies
in their scope. Its state is read as of today: a letter past its validity reads `expired` even before the
`expire_transfers` command has written that down.
"""

import datetime as dt

from django.db.models import Case, CharField, Count, F, Q, QuerySet, Value, When
from django.http import Http404
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from dangjian.core import crypto, scoping, tree
from dangjian.orgs.models import Organization, OrgKind

from ..models import Member, StatusChange, Transfer, TransferKind, TransferState

DIRECTIONS = ("incoming", "outgoing")


def _today() -> dt.date:
    return timezone.localdate()


def effective_state(transfer: Transfer, today: dt.date | None = None) -> str:
    if transfer.state == TransferState.ISSUED and transfer.valid_until < (today or _today()):
        return TransferState.EXPIRED
    return transfer.state


def _with_current_state(queryset: QuerySet, today: dt.date) -> QuerySet:
    return queryset.annotate(
        current_state=Case(
            When(state=TransferState.ISSUED, valid_until__lt=today, then=Value(TransferState.EXPIRED)),
            default=F("state"),
            output_field=CharField(),
        )
    )


def _state_filter(state: str, today: dt.date) -> Q:
    if state == TransferState.ISSUED:
        return Q(state=TransferState.ISSUED, valid_until__gte=today)
    if state == TransferState.EXPIRED:
        return Q(state=TransferState.EXPIRED) | Q(state=TransferState.ISSUED, valid_until__lt=today)
    return Q(state=state)


def _side(root: str, direction: str) -> Q:
    if direction == "incoming":
        return tree.within(root, "to_path")
    if direction == "outgoing":
        return tree.within(root, "from_path")
    return tree.within(root, "from_path") | tree.within(root, "to_path")


def transfers_within(
    *,
    user,
    root: Organization | None = None,
    direction: str = "",
    state: str = "",
    kind: str = "",
    q: str = "",
    member: Member | None = None,
) -> QuerySet[Transfer]:
    """Transfers whose sending or receiving side (or the side `direction` names) lies in the reader's scope,
    narrowed to `root`'s subtree; each carries `current_state`."""
    scope = scoping.scope_path(user)
    if scope is None:
        return Transfer.objects.none()
    today = _today()
    queryset = Transfer.objects.filter(_side(scope, direction))
    if root is not None:
        queryset = queryset.filter(_side(root.path, direction))
    if state:
        queryset = queryset.filter(_state_filter(state, today))
    if kind:
        queryset = queryset.filter(kind=kind)
    if member is not None:
        queryset = queryset.filter(member=member)
    q = (q or "").strip()
    if q:
        queryset = queryset.filter(Q(member__name__startswith=q) | Q(letter_no=q) | Q(letter_no__contains=q))
    return _with_current_state(queryset, today).select_related("member", "from_org", "to_org")


def pending_incoming(*, user, root: Organization | None = None) -> QuerySet[Transfer]:
    """待接收: letters to an organization of the reader's that are still valid."""
    return transfers_within(user=user, root=root, direction="incoming", state=TransferState.ISSUED)


def pending_outgoing(*, user, root: Organization | None = None) -> QuerySet[Transfer]:
    """已转出待回执: letters the reader's organizations issued that have not been received yet."""
    return transfers_within(user=user, root=root, direction="outgoing", state=TransferState.ISSUED)


def transfer_counts(*, user, root: Organization | None = None) -> dict[str, int]:
    """The figures at the top of the transfers page, in one query."""
    scope = scoping.scope_path(user)
    if scope is None:
        return {"incoming": 0, "outgoing": 0, "expired": 0, "this_year": 0}
    base = root.path if root is not None else scope
    today = _today()
    open_now = _state_filter(TransferState.ISSUED, today)
    counts = Transfer.objects.filter(_side(scope, "") & _side(base, "")).aggregate(
        incoming=Count("pk", filter=open_now & tree.within(base, "to_path")),
        outgoing=Count("pk", filter=open_now & tree.within(base, "from_path")),
        expired=Count(
            "pk", filter=_state_filter(TransferState.EXPIRED, today) & tree.within(base, "from_path")
        ),
        this_year=Count(
            "pk",
            filter=tree.within(base, "from_path")
            & Q(issued_on__year=today.year)
            & ~Q(kind=TransferKind.INCOMING),
        ),
    )
    return counts


def get_transfer_or_404(user, pk) -> Transfer:
    scoping.require_tree_role(user)
    try:
        return transfers_within(user=user).select_related("member", "issued_by", "closed_by").get(pk=pk)
    except (Transfer.DoesNotExist, ValueError, TypeError):
        raise Http404(_("介绍信不存在或不在您的管理范围内")) from None


def sides(user, transfer: Transfer) -> dict[str, bool]:
    """Which side(s) of the transfer the reader stands on."""
    return {
        "sender": bool(transfer.from_path) and scoping.in_scope(user, transfer.from_path),
        "receiver": bool(transfer.to_path) and scoping.in_scope(user, transfer.to_path),
    }


def letter_particulars(transfer: Transfer) -> dict:
    """The snapshot of the letter with the ID number and phone decrypted: only for the letter itself, whose
    every download or print the caller audits as a reveal."""
    snapshot = dict(transfer.member_snapshot or {})
    token = snapshot.pop("id_number_encrypted", "")
    phone = snapshot.pop("phone_encrypted", "")
    snapshot["id_number"] = crypto.decrypt(token) if token else ""
    snapshot["phone"] = crypto.decrypt(phone) if phone else ""
    return snapshot


def receiving_branches(*, q: str = "", limit: int = 20) -> list[Organization]:
    """Active branches anywhere in the system whose name contains `q`: a letter may go to any of them.
    Only names are shown from this list (the receiver need not lie in the issuer's scope)."""
    q = (q or "").strip()
    if not q:
        return []
    return list(
        Organization.objects.active()
        .filter(kind=OrgKind.BRANCH)
        .filter(Q(name__contains=q) | Q(code=q))
        .select_related("parent")
        .only("pk", "name", "parent__name")
        .order_by("path")[:limit]
    )


def transferable_members(*, user, q: str = "", limit: int = 20) -> list[Member]:
    """Members of the reader's scope for the issue form's picker: by name, or by exact ID number."""
    q = (q or "").strip()
    if not q:
        return []
    members = scoping.scoped(Member.objects.counted(), user, "org_path").select_related("org")
    if len(q) in (15, 18) and q[:-1].isdigit():
        members = members.filter(id_hash=crypto.lookup_hash(q))
    else:
        members = members.filter(name__startswith=q)
    return list(members.order_by("name_key", "pk")[:limit])


# --- for the member's page and self-service ----------------------------------------------------------------


def transfers_of_member(member: Member) -> list[Transfer]:
    """Every letter of one member, newest first (the caller has fetched the member within scope, or is
    the member)."""
    today = _today()
    return list(
        _with_current_state(Transfer.objects.filter(member=member), today)
        .select_related("from_org", "to_org")
        .order_by("-issued_on", "-id")
    )


def status_history(member: Member) -> list[StatusChange]:
    """Every 党籍异动 of one member, newest first (recorded by hand or by a transfer across the system's
    boundary)."""
    return list(
        StatusChange.objects.filter(member=member)
        .select_related("recorded_by")
        .order_by("-effective_on", "-id")
    )


def status_changes_within(
    *, user, root: Organization | None = None, kind: str = "", q: str = ""
) -> QuerySet[StatusChange]:
    """Recent status changes of members now recorded in the reader's scope (or `root`'s subtree)."""
    queryset = scoping.scoped(StatusChange.objects.all(), user, "member__org_path")
    if root is not None:
        queryset = queryset.filter(tree.within(root.path, "member__org_path"))
    if kind:
        queryset = queryset.filter(kind=kind)
    q = (q or "").strip()
    if q:
        queryset = queryset.filter(member__name__startswith=q)
    return queryset.select_related("member", "member__org", "recorded_by")


# --- the letter ----------------------------------------------------------------------------------------------


def _cn_date(day: dt.date) -> str:
    return _("%(y)s年%(m)s月%(d)s日") % {"y": day.year, "m": day.month, "d": day.day}


def letter_context(transfer: Transfer) -> dict:
    """Everything the introduction letter prints, as text (RULES.md 第96条: stub, letter, receipt).

    An official letter is in Chinese whatever the reader's interface language. It holds the full ID
    number and phone: callers go through services.transfers.transfer_letter_reveal, which audits the reveal.
    """
    with translation.override("zh-hans"):
        return _letter_context(transfer)


def _letter_context(transfer: Transfer) -> dict:
    from ..codes import ETHNICITIES
    from ..models import Category, Gender

    data = letter_particulars(transfer)
    issued_by = transfer.issued_by
    return {
        "letter_no": transfer.letter_no,
        "name": data.get("name", transfer.member.name),
        "gender": str(Gender(data["gender"]).label) if data.get("gender") else "",
        "age": data.get("age", ""),
        "ethnicity": dict(ETHNICITIES).get(data.get("ethnicity", ""), ""),
        "category": str(Category(data["category"]).label) if data.get("category") else "",
        "id_number": data["id_number"],
        "phone": data["phone"],
        "from_org": data.get("from_org", ""),
        "to_org": data.get("to_org", ""),
        "issuer": data.get("issuer", ""),
        "dues_until": _("%(y)s年%(m)s月")
        % {"y": transfer.dues_paid_until.year, "m": transfer.dues_paid_until.month},
        "valid_until": _cn_date(transfer.valid_until),
        "valid_days": (transfer.valid_until - transfer.issued_on).days,
        "issued_on": _cn_date(transfer.issued_on),
        "issued_by": (issued_by.get_full_name() if issued_by else ""),
        "reason": transfer.reason,
    }
